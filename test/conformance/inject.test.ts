import { describe, expect, it } from 'vitest';
import { announceSkip, conformanceAvailable } from './corpus.js';
import { applyRatchet, formatOutcome } from './ratchet.js';

const available = conformanceAvailable();
if (!available) announceSkip('inject conformance (Istio golden corpus)');

describe.skipIf(!available)("Istio's injection golden corpus", () => {
  it('passes every ratcheted case on both paths (kube-inject and webhook)', async () => {
    const { runInjectConformance } = await import('./inject-report.js');
    const r = await runInjectConformance();
    const ki = applyRatchet('inject-kube-inject', r.kubeInject);
    const wh = applyRatchet('inject-webhook', r.webhook);
    console.log(formatOutcome('kube-inject', ki));
    console.log(formatOutcome('webhook', wh));
    for (const name of [...ki.regressions.map((n) => `kube-inject ${n}`), ...wh.regressions.map((n) => `webhook ${n}`)]) {
      console.log(`  ${name}: ${r.details.get(name) ?? ''}`);
    }
    expect([...ki.regressions, ...wh.regressions]).toEqual([]);
  }, 120_000);
});
