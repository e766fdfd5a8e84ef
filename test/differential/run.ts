import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { OracleBatch, ensureOracle } from '../oracle/oracle.js';
import { differenceKey, minimiseAll, runDifferential, writeReproducers, type Kind } from './differential.js';

/**
 * `npm run differential -- [--seed N] [--count N] [--kind inject|validate] [--case I] [--minimise N]`:
 * seeded cases through Istio's code (the oracle) and ours; prints the tallies last and writes every
 * difference as a reproducer under test/differential/results/ (git-ignored), the first N of each kind
 * of difference minimised (default 1; 0 writes the whole cases only).
 */
const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    count: { type: 'string', default: '300' },
    kind: { type: 'string' },
    case: { type: 'string' },
    results: { type: 'string', default: join(import.meta.dirname, 'results') },
    quiet: { type: 'boolean', short: 'q' },
    minimise: { type: 'string', default: '1' },
    'max-runs': { type: 'string', default: '60' },
  },
});
const kinds: Kind[] = values.kind === 'inject' || values.kind === 'validate' ? [values.kind] : ['inject', 'validate'];
if (values.kind !== undefined && kinds.length !== 1) {
  console.error(`--kind must be inject or validate, not ${JSON.stringify(values.kind)}`);
  process.exit(2);
}
const seed = Number(values.seed);
const count = Number(values.count);
const perKind = Number(values.minimise);
const maxRuns = Number(values['max-runs']);
if (![seed, count, perKind, maxRuns].every(Number.isInteger) || count < 0 || perKind < 0 || maxRuns < 0) {
  console.error('--seed, --count, --minimise and --max-runs take integers');
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
const tMin = Date.now();
const differences = perKind > 0 ? await minimiseAll(batch, result.differences, perKind, maxRuns) : result.differences;
await batch.close();
const minimised = differences.filter((d) => d.minimised);
if (minimised.length > 0) {
  const runs = minimised.reduce((n, d) => n + (d.minimised?.runs ?? 0), 0);
  console.log(`minimised ${minimised.length} reproducers (one per kind of difference) in ${runs} re-runs, ${((Date.now() - tMin) / 1000).toFixed(1)} s`);
}

rmSync(values.results, { recursive: true, force: true });
writeReproducers(values.results, differences);

// Group differences by their summary with numbers and quoted values blurred, so one cause is one line.
const groups = new Map<string, { n: number; example: string; where: string }>();
for (const d of result.differences) {
  const key = differenceKey(d);
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
