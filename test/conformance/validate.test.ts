import { describe, expect, it } from 'vitest';
import { announceSkip, conformanceAvailable } from './corpus.js';
import { applyRatchet, formatOutcome } from './ratchet.js';
import { runValidateConformance } from './validate-report.js';

const available = conformanceAvailable();
if (!available) announceSkip('validate');

describe.skipIf(!available)('validation conformance (crd-tests, valid-dataset, always-reject)', () => {
  it('keeps every case listed in the ratchet passing', async () => {
    const { results, details } = await runValidateConformance();
    // The corpus has 112 crd-tests documents and 33 dataset files (x2); far fewer means a loader bug.
    expect(results.size).toBeGreaterThan(150);
    const outcome = applyRatchet('validate', results);
    console.log(formatOutcome('validate', outcome));
    for (const name of outcome.failed) console.log(`  ${name}: ${details.get(name) ?? ''}`);
    expect(outcome.regressions).toEqual([]);
  });
});
