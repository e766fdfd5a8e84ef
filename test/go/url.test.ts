import { describe, expect, it } from 'vitest';
import { goURLHostname, goURLParse, goURLParseRequestURI, goURLPort } from '../../src/go/url.js';

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

describe('net/url details', () => {
  it('keeps host:port together in Host and splits it like Hostname()/Port()', () => {
    const r = goURLParse('http://u:p@[::1]:8080/x?q=1#frag');
    expect(r).toEqual({
      ok: true,
      url: { scheme: 'http', opaque: '', user: 'u:p', host: '[::1]:8080', path: '/x', rawQuery: 'q=1', fragment: 'frag' },
    });
    if (!r.ok) return;
    expect(goURLHostname(r.url)).toBe('::1');
    expect(goURLPort(r.url)).toBe('8080');
    const noPort = goURLParse('http://example.com:/');
    expect(noPort.ok && [goURLHostname(noPort.url), goURLPort(noPort.url)]).toEqual(['example.com', '']);
  });

  it('rejects bad ports, bad userinfo and malformed escapes wherever Go unescapes', () => {
    expect(goURLParse('http://h:8x/')).toEqual({ ok: false, err: 'parse "http://h:8x/": invalid port ":8x" after host' });
    expect(goURLParse('http://a b@h/')).toEqual({ ok: false, err: 'parse "http://a b@h/": net/url: invalid userinfo' });
    expect(goURLParse('http://u%zz@h/')).toEqual({ ok: false, err: 'parse "http://u%zz@h/": invalid URL escape "%zz"' });
    // Hosts may escape only non-ASCII bytes, or %25 for an IPv6 zone.
    expect(goURLParse('http://a%41/')).toEqual({ ok: false, err: 'parse "http://a%41/": invalid URL escape "%41"' });
    expect(goURLParse('http://[fe80::1%25eth0]/').ok).toBe(true);
    expect(goURLParse('http://x/\u0001')).toEqual({ ok: false, err: 'parse "http://x/\\x01": net/url: invalid control character in URL' });
  });

  it('names only the part before # when that part fails, and the whole text when the fragment does', () => {
    expect(goURLParse('1a:b#frag')).toEqual({ ok: false, err: 'parse "1a:b": first path segment in URL cannot contain colon' });
    expect(goURLParse('http://x/#%zz')).toEqual({ ok: false, err: 'parse "http://x/#%zz": invalid URL escape "%zz"' });
  });

  it('treats a lone trailing ? as an empty query and keeps scheme-relative and opaque forms apart', () => {
    expect(goURLParse('http://x/p?')).toMatchObject({ ok: true, url: { path: '/p', rawQuery: '' } });
    expect(goURLParse('//h/p')).toMatchObject({ ok: true, url: { scheme: '', host: 'h', path: '/p' } });
    expect(goURLParse('///p')).toMatchObject({ ok: true, url: { host: '', path: '///p' } });
    expect(goURLParseRequestURI('//h/p')).toMatchObject({ ok: true, url: { host: '', path: '//h/p' } });
    expect(goURLParseRequestURI('oci:ghcr.io/x')).toMatchObject({ ok: true, url: { scheme: 'oci', opaque: 'ghcr.io/x' } });
    expect(goURLParseRequestURI('*')).toMatchObject({ ok: true, url: { path: '*' } });
  });
});

describe("Go 1.26's parseHost (texts from go1.26 net/url)", () => {
  it.each([
    ['http://regex[', 'invalid IP-literal'],
    ['http://a[b]', 'invalid IP-literal'],
    ['http://[1.2.3.4]', 'invalid IP-literal'],
    ['http://[zz]/', 'invalid host: ParseAddr("zz"): unable to parse IP'],
    ['http://[::1%25]', 'invalid host: ParseAddr("::1%"): zone must be a non-empty string'],
    ['http://[fe80::1%25%2Fx]/', 'invalid URL escape "%2F"'],
    ['http://[::1]%41', 'invalid port "%41" after host'],
    ['http://a:b:80', 'invalid port ":b:80" after host'],
  ])('rejects %s', (raw, err) => expect(goURLParse(raw)).toEqual({ ok: false, err: `parse ${JSON.stringify(raw)}: ${err}` }));

  it.each(['http://[::1]:80', 'http://[::ffff:1.2.3.4]', 'http://[fe80::1%25%65th0]/', 'http://[fe80::1%25%20x]/', 'ftp://a:b:80', 'mongodb://h1:1,h2:2/'])(
    'accepts %s',
    (raw) => expect(goURLParse(raw).ok).toBe(true),
  );
});
