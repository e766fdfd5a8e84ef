import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { OracleBatch, ensureOracle } from '../oracle/oracle.js';
import { runDifferential, writeReproducers, type Kind } from './differential.js';

/**
 * `npm run differential -- [--seed N] [--count N] [--kind inject|validate] [--case I]`: seeded cases
 * through Istio's code (the oracle) and ours; prints the tallies last and writes every difference
 * as a reproducer under test/differential/results/ (git-ignored).
 */
const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    count: { type: 'string', default: '300' },
    kind: { type: 'string' },
    case: { type: 'string' },
    results: { type: 'string', default: join(import.meta.dirname, 'results') },
    quiet: { type: 'boolean', short: 'q' },
  },
});
const kinds: Kind[] = values.kind === 'inject' || values.kind === 'validate' ? [values.kind] : ['inject', 'validate'];
if (values.kind !== undefined && kinds.length !== 1) {
  console.error(`--kind must be inject or validate, not ${JSON.stringify(values.kind)}`);
  process.exit(2);
}
const seed = Number(values.seed);
const count = Number(values.count);
if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 0) {
  console.error('--seed and --count take integers');
  process.exit(2);
}

const batch = new OracleBatch(ensureOracle().path);
const t0 = Date.now();
const result = await runDifferential(batch, {
  seed,
  count,
  kinds,
  ...(values.case !== undefined ? { only: Number(values.case) } : {}),
  progress: (kind, done) => {
    if (!values.quiet && done % 500 === 0) process.stderr.write(`  ${kind}: ${done} cases (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  },
});
await batch.close();

rmSync(values.results, { recursive: true, force: true });
writeReproducers(values.results, result.differences);

// Group differences by their summary with numbers and quoted values blurred, so one cause is one line.
const groups = new Map<string, { n: number; example: string; where: string }>();
for (const d of result.differences) {
  const key = `${d.path}: ${d.summary.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, 'N').slice(0, 140)}`;
  const g = groups.get(key) ?? { n: 0, example: d.summary, where: `${d.kind}-s${d.seed}-${String(d.index).padStart(5, '0')}-${d.path}` };
  g.n++;
  groups.set(key, g);
}
if (groups.size > 0) {
  console.log(`differences by kind of difference (reproducers in ${values.results}):`);
  for (const [key, g] of [...groups].sort((a, b) => b[1].n - a[1].n)) console.log(`  ${String(g.n).padStart(5)}  ${key}\n         e.g. ${g.where}: ${g.example.slice(0, 300)}`);
}
console.log(`(${((Date.now() - t0) / 1000).toFixed(1)} s, seed ${seed})`);
for (const k of kinds) console.log(`${k} differential: ${result.tallies[k].agree} agree, ${result.tallies[k].differ} differ`);
