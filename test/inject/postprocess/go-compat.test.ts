import { describe, expect, it } from 'vitest';
import { parsePrefixError } from '../../../src/inject/postprocess/netip.js';

describe('Go compatibility helpers', () => {
  it('netip.ParsePrefix edge cases', () => {
    expect(parsePrefixError('0.0.0.0/0')).toBeUndefined();
    expect(parsePrefixError('::/0')).toBeUndefined();
    expect(parsePrefixError('1:2:3:4:5:6:1.2.3.4/96')).toBeUndefined();
    expect(parsePrefixError('::/129')).toBe('netip.ParsePrefix("::/129"): prefix length out of range');
    expect(parsePrefixError('1.2.3.4/+8')).toBe('netip.ParsePrefix("1.2.3.4/+8"): bad bits after slash: "+8"');
    expect(parsePrefixError('1.2.3.256/8')).toBe('netip.ParsePrefix("1.2.3.256/8"): ParseAddr("1.2.3.256"): IPv4 field has value >255');
    expect(parsePrefixError('1:2:3:4:5:6:7:8:9/64')).toBe(
      'netip.ParsePrefix("1:2:3:4:5:6:7:8:9/64"): ParseAddr("1:2:3:4:5:6:7:8:9"): trailing garbage after address (at "9")',
    );
    expect(parsePrefixError('1::2:3:4:5:6:7:8/64')).toContain('the :: must expand to at least one field of zeros');
    expect(parsePrefixError('12345::/16')).toContain('IPv6 field has value >=2^16 (at "12345::")');
    expect(parsePrefixError('1:2/64')).toContain('address string too short');
    expect(parsePrefixError('/8')).toBe('netip.ParsePrefix("/8"): ParseAddr(""): unable to parse IP');
  });
});
