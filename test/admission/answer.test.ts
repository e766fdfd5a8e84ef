import { describe, expect, it } from 'vitest';
import { answerReview, encodeDecisionText } from '../../src/admission/answer.js';
import { encodeDecision } from '../../src/admission/review.js';
import type { AdmissionDecision, AdmissionReview } from '../../src/admission/types.js';

const review = (uid: string, apiVersion: AdmissionReview['apiVersion'] = 'admission.k8s.io/v1'): AdmissionReview => ({
  apiVersion,
  kind: 'AdmissionReview',
  request: { uid },
});

describe('encodeDecisionText', () => {
  const decisions: AdmissionDecision[] = [
    { allowed: true, reason: 'skipped:x' },
    { allowed: true, reason: 'injected', patch: [{ op: 'add', path: '/metadata/labels/a\u2028"b', value: 'ü\n' }] },
    { allowed: true, reason: 'injected', patch: [] },
    { allowed: false, reason: 'error', message: 'bad "quote" \\ and\nnewline' },
    { allowed: true, reason: 'valid', warnings: ['w1', 'w"2'] },
    { allowed: false, reason: 'invalid', warnings: ['not sent when denied'], message: 'm' },
  ];
  it('writes exactly what JSON.stringify of the encoded review writes', () => {
    for (const d of decisions) {
      for (const r of [review('u-1'), review('q"uid', 'admission.k8s.io/v1beta1')]) {
        expect(encodeDecisionText(r, d)).toBe(JSON.stringify(encodeDecision(r, d)));
      }
    }
  });

  it('answers an engine that throws with an MA105 denial and reports what it threw', () => {
    const body = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'x', object: { metadata: { generateName: 'web-' } } } });
    const a = answerReview({ inject: () => { throw new Error('boom'); }, validate: () => ({ allowed: true, reason: 'valid' }) }, 'inject', body, '/inject');
    expect(JSON.parse(a.body).response).toMatchObject({ uid: 'x', allowed: false });
    expect(a.summary).toMatchObject({ decoded: true, engineError: 'boom', name: 'web-***** (actual name not yet known)' });
  });
});
