import { describe, expect, it } from 'vitest';
import { goFloat } from '../../../src/validate/schema/go-format.js';
import { isGoRequestUri, parseRequestUri } from '../../../src/validate/schema/go-url.js';

describe('goFloat (Go %v of a float64)', () => {
  it('switches to exponent form at 1e6 and below 1e-4', () => {
    expect(goFloat(65535)).toBe('65535');
    expect(goFloat(999999)).toBe('999999');
    expect(goFloat(1000000)).toBe('1e+06');
    expect(goFloat(4294967295)).toBe('4.294967295e+09');
    expect(goFloat(0.0001)).toBe('0.0001');
    expect(goFloat(0.00001)).toBe('1e-05');
    expect(goFloat(-2.5)).toBe('-2.5');
    expect(goFloat(0)).toBe('0');
  });

  it('is the template engine\'s fmt %v: signed zero, infinities, huge and tiny values as Go prints them', () => {
    expect(goFloat(-0)).toBe('-0');
    expect(goFloat(Infinity)).toBe('+Inf');
    expect(goFloat(1e21)).toBe('1e+21');
    expect(goFloat(123456.7)).toBe('123456.7');
    expect(goFloat(1.5e-7)).toBe('1.5e-07');
  });
});

describe('parseRequestUri (Go net/url.ParseRequestURI)', () => {
  it('extracts scheme, host and port', () => {
    const u = parseRequestUri('HTTPS://user@example.com:8443/a/b?x=1');
    expect(u).toMatchObject({ scheme: 'https', host: 'example.com', port: '8443', path: '/a/b', query: 'x=1' });
  });

  it('treats scheme:rest without a slash as opaque, like oci:foo', () => {
    expect(parseRequestUri('ghcr.io:5000/img')).toMatchObject({ scheme: 'ghcr.io', opaque: '5000/img' });
  });

  it('accepts absolute paths and rejects relative references', () => {
    expect(isGoRequestUri('/just/a/path')).toBe(true);
    expect(isGoRequestUri('ghcr.io/istio/wasm:1.0')).toBe(false);
    expect(() => parseRequestUri('relative')).toThrow('invalid URI for request');
  });

  it('rejects a leading colon, control characters, bad ports, bad escapes and bad userinfo', () => {
    expect(() => parseRequestUri(':foo')).toThrow('missing protocol scheme');
    expect(() => parseRequestUri('http://a\nb')).toThrow('invalid control character');
    expect(() => parseRequestUri('http://host:abc/')).toThrow('invalid port ":abc" after host');
    expect(() => parseRequestUri('http://host/%zz')).toThrow('invalid URL escape "%zz"');
    expect(() => parseRequestUri('http://#%blah$#@')).toThrow('invalid userinfo');
    expect(() => parseRequestUri('http://exa mple.com/')).toThrow('parse "http://exa mple.com/": invalid character " " in host name');
  });

  it('handles bracketed IPv6 hosts', () => {
    expect(parseRequestUri('http://[::1]:80/')).toMatchObject({ host: '[::1]', port: '80' });
    expect(() => parseRequestUri('http://[::1/')).toThrow("missing ']' in host");
  });
});
