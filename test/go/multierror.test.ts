import { describe, expect, it } from 'vitest';
import { formatMultiError } from '../../src/go/multierror.js';
import { formatErr, plainErr } from '../../src/validate/result.js';

describe('go-multierror formatting', () => {
  it('formatMultiError matches go-multierror', () => {
    expect(formatMultiError(['a'])).toBe('1 error occurred:\n\t* a\n\n');
    expect(formatMultiError(['a', 'b'])).toBe('2 errors occurred:\n\t* a\n\t* b\n\n');
  });

  it('keeps multi-line messages as they are, bullet only on the first line', () => {
    expect(formatMultiError(['x\ny', 'z'])).toBe('2 errors occurred:\n\t* x\ny\n\t* z\n\n');
  });

  it('the validation ErrTree prints through the same formatter when it is a multierror', () => {
    expect(formatErr({ multi: true, msgs: ['a', 'b'] })).toBe(formatMultiError(['a', 'b']));
    expect(formatErr({ multi: true, msgs: ['only'] })).toBe('1 error occurred:\n\t* only\n\n');
    expect(formatErr(plainErr('plain'))).toBe('plain');
  });
});
