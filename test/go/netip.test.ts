import { describe, expect, it } from 'vitest';
import { isIP, parseAddr, parseAddrError, parsePrefixError } from '../../src/go/netip.js';
import { isValidCIDR, isValidIP } from '../../src/validate/common/net.js';

describe('netip.ParsePrefix (injection annotations)', () => {
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

describe('netip (validation kinds)', () => {
  it('accepts valid addresses and prefixes', () => {
    for (const a of ['1.2.3.4', '::', '::1', '2001:db8::1', 'fe80::1%eth0', '::ffff:1.2.3.4']) expect(parseAddrError(a), a).toBeUndefined();
    for (const p of ['10.0.0.0/8', '0.0.0.0/0', '2001:db8::/32']) expect(parsePrefixError(p), p).toBeUndefined();
  });
  it('rejects what netip rejects, with its messages', () => {
    expect(parseAddrError('1.2.3')).toBe('ParseAddr("1.2.3"): IPv4 address too short');
    expect(parseAddrError('1.2.3.04')).toBe('ParseAddr("1.2.3.04"): IPv4 field has octet with leading zero');
    expect(parseAddrError('1.2.3.256')).toBe('ParseAddr("1.2.3.256"): IPv4 field has value >255');
    expect(parseAddrError('foo')).toBe('ParseAddr("foo"): unable to parse IP');
    expect(parseAddrError('1:2:3')).toBe('ParseAddr("1:2:3"): address string too short');
    expect(parsePrefixError('1.2.3.4')).toBe('netip.ParsePrefix("1.2.3.4"): no \'/\'');
    expect(parsePrefixError('1.2.3.4/33')).toBe('netip.ParsePrefix("1.2.3.4/33"): prefix length out of range');
    expect(parsePrefixError('1.2.3.4/08')).toBe('netip.ParsePrefix("1.2.3.4/08"): bad bits after slash: "08"');
    expect(parsePrefixError('fe80::1%eth0/64')).toBe('netip.ParsePrefix("fe80::1%eth0/64"): IPv6 zones cannot be present in a prefix');
  });
});

describe('netip details Node\'s net.isIP gets wrong', () => {
  it('accepts any non-empty zone, as Go does', () => {
    expect(parseAddr('fe80::1%eth 0')).toEqual({ ok: true, is6: true, zone: 'eth 0' });
    expect(parseAddrError('fe80::1%')).toBe('ParseAddr("fe80::1%"): zone must be a non-empty string');
    expect(parseAddrError('%eth0')).toBe('ParseAddr("%eth0"): missing IPv6 address');
  });

  it('points at the offending text like Go', () => {
    expect(parseAddrError('1.2.3.a')).toBe('ParseAddr("1.2.3.a"): unexpected character (at "a")');
    expect(parseAddrError('1..2.3')).toBe('ParseAddr("1..2.3"): IPv4 field must have at least one digit (at ".2.3")');
    expect(parseAddrError('1:2::3::4')).toBe('ParseAddr("1:2::3::4"): multiple :: in address (at ":4")');
    // An embedded IPv4 failure nests its own ParseAddr text, exactly as netip does.
    expect(parseAddrError('1:2:3:4:5:6:1.2.3.4:5')).toBe(
      'ParseAddr("1:2:3:4:5:6:1.2.3.4:5"): ParseAddr("1.2.3.4:5"): unexpected character (at ":5") (at "1.2.3.4:5")',
    );
  });

  it('is what the validation kinds use for IPs and CIDR blocks', () => {
    for (const a of ['1.2.3.4', '::1', 'fe80::1%eth0']) {
      expect(isValidIP(a), a).toBe(true);
      expect(isIP(a), a).toBe(true);
    }
    for (const a of ['', '010.0.0.1', '1.2.3', '::1::']) expect(isValidIP(a), a).toBe(false);
    expect(isValidCIDR('::ffff:1.2.3.4/120')).toBe(true);
    expect(isValidCIDR('10.0.0.0/032')).toBe(false);
    expect(isValidCIDR('fe80::%eth0/64')).toBe(false);
  });
});
