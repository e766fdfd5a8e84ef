import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The ratchet: a checked-in list of conformance cases known to pass. A listed case that fails is a
 * regression (the suite goes red); a passing case not yet listed is reported and, when
 * RATCHET_UPDATE=1 (set by `npm run conformance`), written into the list.
 */
export interface RatchetOutcome {
  passed: string[];
  failed: string[];
  regressions: string[];
  newlyPassing: string[];
}

const RATCHET_DIR = resolve(import.meta.dirname, 'ratchet');

export function ratchetFile(suite: string): string {
  return resolve(RATCHET_DIR, `${suite}.txt`);
}

export function readRatchet(suite: string): Set<string> {
  const file = ratchetFile(suite);
  if (!existsSync(file)) return new Set();
  return new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#')),
  );
}

export function applyRatchet(suite: string, results: ReadonlyMap<string, boolean>): RatchetOutcome {
  const known = readRatchet(suite);
  const passed: string[] = [];
  const failed: string[] = [];
  for (const [name, ok] of [...results].sort(([a], [b]) => a.localeCompare(b))) {
    (ok ? passed : failed).push(name);
  }
  const regressions = failed.filter((n) => known.has(n));
  const newlyPassing = passed.filter((n) => !known.has(n));
  if (process.env.RATCHET_UPDATE === '1' && newlyPassing.length > 0) {
    const merged = [...new Set([...known, ...passed])].sort();
    writeFileSync(
      ratchetFile(suite),
      `# Cases of the ${suite} conformance suite known to pass. One failing turns the suite red.\n${merged.join('\n')}\n`,
    );
  }
  return { passed, failed, regressions, newlyPassing };
}

/** The visible count line, in the plain form CI reads: `suite: N passed, M failed`. */
export function formatOutcome(suite: string, o: RatchetOutcome): string {
  const lines = [`${suite}: ${o.passed.length} passed, ${o.failed.length} failed`];
  if (o.regressions.length) lines.push(`  REGRESSIONS (listed in ratchet, now failing): ${o.regressions.join(', ')}`);
  if (o.newlyPassing.length) lines.push(`  newly passing (not yet in ratchet): ${o.newlyPassing.join(', ')}`);
  if (o.failed.length) lines.push(`  failing: ${o.failed.join(', ')}`);
  return lines.join('\n');
}
