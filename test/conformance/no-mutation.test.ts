import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { announceSkip, conformanceAvailable } from './corpus.js';

const available = conformanceAvailable();
if (!available) announceSkip('injection input sharing check (Istio golden corpus)');

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const c of Object.values(v)) deepFreeze(c);
  }
  return v;
}

/**
 * The typed pod shares its parts with the request, the merges share theirs with the typed pod, and the
 * post-processing copies only what it writes. Any write into a shared part would corrupt the object the
 * patch is computed against; with the request frozen such a write throws (ES modules are strict), and the
 * answer would differ from the one computed on an unfrozen copy.
 */
describe.skipIf(!available)('injection never writes into the AdmissionRequest it was given', () => {
  it('answers every golden case identically with the request deep-frozen', async () => {
    const { loadInjectCases, TESTDATA, caseSettings } = await import('./inject-cases.js');
    const { compileCaseSettings, workloadDocs, objectToPod } = await import('./inject-report.js');
    const { injectAdmission } = await import('../../src/inject/webhook.js');
    let requests = 0;
    const differing: string[] = [];
    for (const c of loadInjectCases()) {
      if (c.error || !c.golden) continue;
      const settings = compileCaseSettings(c, 'default');
      const opts = { openshift: caseSettings(c).openshift };
      for (const [i, doc] of workloadDocs(readFileSync(join(TESTDATA, c.input), 'utf8')).entries()) {
        const request = () => ({ uid: `${c.name}-${i}`, kind: { group: '', version: 'v1', kind: 'Pod' }, operation: 'CREATE', namespace: 'default', object: objectToPod(doc) });
        const plain = injectAdmission(settings, request(), '/inject', opts);
        const frozen = injectAdmission(settings, deepFreeze(request()), '/inject', opts);
        requests++;
        if (JSON.stringify(frozen) !== JSON.stringify(plain)) differing.push(`${c.name}#${i}: ${JSON.stringify(frozen).slice(0, 300)}`);
      }
    }
    console.log(`frozen requests: ${requests - differing.length} answered identically, ${differing.length} differ`);
    expect(requests).toBeGreaterThan(100);
    expect(differing).toEqual([]);
  }, 120_000);
});
