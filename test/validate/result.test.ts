import { describe, expect, it } from 'vitest';
import { ValidationResult, appendErr, errFromList, formatErr, plainErr, prefixErr } from '../../src/validate/result.js';

describe('go-multierror emulation', () => {
  it('keeps a single appended error plain and turns two into a list', () => {
    const v = new ValidationResult().addError('a');
    expect(v.errorMessage()).toBe('a');
    v.addError('b');
    expect(v.errorMessage()).toBe('2 errors occurred:\n\t* a\n\t* b\n\n');
  });

  it('prints a one-element multierror as "1 error occurred"', () => {
    expect(formatErr({ multi: true, msgs: ['x'] })).toBe('1 error occurred:\n\t* x\n\n');
    // nil + multierror keeps the multierror (Istio's appendErrors returns err2 untouched)
    expect(appendErr(undefined, { multi: true, msgs: ['x'] })).toEqual({ multi: true, msgs: ['x'] });
  });

  it('flattens a nested multierror one level', () => {
    const e = appendErr(plainErr('a'), { multi: true, msgs: ['b', 'c'] });
    expect({ multi: e?.multi, msgs: e?.msgs }).toEqual({ multi: true, msgs: ['a', 'b', 'c'] });
  });

  it('prefixes every element like multierror.Prefix', () => {
    expect(formatErr(prefixErr({ multi: true, msgs: ['a', 'b'] }, 'invalid policy p.ns:'))).toBe(
      '2 errors occurred:\n\t* invalid policy p.ns: a\n\t* invalid policy p.ns: b\n\n',
    );
  });

  it('merges warnings and errors separately and splits warnings one per element', () => {
    const a = new ValidationResult().addWarning('w1');
    const b = new ValidationResult().addWarning('w2').addError('e');
    a.merge(b);
    expect(a.warnings()).toEqual(['w1', 'w2']);
    expect(a.errorMessage()).toBe('e');
    expect(new ValidationResult().mergeErrorsOnly(b).warnings()).toEqual([]);
  });

  it('builds plain or multi errors from a list', () => {
    expect(errFromList([])).toBeUndefined();
    expect(errFromList(['a'])).toEqual(plainErr('a'));
    expect(errFromList(['a', 'b'])?.multi).toBe(true);
  });
});
