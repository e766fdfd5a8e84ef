import { describe, expect, it } from 'vitest';
import { quantityError } from '../../../src/inject/postprocess/quantity.js';
import { QUANTITY_FORMAT_ERROR, QUANTITY_NUMERIC_ERROR, QUANTITY_SUFFIX_ERROR } from '../../../src/k8s/quantity.js';

describe('proxy resource quantities (resource.ParseQuantity through the Kubernetes layer)', () => {
  it('accepts what apimachinery accepts, leniencies included', () => {
    for (const q of ['0', '100m', '1Gi', '1.5', '1e3', '+', '1.', '.5Gi', '-1']) expect(quantityError(q), q).toBeUndefined();
  });

  it('returns apimachinery\'s message for each kind of failure', () => {
    expect(quantityError('')).toBe(QUANTITY_FORMAT_ERROR);
    expect(quantityError('1.2.3')).toBe(QUANTITY_FORMAT_ERROR);
    expect(quantityError('1Gii')).toBe(QUANTITY_SUFFIX_ERROR);
    expect(quantityError('1e')).toBe(QUANTITY_SUFFIX_ERROR);
    // The Kubernetes layer refuses absurd exponents rather than computing 10^200000.
    expect(quantityError('1e200000')).toBe(QUANTITY_NUMERIC_ERROR);
    expect(QUANTITY_FORMAT_ERROR).toBe("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  });
});
