/**
 * `npm run conformance`: every corpus, both injection paths and validation, as `N passed, M failed`
 * lines; newly passing cases join the ratchet lists (RATCHET_UPDATE=1 is set by the npm script).
 */
import { announceSkip, conformanceAvailable } from './corpus.js';
import { applyRatchet, formatOutcome } from './ratchet.js';

if (!conformanceAvailable()) {
  announceSkip('conformance');
  process.exit(0);
}
const verbose = process.argv.includes('--verbose') || process.argv.includes('-v');
let regressions = 0;

const { runInjectConformance } = await import('./inject-report.js');
const inj = await runInjectConformance();
for (const [suite, label, results] of [
  ['inject-kube-inject', 'kube-inject', inj.kubeInject],
  ['inject-webhook', 'webhook', inj.webhook],
] as const) {
  const o = applyRatchet(suite, results);
  regressions += o.regressions.length;
  console.log(formatOutcome(`inject(${label})`, o).replace(/^inject\((.*?)\):/, 'inject $1:'));
  if (verbose) for (const n of o.failed) console.log(`    ${n}: ${inj.details.get(`${label} ${n}`) ?? ''}`);
}

try {
  const { runValidateConformance } = await import('./validate-report.js');
  const val = await runValidateConformance();
  const o = applyRatchet('validate', val.results);
  regressions += o.regressions.length;
  console.log(formatOutcome('validate', o));
  if (verbose) for (const n of o.failed) console.log(`    ${n}: ${val.details.get(n) ?? ''}`);
} catch (e) {
  console.log(`validate: could not run: ${e instanceof Error ? e.message : String(e)}`);
  regressions += 1;
}
process.exitCode = regressions > 0 ? 1 : 0;
