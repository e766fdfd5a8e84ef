/**
 * Helpers needed by engineer D's kinds (security, telemetry, extensions, EnvoyFilter, workloads) that
 * the shared common/ modules do not provide: Go net/url parsing with Go's error texts, and the policy-targeting sequence shared by the policy kinds.
 */

import { goQuote } from '../../go/strconv.js';
import { type JsonObject, readMessage, readMessageList, readStringMap } from '../decode.js';
import { ValidationResult } from '../result.js';
import {
  validateOneOfSelectorType,
  validatePolicyTargetReference,
  validatePolicyTargetReferences,
  validateWorkloadSelector,
} from './selector.js';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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

// ---------------------------------------------------------------------------------------------
// Policy targeting (selector / targetRef / targetRefs), in the order Istio's policy kinds run it.

export function readBetaSelector(spec: JsonObject): JsonObject | undefined {
  return readMessage(spec, 'selector');
}

/** True when a beta selector has at least one matchLabels entry. */
export function selectorHasLabels(selector: JsonObject | undefined): boolean {
  if (selector === undefined) return false;
  return Object.keys(readStringMap(selector, 'matchLabels') ?? {}).length > 0;
}

/**
 * validateOneOfSelectorType + validateWorkloadSelector + validatePolicyTargetReference(s).
 * TrafficExtension has no single `targetRef` field, so it is neither counted nor checked there.
 */
export function validatePolicyTargeting(spec: JsonObject, withSingleTargetRef = true): ValidationResult {
  const selector = readBetaSelector(spec);
  const res = new ValidationResult();
  if (withSingleTargetRef) {
    res.merge(validateOneOfSelectorType(spec));
  } else if (selector !== undefined && (readMessageList(spec, 'targetRefs') ?? []).length > 0) {
    res.addError('only one of targetRefs or workloadSelector can be set');
  }
  res.merge(validateWorkloadSelector(selector));
  if (withSingleTargetRef) res.merge(validatePolicyTargetReference(readMessage(spec, 'targetRef')));
  res.merge(validatePolicyTargetReferences(readMessageList(spec, 'targetRefs')));
  return res;
}
