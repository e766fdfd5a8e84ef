import { describe, expect, it } from 'vitest';
import { atoi, formatMultiError, goJsonString, goQuote, parseBool, parseUint } from '../../../src/inject/postprocess/go-compat.js';
import { parsePrefixError } from '../../../src/inject/postprocess/netip.js';

describe('Go compatibility helpers', () => {
  it('goQuote matches strconv.Quote', () => {
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote('\n\t\x01\x7f')).toBe('"\\n\\t\\x01\\x7f"');
    expect(goQuote('é€😀')).toBe('"é€😀"');
    expect(goQuote('\u2028')).toBe('"\\u2028"');
  });

  it('goJsonString matches encoding/json (HTML-safe)', () => {
    expect(goJsonString('<a href="x">&</a>')).toBe('"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"');
    expect(goJsonString('\u0001\b\f\u2029é')).toBe('"\\u0001\\b\\f\\u2029é"');
    expect(goJsonString('\ud800')).toBe('"\\ufffd"');
  });

  it('strconv parsers', () => {
    expect(parseBool('TRUE')).toEqual({ ok: true, value: true });
    expect(parseBool('tRUE')).toEqual({ ok: false, error: 'strconv.ParseBool: parsing "tRUE": invalid syntax' });
    expect(parseUint('65535', 16)).toEqual({ ok: true, value: 65535 });
    expect(parseUint('65536', 16)).toEqual({ ok: false, error: 'strconv.ParseUint: parsing "65536": value out of range' });
    expect(parseUint('+1', 16).ok).toBe(false);
    expect(atoi('-12')).toEqual({ ok: true, value: -12 });
    expect(atoi('1_000').ok).toBe(false);
  });

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

  it('formatMultiError matches go-multierror', () => {
    expect(formatMultiError(['a'])).toBe('1 error occurred:\n\t* a\n\n');
    expect(formatMultiError(['a', 'b'])).toBe('2 errors occurred:\n\t* a\n\t* b\n\n');
  });
});
