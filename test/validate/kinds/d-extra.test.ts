import { describe, expect, it } from 'vitest';
import {
  goURLParse,
  goURLParseRequestURI,
  goURLPort,
  validatePolicyTargeting,
} from '../../../src/validate/common/extra-d.js';

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
