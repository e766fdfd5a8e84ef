import {
  readBool,
  readDuration,
  readEnum,
  readMessageList,
  readString,
  readStringList,
  type Duration,
  type JsonObject,
} from '../decode.js';
import { ValidationResult, type ErrTree, type KindValidator } from '../result.js';
import { atoi, goQuote } from '../../go/strconv.js';
import { goURLParse, goURLPort } from '../../go/url.js';
import { isObj, validatePolicyTargeting } from '../common/extra-d.js';

// ---------------------------------------------------------------------------------------------
// Go encoding/json syntax errors, so `jwks parse error: …` reads like Istio's.

function quoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const q = goQuote(c);
  return `'${q.slice(1, -1)}'`;
}

/** The first syntax error encoding/json would report for `src`, or undefined when it is valid JSON. */
export function goJSONSyntaxError(src: string): string | undefined {
  let i = 0;
  const eof = 'unexpected end of JSON input';
  const ws = (): void => {
    while (i < src.length && ' \t\r\n'.includes(src[i] ?? '')) i++;
  };
  const bad = (what: string): string => `invalid character ${quoteChar(src[i] ?? '')} ${what}`;
  /** After an element: null when a ',' continues the container, undefined when `close` ends it, else the error. */
  const afterElement = (close: string, what: string): string | null | undefined => {
    ws();
    if (i >= src.length) return eof;
    if (src[i] === ',') {
      i++;
      return null;
    }
    if (src[i] === close) {
      i++;
      return undefined;
    }
    return bad(what);
  };
  const value = (): string | undefined => {
    ws();
    if (i >= src.length) return eof;
    const c = src[i] ?? '';
    if (c === '{') {
      i++;
      ws();
      if (src[i] === '}') {
        i++;
        return undefined;
      }
      for (;;) {
        ws();
        if (i >= src.length) return eof;
        if (src[i] !== '"') return bad('looking for beginning of object key string');
        const e = string();
        if (e !== undefined) return e;
        ws();
        if (i >= src.length) return eof;
        if (src[i] !== ':') return bad('after object key');
        i++;
        const ve = value();
        if (ve !== undefined) return ve;
        const next = afterElement('}', 'after object key:value pair');
        if (next !== null) return next;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (src[i] === ']') {
        i++;
        return undefined;
      }
      for (;;) {
        const ve = value();
        if (ve !== undefined) return ve;
        const next = afterElement(']', 'after array element');
        if (next !== null) return next;
      }
    }
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const lit of ['true', 'false', 'null']) {
      if (c === lit[0]) {
        for (let k = 1; k < lit.length; k++) {
          i++;
          if (i >= src.length) return eof;
          if (src[i] !== lit[k]) return bad(`in literal ${lit} (expecting ${quoteChar(lit[k] ?? '')})`);
        }
        i++;
        return undefined;
      }
    }
    return bad('looking for beginning of value');
  };
  const string = (): string | undefined => {
    i++;
    for (;;) {
      if (i >= src.length) return eof;
      const c = src[i] ?? '';
      if (c === '"') {
        i++;
        return undefined;
      }
      if (c.charCodeAt(0) < 0x20) return bad('in string literal');
      if (c === '\\') {
        i++;
        if (i >= src.length) return eof;
        const e = src[i] ?? '';
        if (e === 'u') {
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= src.length) return eof;
            if (!/[0-9a-fA-F]/.test(src[i] ?? '')) return bad('in \\u hexadecimal character escape');
          }
        } else if (!'"\\/bfnrt'.includes(e)) {
          return bad('in string escape code');
        }
      }
      i++;
    }
  };
  const digits = (): number => {
    const s = i;
    while (i < src.length && /[0-9]/.test(src[i] ?? '')) i++;
    return i - s;
  };
  const number = (): string | undefined => {
    if (src[i] === '-') {
      i++;
      if (i >= src.length) return eof;
      if (!/[0-9]/.test(src[i] ?? '')) return bad('in numeric literal');
    }
    if (src[i] === '0') i++;
    else digits();
    if (src[i] === '.') {
      i++;
      if (i >= src.length) return eof;
      if (digits() === 0) return bad('after decimal point in numeric literal');
    }
    if (src[i] === 'e' || src[i] === 'E') {
      i++;
      if (src[i] === '+' || src[i] === '-') i++;
      if (i >= src.length) return eof;
      if (digits() === 0) return bad('in exponent of numeric literal');
    }
    return undefined;
  };
  const err = value();
  if (err !== undefined) return err;
  ws();
  if (i < src.length) return bad('after top-level value');
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// JWK sets (lestrrat-go/jwx v1 jwk.Parse)

const KEY_TYPES = new Set(['RSA', 'EC', 'oct', 'OKP']);

interface ParsedKey {
  kty: string;
  hasPrivate: boolean;
}

function parseKey(v: unknown): { key: ParsedKey } | { err: string } {
  if (!isObj(v)) {
    return { err: 'failed to unmarshal JSON into key hint: json: cannot unmarshal non-object into key hint' };
  }
  const kty = v['kty'];
  if (kty !== undefined && kty !== null && typeof kty !== 'string') {
    return { err: 'failed to unmarshal JSON into key hint: json: cannot unmarshal non-string into Go struct field .kty of type string' };
  }
  const ktyStr = typeof kty === 'string' ? kty : '';
  if (!KEY_TYPES.has(ktyStr)) return { err: `invalid key type from JSON (${ktyStr})` };
  // jwx picks the private variant whenever "d" is present at all (even null).
  const hasD = Object.prototype.hasOwnProperty.call(v, 'd');
  return { key: { kty: ktyStr, hasPrivate: ktyStr === 'oct' || hasD } };
}

/** jwk.Parse: a {"keys":[…]} set, or a single key treated as a set of one. */
export function parseJwks(text: string): { keys: ParsedKey[] } | { err: string } {
  const wrap = (e: string): { err: string } => ({ err: `failed to unmarshal JWK set: ${e}` });
  const syntax = goJSONSyntaxError(text);
  if (syntax !== undefined) return wrap(syntax);
  const doc: unknown = JSON.parse(text);
  if (Array.isArray(doc)) return wrap("expected '{', but got '['");
  if (typeof doc === 'string') return wrap(`failed to decode value for key ${goQuote(doc)}: EOF`);
  if (!isObj(doc)) return wrap('error reading token: EOF');
  if (Object.prototype.hasOwnProperty.call(doc, 'keys')) {
    const list = doc['keys'];
    if (list !== null && !Array.isArray(list)) {
      return wrap('failed to decode "keys": json: cannot unmarshal non-array into Go value of type []json.RawMessage');
    }
    const keys: ParsedKey[] = [];
    for (const [idx, k] of (list ?? []).entries()) {
      const r = parseKey(k);
      if ('err' in r) return wrap(`failed to decode key #${idx} in "keys": ${r.err}`);
      keys.push(r.key);
    }
    return { keys };
  }
  const r = parseKey(doc);
  if ('err' in r) return wrap(`failed to parse sole key in key set: ${r.err}`);
  return { keys: [r.key] };
}

// ---------------------------------------------------------------------------------------------

/** security.ParseJwksURI. */
export function jwksURIError(uri: string): string | undefined {
  const r = goURLParse(uri);
  if (!r.ok) return r.err;
  if (r.url.scheme !== 'http' && r.url.scheme !== 'https') return `URI scheme ${goQuote(r.url.scheme)} is not supported`;
  const port = goURLPort(r.url);
  if (port === '') return undefined;
  const n = atoi(port);
  return n.ok ? undefined : n.error;
}

const STRICT_HEADER_NAME = /^[-_A-Za-z0-9]+$/;

function durationError(d: Duration): string | undefined {
  const totalMs = d.seconds * 1000 + d.nanos / 1e6;
  if (totalMs < 1) return 'duration must be greater than 1ms';
  if (d.nanos % 1000000 !== 0) return 'only durations to ms precision are supported';
  return undefined;
}

interface JwtRule {
  issuer: string;
  audiences: string[];
  jwksUri: string;
  jwks: string;
  fromHeaders: Array<{ name: string }>;
  fromParams: string[];
  fromCookies: string[];
  outputClaimToHeaders: Array<{ header: string; claim: string }>;
  timeout: Duration | undefined;
}

function readJwtRule(o: JsonObject): JwtRule {
  readString(o, 'outputPayloadToHeader');
  readBool(o, 'forwardOriginalToken');
  readStringList(o, 'spaceDelimitedClaims');
  readEnum(o, 'presence', 'istio.security.v1beta1.JWTRule.Presence', ['OPTIONAL', 'REQUIRED']);
  return {
    issuer: readString(o, 'issuer') ?? '',
    audiences: readStringList(o, 'audiences') ?? [],
    jwksUri: readString(o, 'jwksUri') ?? '',
    jwks: readString(o, 'jwks') ?? '',
    fromHeaders: (readMessageList(o, 'fromHeaders') ?? []).map((h) => {
      readString(h, 'prefix');
      return { name: readString(h, 'name') ?? '' };
    }),
    fromParams: readStringList(o, 'fromParams') ?? [],
    fromCookies: readStringList(o, 'fromCookies') ?? [],
    outputClaimToHeaders: (readMessageList(o, 'outputClaimToHeaders') ?? []).map((h) => ({
      header: readString(h, 'header') ?? '',
      claim: readString(h, 'claim') ?? '',
    })),
    timeout: readDuration(o, 'timeout'),
  };
}

/** validateJwtRule builds a multierror directly, so even one problem prints "1 error occurred". */
function jwtRuleErrors(rule: JwtRule): ErrTree | undefined {
  const msgs: string[] = [];
  for (const a of rule.audiences) if (a.length === 0) msgs.push('audience must be non-empty string');
  if (rule.issuer.length === 0 && rule.jwksUri.length === 0) msgs.push('issuer or jwksUri must be non-empty string');
  if (rule.jwksUri.length !== 0) {
    const e = jwksURIError(rule.jwksUri);
    if (e !== undefined) msgs.push(e);
  }
  if (rule.jwks !== '') {
    const parsed = parseJwks(rule.jwks);
    if ('err' in parsed) msgs.push(`jwks parse error: ${parsed.err}`);
  }
  for (const h of rule.fromHeaders) if (h.name.length === 0) msgs.push('location header name must be non-empty string');
  for (const p of rule.fromParams) if (p.length === 0) msgs.push('location query must be non-empty string');
  for (const c of rule.fromCookies) if (c.length === 0) msgs.push('cookie name must be non-empty string');
  for (const h of rule.outputClaimToHeaders) {
    if (h.claim === '' || h.header === '') {
      msgs.push('outputClaimToHeaders header and claim value must be non-empty string');
      continue;
    }
    if (!STRICT_HEADER_NAME.test(h.header)) msgs.push(`header name ${h.header} is not a valid header name`);
  }
  if (rule.timeout !== undefined) {
    const e = durationError(rule.timeout);
    if (e !== undefined) msgs.push(e);
  }
  return msgs.length === 0 ? undefined : { multi: true, msgs };
}

function privateKeyWarnings(rule: JwtRule, res: ValidationResult): void {
  if (rule.jwks === '') return;
  const parsed = parseJwks(rule.jwks);
  if ('err' in parsed) return;
  parsed.keys.forEach((k, i) => {
    if (k.hasPrivate) {
      res.addWarning(`jwks key at index ${i} contains private key material; only public keys are used for verification`);
    }
  });
}

/** ValidateRequestAuthentication. */
export const validateRequestAuthentication: KindValidator = (spec) => {
  const res = new ValidationResult();
  res.merge(validatePolicyTargeting(spec));
  for (const o of readMessageList(spec, 'jwtRules') ?? []) {
    const rule = readJwtRule(o);
    res.addErrTree(jwtRuleErrors(rule));
    privateKeyWarnings(rule, res);
  }
  return res;
};
