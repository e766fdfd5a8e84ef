import { describe, expect, it } from 'vitest';
import {
  goParseAddrError,
  goParsePrefixError,
  goURLParse,
  goURLParseRequestURI,
  goURLPort,
  validatePolicyTargeting,
} from '../../../src/validate/common/extra-d.js';

describe('Go netip', () => {
  it('accepts valid addresses and prefixes', () => {
    for (const a of ['1.2.3.4', '::', '::1', '2001:db8::1', 'fe80::1%eth0', '::ffff:1.2.3.4']) expect(goParseAddrError(a), a).toBeUndefined();
    for (const p of ['10.0.0.0/8', '0.0.0.0/0', '2001:db8::/32']) expect(goParsePrefixError(p), p).toBeUndefined();
  });
  it('rejects what netip rejects, with its messages', () => {
    expect(goParseAddrError('1.2.3')).toBe('ParseAddr("1.2.3"): IPv4 address too short');
    expect(goParseAddrError('1.2.3.04')).toBe('ParseAddr("1.2.3.04"): IPv4 field has octet with leading zero');
    expect(goParseAddrError('1.2.3.256')).toBe('ParseAddr("1.2.3.256"): IPv4 field has value >255');
    expect(goParseAddrError('foo')).toBe('ParseAddr("foo"): unable to parse IP');
    expect(goParseAddrError('1:2:3')).toBe('ParseAddr("1:2:3"): address string too short');
    expect(goParsePrefixError('1.2.3.4')).toBe('netip.ParsePrefix("1.2.3.4"): no \'/\'');
    expect(goParsePrefixError('1.2.3.4/33')).toBe('netip.ParsePrefix("1.2.3.4/33"): prefix length out of range');
    expect(goParsePrefixError('1.2.3.4/08')).toBe('netip.ParsePrefix("1.2.3.4/08"): bad bits after slash: "08"');
    expect(goParsePrefixError('fe80::1%eth0/64')).toBe('netip.ParsePrefix("fe80::1%eth0/64"): IPv6 zones cannot be present in a prefix');
  });
});

describe('Go net/url', () => {
  it('parses scheme, host and port', () => {
    const r = goURLParse('HTTPS://user@foo.com:8443/a?b#c');
    expect(r.ok && r.url.scheme).toBe('https');
    expect(r.ok && goURLPort(r.url)).toBe('8443');
    const opaque = goURLParse('mailto:x@y');
    expect(opaque.ok && opaque.url.opaque).toBe('x@y');
  });
  it('reports Go errors', () => {
    expect(goURLParse(':foo')).toEqual({ ok: false, err: 'parse ":foo": missing protocol scheme' });
    expect(goURLParse('a:b/c').ok).toBe(true);
    expect(goURLParse('ab/c:d').ok).toBe(true);
    expect(goURLParse('a/b')).toMatchObject({ ok: true });
    expect(goURLParse('1a:b')).toEqual({ ok: false, err: 'parse "1a:b": first path segment in URL cannot contain colon' });
    expect(goURLParse('http://[::1')).toEqual({ ok: false, err: 'parse "http://[::1": missing \']\' in host' });
    expect(goURLParse('http://a b')).toEqual({ ok: false, err: 'parse "http://a b": invalid character " " in host name' });
    expect(goURLParse('http://x/%zz')).toEqual({ ok: false, err: 'parse "http://x/%zz": invalid URL escape "%zz"' });
    expect(goURLParseRequestURI('foo/bar')).toEqual({ ok: false, err: 'parse "foo/bar": invalid URI for request' });
    expect(goURLParseRequestURI('')).toEqual({ ok: false, err: 'parse "": empty url' });
  });
});

describe('policy targeting', () => {
  it('counts targetRef only for kinds that have it', () => {
    const spec = { selector: { matchLabels: { a: 'b' } }, targetRef: { kind: 'Service', name: 's' } };
    expect(validatePolicyTargeting(spec).errorMessage()).toBe('only one of targetRefs or workloadSelector can be set');
    expect(validatePolicyTargeting(spec, false).errorMessage()).toBeUndefined();
  });
});
