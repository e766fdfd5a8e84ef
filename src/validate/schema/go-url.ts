/**
 * The part of Go's `net/url.ParseRequestURI` that Kubernetes' CEL `url()`/`isURL()` expose: it
 * decides which strings count as URLs and what scheme they have. WHATWG `URL` disagrees with Go on
 * exactly the inputs the CRDs care about (`ghcr.io/x:1` has no scheme in Go; `oci://` is opaque to
 * neither), so the rules are followed here rather than borrowed.
 */
export interface GoUrl {
  readonly scheme: string;
  readonly host: string;
  readonly port: string;
  readonly path: string;
  readonly query: string;
  readonly opaque: string;
}

export class GoUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoUrlError';
  }
}

function splitScheme(raw: string): { scheme: string; rest: string } {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new GoUrlError('missing protocol scheme');
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    // Any other character before a colon means there is no scheme at all.
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

function checkEscapes(s: string, what: string): void {
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '%') continue;
    const hex = s.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new GoUrlError(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))} in ${what}`);
    i += 2;
  }
}

// Go accepts in userinfo only unreserved, sub-delims, ':' '@' and escapes (validUserinfo).
const USERINFO = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%]*$/;
// Go's shouldEscape(c, encodeHost) == false for these ASCII characters; anything else is an invalid host.
const HOST_CHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"%\u0080-\uffff]*$/;

function checkHost(host: string): void {
  if (!HOST_CHAR.test(host)) throw new GoUrlError(`invalid character in host name ${JSON.stringify(host)}`);
  checkEscapes(host, 'host');
}

function parseHostPort(authority: string): { host: string; port: string } {
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    if (!USERINFO.test(userinfo)) throw new GoUrlError('net/url: invalid userinfo');
    checkEscapes(userinfo, 'userinfo');
  }
  const hostport = at >= 0 ? authority.slice(at + 1) : authority;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) throw new GoUrlError("missing ']' in host");
    const after = hostport.slice(close + 1);
    if (after !== '' && !/^:[0-9]*$/.test(after)) throw new GoUrlError(`invalid port ${JSON.stringify(after)} after host`);
    return { host: hostport.slice(0, close + 1), port: after.slice(1) };
  }
  const colon = hostport.lastIndexOf(':');
  if (colon >= 0) {
    const port = hostport.slice(colon);
    if (!/^:[0-9]*$/.test(port)) throw new GoUrlError(`invalid port ${JSON.stringify(port)} after host`);
    checkHost(hostport.slice(0, colon));
    return { host: hostport.slice(0, colon), port: port.slice(1) };
  }
  checkHost(hostport);
  return { host: hostport, port: '' };
}

export function parseRequestUri(raw: string): GoUrl {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new GoUrlError('net/url: invalid control character in URL');
  const { scheme: rawScheme, rest: afterScheme } = splitScheme(raw);
  const scheme = rawScheme.toLowerCase();
  let rest = afterScheme;
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/')) {
    if (scheme !== '') return { scheme, host: '', port: '', path: '', query, opaque: rest };
    throw new GoUrlError('invalid URI for request');
  }
  let host = '';
  let port = '';
  if (scheme !== '' && rest.startsWith('//')) {
    let authority = rest.slice(2);
    const slash = authority.indexOf('/');
    rest = slash >= 0 ? authority.slice(slash) : '';
    authority = slash >= 0 ? authority.slice(0, slash) : authority;
    ({ host, port } = parseHostPort(authority));
  }
  checkEscapes(rest, 'path');
  return { scheme, host, port, path: rest, query, opaque: '' };
}

export function isGoRequestUri(raw: string): boolean {
  try {
    parseRequestUri(raw);
    return true;
  } catch {
    return false;
  }
}
