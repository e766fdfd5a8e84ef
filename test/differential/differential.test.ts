import { describe, expect, it } from 'vitest';
import { conformanceAvailable, announceSkip } from '../conformance/corpus.js';
import { OracleBatch, ensureOracle, goAvailable } from '../oracle/oracle.js';
import { runDifferential } from './differential.js';
import { knownDifference } from './known-differences.js';

/**
 * CI's slice of the Istio differential: 300 seeded cases of each kind through Istio's own code
 * (the oracle, built from test/oracle on first use) and ours. Every difference must be a known,
 * documented one; the tallies are printed. The first run builds the oracle (minutes, cold).
 */
const CI_SEED = 20260827;
const CI_COUNT = 300;
const ready = goAvailable() && conformanceAvailable();
if (!ready) announceSkip('Istio differential (needs go on PATH and the conformance corpus)');

describe.skipIf(!ready)('Istio differential, CI slice', () => {
  it(`${CI_COUNT} inject and ${CI_COUNT} validate cases agree with Istio except known differences`, async () => {
    const batch = new OracleBatch(ensureOracle().path);
    try {
      const r = await runDifferential(batch, { seed: CI_SEED, count: CI_COUNT, kinds: ['inject', 'validate'] });
      console.log(`inject differential: ${r.tallies.inject.agree} agree, ${r.tallies.inject.differ} differ`);
      console.log(`validate differential: ${r.tallies.validate.agree} agree, ${r.tallies.validate.differ} differ`);
      const unknown = r.differences.filter((d) => !knownDifference(d.path, d.summary)).map((d) => `${d.kind}#${d.index} ${d.path}: ${d.summary}`);
      expect(unknown).toEqual([]);
      // The slice must really compare: most cases have to agree.
      expect(r.tallies.inject.agree).toBeGreaterThan(CI_COUNT / 2);
      expect(r.tallies.validate.agree).toBeGreaterThan(CI_COUNT / 2);
    } finally {
      await batch.close();
    }
  }, 40 * 60_000);
});
