/** The end of a fuzz or soak run: failures grouped by input, limits passed, and the one-line summary. */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { Tally } from './client.js';
import type { ServerProcess } from './server-process.js';

export interface RunResult {
  requests: number;
  failed: number;
  fiveXx: number;
  wrongUid: number;
  maxLatencyMs: number;
  peakRssMib: number;
  /** Why the run fails beyond the counts (a limit passed); empty when it passes. */
  limitsPassed: string[];
  /** Grouped failures, one line per input kind and answer. */
  failures: string[];
  summary: string;
  ok: boolean;
}

export function finish(tool: string, tally: Tally, peak: number, limitsPassed: string[], extra: Record<string, string | number>, log: (l: string) => void): RunResult {
  const failures = tally.failureLines();
  if (failures.length > 0) {
    log(`${tool}: failures by input kind (count, first example):`);
    for (const f of failures) log(`${tool}: ${f}`);
  }
  for (const l of limitsPassed) log(`${tool}: LIMIT: ${l}`);
  const summary = tally.summary(tool, peak, extra);
  log(summary);
  return {
    requests: tally.requests,
    failed: tally.failed,
    fiveXx: tally.fiveXx,
    wrongUid: tally.wrongUid,
    maxLatencyMs: tally.maxLatencyMs,
    peakRssMib: peak,
    limitsPassed,
    failures,
    summary,
    ok: tally.failed === 0 && tally.fiveXx === 0 && tally.wrongUid === 0 && limitsPassed.length === 0,
  };
}

export async function stopQuietly(server: ServerProcess): Promise<void> {
  try {
    await server.stop();
  } catch {
    // The run's figures are already taken; a server that will not stop is killed by stop() itself.
  }
}

export function fmtKib(b: number | undefined): string {
  return b === undefined ? 'n/a' : `${Math.round(b / 1024)} KiB`;
}

/** True when `moduleUrl` is the script node was started with (the tool's CLI entry), not an import. */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
}

/**
 * The command line of a tool: every numeric option of `defaults` as a kebab-case flag taking a non-negative
 * integer (`timeoutMs` is `--timeout-ms`). Unknown flags and bad numbers exit 2 with the list of flags.
 */
export function numericFlags<T extends object>(defaults: T, argv = process.argv.slice(2)): T {
  const flag = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const keys = Object.keys(defaults).filter((k) => typeof (defaults as Record<string, unknown>)[k] === 'number');
  const usage = `flags: ${keys.map((k) => `--${flag(k)} N (default ${(defaults as Record<string, unknown>)[k]})`).join(', ')}`;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options: Object.fromEntries(keys.map((k) => [flag(k), { type: 'string' as const }])) }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${usage}\n`);
    process.exit(2);
  }
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const k of keys) {
    const v = values[flag(k)];
    if (typeof v !== 'string') continue;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) {
      process.stderr.write(`--${flag(k)} wants a non-negative integer, got '${v}'\n${usage}\n`);
      process.exit(2);
    }
    out[k] = n;
  }
  return out as T;
}
