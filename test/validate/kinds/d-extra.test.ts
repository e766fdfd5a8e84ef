import { describe, expect, it } from 'vitest';
import { validatePolicyTargeting } from '../../../src/validate/common/extra-d.js';

describe('policy targeting', () => {
  it('counts targetRef only for kinds that have it', () => {
    const spec = { selector: { matchLabels: { a: 'b' } }, targetRef: { kind: 'Service', name: 's' } };
    expect(validatePolicyTargeting(spec).errorMessage()).toBe('only one of targetRefs or workloadSelector can be set');
    expect(validatePolicyTargeting(spec, false).errorMessage()).toBeUndefined();
  });
});
