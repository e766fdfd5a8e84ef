/**
 * Go's net/url parsing (url.Parse and url.ParseRequestURI): which strings are URLs, how they split
 * into parts, and the exact error texts. WHATWG `URL` disagrees with Go on precisely the inputs that
 * matter here (`ghcr.io/x:1` has no scheme in Go, `oci:foo` is opaque, ports are not range-checked),
 * and Istio and the apiserver print Go's errors, so the rules are followed rather than borrowed.
 */
import { parseAddr } from './netip.js';
import { goQuote } from './strconv.js';

export interface GoURL {
  /** Lower-cased, as Go stores it. */
  scheme: string;
  opaque: string;
  /** The raw userinfo before '@', or undefined when there is none. */
  user?: string;
  /** host[:port], brackets kept for IPv6 literals (Go's URL.Host). */
  host: string;
  path: string;
  rawQuery: string;
  fragment?: string;
}

export type GoURLResult = { ok: true; url: GoURL } | { ok: false; err: string };

/** A failure inside parse(): the bare message, before url.Error wraps it. */
type Inner = { ok: true; url: GoURL } | { ok: false; inner: string };

function hasCtlByte(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

const HEX = /^[0-9a-fA-F]$/;

/** ASCII characters Go's shouldEscape(c, encodeHost) lets through in a host. */
const HOST_CHAR = /^[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]$/;

/** Go's validUserinfo alphabet. */
const USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  if (port[0] !== ':') return false;
  return /^[0-9]*$/.test(port.slice(1));
}

type Mode = 'host' | 'zone' | 'other';

/** The checks of Go's unescape(): malformed escapes, and in a host or zone, characters that need escaping. */
function unescapeError(s: string, mode: Mode): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === '%') {
      const esc = s.slice(i, i + 3);
      if (esc.length < 3 || !HEX.test(esc[1] ?? '') || !HEX.test(esc[2] ?? '')) {
        return `invalid URL escape ${goQuote(esc)}`;
      }
      // A host may only carry escapes of non-ASCII bytes, or %25 (an IPv6 zone's '%').
      if (mode === 'host' && parseInt(esc[1] ?? '', 16) < 8 && esc !== '%25') {
        return `invalid URL escape ${goQuote(esc)}`;
      }
      // A zone may escape only what it could write as is (and a space, for Windows' zone names).
      if (mode === 'zone' && esc !== '%25') {
        const v = parseInt(esc.slice(1), 16);
        if (v !== 0x20 && (v >= 0x80 || !HOST_CHAR.test(String.fromCharCode(v)))) return `invalid URL escape ${goQuote(esc)}`;
      }
      i += 2;
      continue;
    }
    if (mode !== 'other' && c.charCodeAt(0) < 0x80 && !HOST_CHAR.test(c)) {
      return `invalid character ${goQuote(c)} in host name`;
    }
  }
  return undefined;
}

/** Go's unescape of an IP-literal's inside: the host part, then from "%25" on the zone, each with its rules. */
function unescapeLiteral(hostname: string): { ok: true; text: string } | { ok: false; err: string } {
  const zoneAt = hostname.indexOf('%25');
  const hostPart = zoneAt >= 0 ? hostname.slice(0, zoneAt) : hostname;
  const err = unescapeError(hostPart, 'host') ?? (zoneAt >= 0 ? unescapeError(hostname.slice(zoneAt), 'zone') : undefined);
  if (err !== undefined) return { ok: false, err };
  return { ok: true, text: decodeURIComponentBytes(hostname) };
}

/** Percent-decoding of already checked text, byte-wise (Go strings are bytes; invalid UTF-8 kept as U+FFFD). */
function decodeURIComponentBytes(s: string): string {
  if (!s.includes('%')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(s[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Go 1.26's parseHost (the module's go directive keeps urlstrictcolons on): a '[' anywhere but first
 * is no IP-literal; an IP-literal must hold an IPv6 address; http(s) hosts take one colon only.
 */
function parseHost(scheme: string, host: string): string | undefined {
  const open = host.lastIndexOf('[');
  if (open > 0) return 'invalid IP-literal';
  if (open === 0) {
    const i = host.lastIndexOf(']');
    if (i < 0) return "missing ']' in host";
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) return `invalid port ${goQuote(colonPort)} after host`;
    const portErr = unescapeError(colonPort, 'host');
    if (portErr !== undefined) return portErr;
    const inside = unescapeLiteral(host.slice(1, i));
    if (!inside.ok) return inside.err;
    const addr = parseAddr(inside.text);
    if (!addr.ok) return `invalid host: ${addr.error}`;
    if (!addr.is6) return 'invalid IP-literal';
    return undefined;
  }
  const first = host.indexOf(':');
  if (first !== -1) {
    const last = host.lastIndexOf(':');
    const i = last !== first && (scheme === 'http' || scheme === 'https') ? first : last;
    const colonPort = host.slice(i);
    if (!validOptionalPort(colonPort)) return `invalid port ${goQuote(colonPort)} after host`;
  }
  return unescapeError(host, 'host');
}

/** Go's getScheme: letters first, then letters, digits, '+', '-', '.' up to the colon. */
function getScheme(raw: string): { scheme: string; rest: string } | { inner: string } {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (c === ':') {
      if (i === 0) return { inner: 'missing protocol scheme' };
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

/** Go's parse(rawURL, viaRequest), fragment already removed. */
function parse(raw: string, viaRequest: boolean): Inner {
  if (hasCtlByte(raw)) return { ok: false, inner: 'net/url: invalid control character in URL' };
  if (raw === '' && viaRequest) return { ok: false, inner: 'empty url' };
  const url: GoURL = { scheme: '', opaque: '', host: '', path: '', rawQuery: '' };
  if (raw === '*') {
    url.path = '*';
    return { ok: true, url };
  }
  const sch = getScheme(raw);
  if ('inner' in sch) return { ok: false, inner: sch.inner };
  url.scheme = sch.scheme.toLowerCase();
  let rest = sch.rest;
  // A lone trailing '?' is Go's ForceQuery: an empty query, not part of the path.
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      url.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (url.scheme !== '') {
      url.opaque = rest;
      return { ok: true, url };
    }
    if (viaRequest) return { ok: false, inner: 'invalid URI for request' };
    const slash = rest.indexOf('/');
    const segment = slash >= 0 ? rest.slice(0, slash) : rest;
    if (segment.includes(':')) return { ok: false, inner: 'first path segment in URL cannot contain colon' };
  }
  if ((url.scheme !== '' || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    const after = rest.slice(2);
    const slash = after.indexOf('/');
    const authority = slash >= 0 ? after.slice(0, slash) : after;
    rest = slash >= 0 ? after.slice(slash) : '';
    const at = authority.lastIndexOf('@');
    // Go parses the host before it looks at the userinfo, so a bad host wins.
    const hostErr = parseHost(url.scheme, at >= 0 ? authority.slice(at + 1) : authority);
    if (hostErr !== undefined) return { ok: false, inner: hostErr };
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!USERINFO.test(userinfo)) return { ok: false, inner: 'net/url: invalid userinfo' };
      const userErr = unescapeError(userinfo, 'other');
      if (userErr !== undefined) return { ok: false, inner: userErr };
      url.user = userinfo;
    }
    url.host = at >= 0 ? authority.slice(at + 1) : authority;
  }
  const pathErr = unescapeError(rest, 'other');
  if (pathErr !== undefined) return { ok: false, inner: pathErr };
  url.path = rest;
  return { ok: true, url };
}

/** The text of Go's *url.Error for a parse: `parse "<url>": <err>`. */
export function goURLError(raw: string, inner: string): string {
  return `parse ${goQuote(raw)}: ${inner}`;
}

/** `url.Parse`: the fragment is cut off first (and must unescape); errors come back wrapped. */
export function goURLParse(raw: string): GoURLResult {
  const hash = raw.indexOf('#');
  const beforeHash = hash >= 0 ? raw.slice(0, hash) : raw;
  const r = parse(beforeHash, false);
  // Go names only the part before '#' when that part is what failed.
  if (!r.ok) return { ok: false, err: goURLError(beforeHash, r.inner) };
  if (hash >= 0) {
    const fragment = raw.slice(hash + 1);
    const fe = unescapeError(fragment, 'other');
    if (fe !== undefined) return { ok: false, err: goURLError(raw, fe) };
    if (fragment !== '') r.url.fragment = fragment;
  }
  return r;
}

/** `url.ParseRequestURI`: no fragment handling, relative references rejected. */
export function goURLParseRequestURI(raw: string): GoURLResult {
  const r = parse(raw, true);
  if (!r.ok) return { ok: false, err: goURLError(raw, r.inner) };
  return r;
}

/** Go's splitHostPort as used by Hostname() and Port(): the port only when it is digits. */
function splitHostPort(hostPort: string): { hostname: string; port: string } {
  let hostname = hostPort;
  let port = '';
  const colon = hostPort.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(hostPort.slice(colon))) {
    hostname = hostPort.slice(0, colon);
    port = hostPort.slice(colon + 1);
  }
  if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1);
  return { hostname, port };
}

/** `(*url.URL).Port()`. */
export function goURLPort(u: GoURL): string {
  return splitHostPort(u.host).port;
}

/** `(*url.URL).Hostname()`: the host without port and without IPv6 brackets. */
export function goURLHostname(u: GoURL): string {
  return splitHostPort(u.host).hostname;
}
