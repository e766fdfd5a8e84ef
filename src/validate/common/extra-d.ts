/**
 * Helpers needed by engineer D's kinds (security, telemetry, extensions, EnvoyFilter, workloads) that
 * the shared common/ modules do not provide: JSON narrowing of decoded specs, Go-compatible quoting,
 * Go net/url parsing, Go strconv helpers and enum normalisation.
 */

import {
  type JsonObject,
  readMessage,
  readMessageList,
  readString,
  readStringMap,
} from '../decode.js';
import { type ErrTree, ValidationResult } from '../result.js';

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

// ---------------------------------------------------------------------------------------------
// Go net/netip (ParseAddr / ParsePrefix), with the error texts Istio surfaces.

function parseIPv4(s: string): string | undefined {
  const parts = s.split('.');
  if (parts.length < 4) return 'IPv4 address too short';
  if (parts.length > 4) return 'IPv4 address too long';
  for (const p of parts) {
    if (p === '') return 'IPv4 field must have at least one digit';
    if (!/^[0-9]+$/.test(p)) return 'unexpected character';
    if (p.length > 1 && p[0] === '0') return 'IPv4 field has octet with leading zero';
    if (Number(p) > 255) return 'IPv4 field has value >255';
  }
  return undefined;
}

function parseIPv6(s: string): string | undefined {
  let body = s;
  const pct = body.indexOf('%');
  if (pct >= 0) {
    if (pct === body.length - 1) return 'zone must be a non-empty string';
    body = body.slice(0, pct);
  }
  let groups = 0;
  let ellipsis = false;
  let rest = body;
  if (rest.startsWith('::')) {
    ellipsis = true;
    rest = rest.slice(2);
    if (rest === '') return undefined;
  }
  const fields = rest.split(':');
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] ?? '';
    if (f === '') {
      if (ellipsis || i === fields.length - 1 || i === 0) return 'unexpected character';
      ellipsis = true;
      continue;
    }
    if (f.includes('.')) {
      if (i !== fields.length - 1) return 'unexpected character';
      const e4 = parseIPv4(f);
      if (e4 !== undefined) return e4;
      groups += 2;
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(f)) {
      return /^[0-9a-fA-F]+$/.test(f) ? 'IPv6 field has value >=2^16' : 'unexpected character';
    }
    groups++;
  }
  if (groups > 8 || (ellipsis && groups > 7)) return 'IPv6 address too long';
  if (!ellipsis && groups < 8) return 'address string too short';
  return undefined;
}

/** netip.ParseAddr: undefined when valid, else Go's error text. */
export function goParseAddrError(s: string): string | undefined {
  if (s === '') return 'ParseAddr(""): unable to parse IP';
  let reason: string | undefined;
  if (s.includes(':')) reason = parseIPv6(s);
  else if (s.includes('.')) reason = parseIPv4(s);
  else reason = 'unable to parse IP';
  return reason === undefined ? undefined : `ParseAddr(${goQuote(s)}): ${reason}`;
}

export function isIP(s: string): boolean {
  return goParseAddrError(s) === undefined;
}

/** netip.ParsePrefix: undefined when valid, else Go's error text. */
export function goParsePrefixError(s: string): string | undefined {
  const head = `netip.ParsePrefix(${goQuote(s)}): `;
  const slash = s.lastIndexOf('/');
  if (slash < 0) return `${head}no '/'`;
  const addr = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  const ae = goParseAddrError(addr);
  if (ae !== undefined) return head + ae;
  if (addr.includes('%')) return `${head}IPv6 zones cannot be present in a prefix`;
  if (!/^(0|[1-9][0-9]*)$/.test(bits)) return `${head}bad bits after slash: ${goQuote(bits)}`;
  const max = addr.includes(':') ? 128 : 32;
  if (Number(bits) > max) return `${head}prefix length out of range`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Labels and names (pkg/config/labels)

const DNS1123_LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const QUALIFIED_NAME = '(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const DNS_PREFIX = '[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)*/';
const TAG_KEY = new RegExp(`^(${DNS_PREFIX})?(${QUALIFIED_NAME})$`);
const LABEL_VALUE = new RegExp(`^(${QUALIFIED_NAME})?$`);

export function isDNS1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

function tagKeyError(k: string): string | undefined {
  const m = TAG_KEY.exec(k);
  if (m === null) return `invalid tag key: ${goQuote(k)}`;
  const prefix = m[1];
  if (prefix !== undefined && prefix.length - 1 > 253) return `invalid tag key: ${goQuote(k)} (DNS prefix is too long)`;
  if ((m[2] ?? '').length > 63) return `invalid tag key: ${goQuote(k)} (name is too long)`;
  return undefined;
}

/** labels.Instance.Validate: a multierror (note: one bad entry still prints "1 error occurred"). */
export function labelsError(labels: Record<string, string> | undefined): ErrTree | undefined {
  if (labels === undefined) return undefined;
  const msgs: string[] = [];
  for (const [k, v] of Object.entries(labels)) {
    const ke = tagKeyError(k);
    if (ke !== undefined) msgs.push(ke);
    if (!LABEL_VALUE.test(v)) msgs.push(`invalid tag value: ${goQuote(v)}`);
  }
  return msgs.length === 0 ? undefined : { multi: true, msgs };
}

/** agent.ValidateFQDN. */
export function fqdnError(fqdn: string): string | undefined {
  if (fqdn.length > 255) return `domain name ${goQuote(fqdn)} too long (max 255)`;
  if (fqdn.length === 0) return 'empty domain name not allowed';
  const parts = fqdn.split('.');
  const tld = parts[parts.length - 1] ?? '';
  if (/^[+-]?[0-9]+$/.test(tld)) {
    return `domain name ${goQuote(fqdn)} invalid (top level domain ${goQuote(tld)} cannot be all-numeric)`;
  }
  for (let i = 0; i < parts.length; i++) {
    const label = parts[i] ?? '';
    if (i === parts.length - 1 && label === '') return undefined;
    if (!isDNS1123Label(label)) return `domain name ${goQuote(fqdn)} invalid (label ${goQuote(label)} invalid)`;
  }
  return undefined;
}

export function portError(port: number): string | undefined {
  return port >= 1 && port <= 65535 ? undefined : `port number ${port} must be in the range 1..65535`;
}

// ---------------------------------------------------------------------------------------------
// Selectors and policy targets (validation.go validateWorkloadSelector & friends)

/** Go prints map entries in random order; we keep the document's order. */
function selectorEntryErrors(labels: Record<string, string>, res: ValidationResult): void {
  for (const [k, v] of Object.entries(labels)) {
    const pair = goQuote(`${k}=${v}`);
    if (k === '') res.addError(`empty key is not supported in selector: ${pair}`);
    if (k.includes('*') || v.includes('*')) res.addError(`wildcard is not supported in selector: ${pair}`);
  }
}

/** The beta selector (`selector.matchLabels`); decode errors propagate as DecodeError. */
export function readBetaSelector(spec: JsonObject): Record<string, string> | undefined {
  const sel = readMessage(spec, 'selector');
  if (sel === undefined) return undefined;
  return readStringMap(sel, 'matchLabels') ?? {};
}

export function validateBetaSelector(matchLabels: Record<string, string> | undefined): ValidationResult {
  const res = new ValidationResult();
  if (matchLabels === undefined) return res;
  selectorEntryErrors(matchLabels, res);
  if (Object.keys(matchLabels).length === 0) res.addWarning('workload selector specified without labels');
  return res;
}

/** ValidateAlphaWorkloadSelector: (warning, error) where the error ends the caller's checks. */
export function validateAlphaSelector(labels: Record<string, string> | undefined): ValidationResult {
  return validateBetaSelector(labels);
}

export interface TargetRef {
  group: string;
  kind: string;
  name: string;
  namespace: string;
}

function readTargetRefObj(o: JsonObject): TargetRef {
  return {
    group: readString(o, 'group') ?? '',
    kind: readString(o, 'kind') ?? '',
    name: readString(o, 'name') ?? '',
    namespace: readString(o, 'namespace') ?? '',
  };
}

export function readTargetRef(spec: JsonObject): TargetRef | undefined {
  const o = readMessage(spec, 'targetRef');
  return o === undefined ? undefined : readTargetRefObj(o);
}

export function readTargetRefs(spec: JsonObject): TargetRef[] {
  return (readMessageList(spec, 'targetRefs') ?? []).map(readTargetRefObj);
}

const ALLOWED_TARGET_REFS: ReadonlyArray<{ group: string; kind: string }> = [
  { group: 'core', kind: 'Service' },
  { group: 'networking.istio.io', kind: 'ServiceEntry' },
  { group: 'gateway.networking.k8s.io', kind: 'Gateway' },
  { group: 'gateway.networking.k8s.io', kind: 'GatewayClass' },
];

/** How Go prints the allowedTargetRefs slice of config.GroupVersionKind with %v. */
const ALLOWED_TARGET_REFS_TEXT =
  '[core/v1/Service networking.istio.io/v1/ServiceEntry ' +
  'gateway.networking.k8s.io/v1/Gateway gateway.networking.k8s.io/v1/GatewayClass]';

export function validateTargetRef(ref: TargetRef | undefined): ValidationResult {
  const res = new ValidationResult();
  if (ref === undefined) return res;
  if (ref.name === '') res.addError('targetRef name must be set');
  if (ref.namespace !== '') {
    res.addError('targetRef namespace must not be set; cross namespace referencing is not supported');
  }
  const group = ref.group === '' ? 'core' : ref.group;
  if (!ALLOWED_TARGET_REFS.some((a) => a.group === group && a.kind === ref.kind)) {
    res.addError(`targetRef must be to one of ${ALLOWED_TARGET_REFS_TEXT} but was ${ref.group}/${ref.kind}`);
  }
  return res;
}

export function validateTargetRefs(refs: readonly TargetRef[]): ValidationResult {
  const res = new ValidationResult();
  for (const r of refs) res.merge(validateTargetRef(r));
  return res;
}

export function validateOneOfSelectorType(
  selector: unknown,
  targetRef: TargetRef | undefined,
  targetRefs: readonly TargetRef[],
): ValidationResult {
  let set = 0;
  if (selector !== undefined) set++;
  if (targetRef !== undefined) set++;
  if (targetRefs.length > 0) set++;
  const res = new ValidationResult();
  if (set > 1) res.addError('only one of targetRefs or workloadSelector can be set');
  return res;
}

/** The four selector/target checks most policy kinds run first, in Istio's order. */
export function validatePolicyTargeting(spec: JsonObject, withSingleTargetRef = true): ValidationResult {
  const selector = readBetaSelector(spec);
  const targetRef = withSingleTargetRef ? readTargetRef(spec) : undefined;
  const targetRefs = readTargetRefs(spec);
  const res = new ValidationResult();
  res.merge(validateOneOfSelectorType(selector, targetRef, targetRefs));
  res.merge(validateBetaSelector(selector));
  if (withSingleTargetRef) res.merge(validateTargetRef(targetRef));
  res.merge(validateTargetRefs(targetRefs));
  return res;
}
