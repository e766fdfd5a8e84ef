/**
 * Helpers needed by engineer D's kinds (security, telemetry, extensions, EnvoyFilter, workloads) that
 * the shared common/ modules do not provide: JSON narrowing of decoded specs, Go-compatible quoting,
 * Go net/url parsing, Go strconv helpers and enum normalisation.
 */

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A message field: an object, or undefined when absent or null (jsonpb treats null as unset). */
export function obj(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}

/** A repeated field: undefined when absent/null, else the array (entries may be null = Go nil). */
export function arr(v: unknown): unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

/** A string scalar; absent, null or non-string reads as Go's zero value "". */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A string list, with non-strings read as "" (decode.ts rejects real type errors earlier). */
export function strList(v: unknown): string[] | undefined {
  const a = arr(v);
  return a === undefined ? undefined : a.map((x) => str(x));
}

/** A numeric scalar, accepting numeric strings as jsonpb does for 64-bit and wrapper values. */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return 0;
}

/** google.protobuf wrapper values arrive either bare (jsonpb) or as {value: x}. */
export function wrapped(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (isObj(v)) return num(v['value']);
  return num(v);
}

/**
 * Normalise a proto enum that may be given by name or number. Unknown numbers keep their decimal
 * form, which is also how Go prints an unnamed enum value.
 */
export function enumName(v: unknown, names: readonly string[]): string {
  if (typeof v === 'number') return names[v] ?? String(v);
  if (typeof v === 'string' && v !== '') {
    if (/^-?\d+$/.test(v)) return names[Number(v)] ?? v;
    return v;
  }
  return names[0] ?? '';
}

/** Go's strconv.Quote (the %q verb) for the ASCII/BMP text we format. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\v': out += '\\v'; continue;
      default:
    }
    if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** strconv.ParseBool. */
export function goParseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Go net/url

export interface GoURL {
  scheme: string;
  opaque: string;
  host: string;
  path: string;
  rawQuery: string;
}

export type GoURLResult = { ok: true; url: GoURL } | { ok: false; err: string };

function hasCtlByte(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function isHex(c: string): boolean {
  return /^[0-9a-fA-F]$/.test(c);
}

/** Characters Go's shouldEscape(c, encodeHost) lets through unescaped in a host. */
function hostCharOk(c: string): boolean {
  return /[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]/.test(c);
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  if (port[0] !== ':') return false;
  return /^[0-9]*$/.test(port.slice(1));
}

function checkEscapes(s: string, host: boolean): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === '%') {
      const esc = s.slice(i, i + 3);
      if (esc.length < 3 || !isHex(esc[1] ?? '') || !isHex(esc[2] ?? '')) {
        return `invalid URL escape ${goQuote(esc)}`;
      }
      i += 2;
      continue;
    }
    if (host && c.charCodeAt(0) < 0x80 && !hostCharOk(c)) return `invalid character ${goQuote(c)} in host name`;
  }
  return undefined;
}

function parseHost(host: string): { host: string } | { err: string } {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) return { err: "missing ']' in host" };
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) return { err: `invalid port ${goQuote(colonPort)} after host` };
  } else {
    const i = host.lastIndexOf(':');
    if (i !== -1) {
      const colonPort = host.slice(i);
      if (!validOptionalPort(colonPort)) return { err: `invalid port ${goQuote(colonPort)} after host` };
    }
  }
  const e = checkEscapes(host, true);
  if (e !== undefined) return { err: e };
  return { host };
}

function getScheme(raw: string): { scheme: string; rest: string } | { err: string } {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (c === ':') {
      if (i === 0) return { err: 'missing protocol scheme' };
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

function parseInner(raw: string, viaRequest: boolean): GoURLResult {
  if (hasCtlByte(raw)) return { ok: false, err: 'net/url: invalid control character in URL' };
  if (raw === '' && viaRequest) return { ok: false, err: 'empty url' };
  const url: GoURL = { scheme: '', opaque: '', host: '', path: '', rawQuery: '' };
  if (raw === '*') {
    url.path = '*';
    return { ok: true, url };
  }
  const sch = getScheme(raw);
  if ('err' in sch) return { ok: false, err: sch.err };
  url.scheme = sch.scheme.toLowerCase();
  let rest = sch.rest;
  if (rest.endsWith('?') && rest.split('?').length === 2) {
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
    if (viaRequest) return { ok: false, err: 'invalid URI for request' };
    const slash = rest.indexOf('/');
    const segment = slash >= 0 ? rest.slice(0, slash) : rest;
    if (segment.includes(':')) return { ok: false, err: 'first path segment in URL cannot contain colon' };
  }
  if ((url.scheme !== '' || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    const after = rest.slice(2);
    const slash = after.indexOf('/');
    const authority = slash >= 0 ? after.slice(0, slash) : after;
    rest = slash >= 0 ? after.slice(slash) : '';
    const at = authority.lastIndexOf('@');
    const hostPart = at >= 0 ? authority.slice(at + 1) : authority;
    if (at >= 0 && !/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(authority.slice(0, at))) {
      return { ok: false, err: 'net/url: invalid userinfo' };
    }
    const h = parseHost(hostPart);
    if ('err' in h) return { ok: false, err: h.err };
    url.host = h.host;
  }
  const pe = checkEscapes(rest, false);
  if (pe !== undefined) return { ok: false, err: pe };
  url.path = rest;
  return { ok: true, url };
}

/** The text of Go's *url.Error: `parse "<url>": <err>`. */
export function goURLError(raw: string, inner: string): string {
  return `parse ${goQuote(raw)}: ${inner}`;
}

/** url.Parse: the fragment is split off first and must unescape. Errors come back wrapped. */
export function goURLParse(raw: string): GoURLResult {
  const hash = raw.indexOf('#');
  const u = hash >= 0 ? raw.slice(0, hash) : raw;
  const r = parseInner(u, false);
  if (!r.ok) return { ok: false, err: goURLError(raw, r.err) };
  if (hash >= 0) {
    const fe = checkEscapes(raw.slice(hash + 1), false);
    if (fe !== undefined) return { ok: false, err: goURLError(raw, fe) };
  }
  return r;
}

/** url.ParseRequestURI: no fragment handling, and relative references are rejected. */
export function goURLParseRequestURI(raw: string): GoURLResult {
  const r = parseInner(raw, true);
  if (!r.ok) return { ok: false, err: goURLError(raw, r.err) };
  return r;
}

/** (*url.URL).Port(). */
export function goURLPort(u: GoURL): string {
  const colon = u.host.lastIndexOf(':');
  if (colon === -1) return '';
  const p = u.host.slice(colon);
  if (!validOptionalPort(p)) return '';
  return p.slice(1);
}

/** strconv.Atoi on the digits-only string Port() returns; only overflow can fail. */
export function goAtoiError(s: string): string | undefined {
  if (!/^[+-]?\d+$/.test(s)) return `strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`;
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) {
    return `strconv.Atoi: parsing ${goQuote(s)}: value out of range`;
  }
  return undefined;
}
