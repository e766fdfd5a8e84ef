import {
  readDuration, readEnum, readMessage, readMessageList, readMessageMap, readNumber, readString, readStringList, readStringMap,
  type JsonObject,
} from '../decode.js';
import { formatFloatV, sprintf } from '../../gotemplate/fmt.js';
import { validateDestination } from '../common/destination.js';
import { validateDuration } from '../common/duration.js';
import { validateExportTo } from '../common/exportto.js';
import {
  isAuthorityHeader, isJwtRoutingClaim, validateCORSHTTPHeaderName, validateHTTPHeaderNameOrJwtClaimRoute,
  validateHTTPHeaderOperationName, validateHTTPHeaderValue, validateHTTPHeaderWithAuthorityOperationName,
} from '../common/headers.js';
import { isDNS1123Label, validateFQDN, validateWildcardDomain, validateWildcardDomainForVirtualServiceBoundToGateway } from '../common/hosts.js';
import { validateLabels } from '../common/labels.js';
import { isValidIP, validateIPSubnet } from '../common/net.js';
import { validatePort } from '../common/ports.js';
import { re2CompileError } from '../common/regex.js';
import { ANNOTATION_ROUTE_SEMANTICS } from '../metadata.js';
import { ValidationResult, type ObjectMetaLite } from '../result.js';
import { PairCollector, countBelow, suffixHashes } from '../common/pairs.js';
import { analyzeUnreachableRules } from './virtualservice-unreachable.js';

const REDIRECT_PORT_SELECTION = ['FROM_PROTOCOL_DEFAULT', 'FROM_REQUEST_PORT'] as const;
const UNMATCHED_PREFLIGHTS = ['UNSPECIFIED', 'FORWARD', 'IGNORE'] as const;
const KB = 1024;
const MB = 1024 * KB;
const CORS_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', '*']);
const GRPC_STATUS = new Set([
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS',
  'UNAUTHENTICATED',
]);
const RETRY_ON = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream',
  'retriable-status-codes', 'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure', 'cancelled',
  'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);
/** Codes Go's net/http.StatusText knows. */
const GO_STATUS_CODES = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402,
  403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431,
  451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

/** Go's %f, from the template engine's fmt (checked against Go: exact ties round to even, ±Inf, no exponents). */
function goFloat(v: number): string {
  return sprintf('%f', [v]);
}

/** Which member of the StringMatch oneof is set: the last in proto order wins, as in jsonpb. */
function stringMatchType(sm: JsonObject | null | undefined): { type: 'exact' | 'prefix' | 'regex'; value: string } | undefined {
  if (sm === null || sm === undefined) return undefined;
  for (const type of ['regex', 'prefix', 'exact'] as const) {
    const value = readString(sm, type);
    if (value !== undefined) return { type, value };
  }
  return undefined;
}

function validateStringRegexp(re: string, where: string): string | undefined {
  if (re.length > 1024) return `${JSON.stringify(where)}: regex is too large, max length allowed is 1024`;
  const err = re2CompileError(re);
  if (err === undefined) return undefined;
  return `${JSON.stringify(where)}: ${err}; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)`;
}

function validateStringMatchRegexp(sm: JsonObject | null | undefined, where: string): string | undefined {
  const m = stringMatchType(sm);
  if (m?.type !== 'regex') return undefined;
  if (m.value === '') return `${JSON.stringify(where)}: regex string match should not be empty`;
  return validateStringRegexp(m.value, where);
}

function validateStringMatch(sm: JsonObject | null | undefined, where: string): string | undefined {
  const m = stringMatchType(sm);
  if (m?.type === 'prefix' && m.value === '') return `${JSON.stringify(where)}: prefix string match should not be empty`;
  if (m?.type === 'regex') return validateStringMatchRegexp(sm, where);
  return undefined;
}

/** validateGatewayNames; note Istio returns after the first slash-less name. */
function validateGatewayNames(names: readonly string[], gatewaySemantics: boolean): ValidationResult {
  const v = new ValidationResult();
  for (const name of names) {
    const slash = name.indexOf('/');
    if (slash < 0) {
      if (name.includes('.')) {
        const parts = name.split('.');
        v.addWarning(`using legacy gatewayName format ${JSON.stringify(name)}; prefer the <namespace>/<name> format: ${JSON.stringify(`${parts[1] ?? ''}/${parts[0] ?? ''}`)}`);
      }
      v.addError(validateFQDN(name));
      return v;
    }
    const ns = name.slice(0, slash);
    const gw = name.slice(slash + 1);
    if (ns.length === 0 || gw.length === 0) v.addError('config namespace and gateway name cannot be empty');
    if (!isDNS1123Label(ns)) v.addError(`invalid value for namespace: ${JSON.stringify(ns)}`);
    if (!isDNS1123Label(gw) && !gatewaySemantics) v.addError(`invalid value for gateway name: ${JSON.stringify(gw)}`);
  }
  return v;
}

interface HeaderOps {
  requestAdd: Record<string, string>;
  requestSet: Record<string, string>;
  requestRemove: string[];
  responseAdd: Record<string, string>;
  responseSet: Record<string, string>;
  responseRemove: string[];
}

function decodeHeaderOps(o: JsonObject): HeaderOps {
  const headers = readMessage(o, 'headers') ?? {};
  const req = readMessage(headers, 'request') ?? {};
  const res = readMessage(headers, 'response') ?? {};
  return {
    requestAdd: readStringMap(req, 'add') ?? {},
    requestSet: readStringMap(req, 'set') ?? {},
    requestRemove: readStringList(req, 'remove') ?? [],
    responseAdd: readStringMap(res, 'add') ?? {},
    responseSet: readStringMap(res, 'set') ?? {},
    responseRemove: readStringList(res, 'remove') ?? [],
  };
}

function validateHeaderOps(h: HeaderOps, v: ValidationResult): void {
  for (const [name, val] of [...Object.entries(h.requestAdd), ...Object.entries(h.requestSet)]) {
    v.addError(validateHTTPHeaderWithAuthorityOperationName(name));
    v.addError(validateHTTPHeaderValue(val));
  }
  for (const name of h.requestRemove) v.addError(validateHTTPHeaderOperationName(name));
  for (const [name, val] of [...Object.entries(h.responseAdd), ...Object.entries(h.responseSet)]) {
    v.addError(validateHTTPHeaderOperationName(name));
    v.addError(validateHTTPHeaderValue(val));
  }
  for (const name of h.responseRemove) v.addError(validateHTTPHeaderOperationName(name));
}

function validateRouteConflict(http: JsonObject, routeType: 'independent' | 'root' | 'delegate'): ValidationResult {
  const v = new ValidationResult();
  const name = readString(http, 'name') ?? '';
  const redirect = readMessage(http, 'redirect');
  const route = readMessageList(http, 'route');
  const fault = readMessage(http, 'fault');
  const rewrite = readMessage(http, 'rewrite');
  const direct = readMessage(http, 'directResponse');
  if (routeType === 'root') {
    if (redirect !== undefined) v.addError(`root HTTP route ${name} must not specify redirect`);
    if (route !== undefined) v.addError(`root HTTP route ${name} must not specify route`);
    return v;
  }
  if (routeType === 'delegate' && readMessage(http, 'delegate') !== undefined) v.addError('delegate HTTP route cannot contain delegate');
  const routes = route ?? [];
  if (redirect !== undefined) {
    if (routes.length > 0) v.addError('HTTP route cannot contain both route and redirect');
    if (fault !== undefined) v.addError('HTTP route cannot contain both fault and redirect');
    if (rewrite !== undefined) v.addError('HTTP route rule cannot contain both rewrite and redirect');
    if (direct !== undefined) v.addError('HTTP route rule cannot contain both direct_response and redirect');
  } else if (direct !== undefined) {
    if (routes.length > 0) v.addError('HTTP route cannot contain both route and direct_response');
    if (fault !== undefined) v.addError('HTTP route cannot contain both fault and direct_response');
    if (rewrite !== undefined) v.addError('HTTP route rule cannot contain both rewrite and direct_response');
  } else if (routes.length === 0) {
    v.addError('HTTP route, redirect or direct_response is required');
  }
  if (readMessage(http, 'mirror') !== undefined && (readMessageList(http, 'mirrors') ?? []).length > 0) {
    v.addError('HTTP route cannot contain both mirror and mirrors');
  }
  return v;
}

function validateMatchRequests(http: JsonObject): ValidationResult {
  const v = new ValidationResult();
  const matches = readMessageList(http, 'match') ?? [];
  for (const m of matches) {
    // A null map value decodes to an empty StringMatch in jsonpb, so Istio's "cannot be null"
    // error is unreachable through the webhook; the empty match is valid.
    for (const [name, header] of Object.entries(readMessageMap(m, 'headers') ?? {})) {
      v.addError(validateHTTPHeaderNameOrJwtClaimRoute(name));
      v.addError(validateStringMatch(header, 'headers'));
    }
    for (const [name, header] of Object.entries(readMessageMap(m, 'withoutHeaders') ?? {})) {
      v.addError(validateHTTPHeaderNameOrJwtClaimRoute(name));
      // `*` here means "present", it is not handed to the regex engine.
      if (header !== null && readString(header, 'regex') !== '*') v.addError(validateStringMatch(header, 'withoutHeaders'));
    }
    v.addError(validateStringMatchRegexp(readMessage(m, 'uri'), 'uri'));
    v.addError(validateStringMatch(readMessage(m, 'scheme'), 'scheme'));
    v.addError(validateStringMatch(readMessage(m, 'method'), 'method'));
    v.addError(validateStringMatch(readMessage(m, 'authority'), 'authority'));
    for (const qp of Object.values(readMessageMap(m, 'queryParams') ?? {})) v.addError(validateStringMatch(qp, 'queryParams'));
  }
  for (const m of matches) {
    const port = readNumber(m, 'port', 'uint32') ?? 0;
    if (port !== 0) v.addError(validatePort(port));
    v.addErrTree(validateLabels(readStringMap(m, 'sourceLabels')));
    v.mergeErrorsOnly(validateGatewayNames(readStringList(m, 'gateways') ?? [], false));
    const sourceNamespace = readString(m, 'sourceNamespace') ?? '';
    if (sourceNamespace !== '' && !isDNS1123Label(sourceNamespace)) v.addError(`sourceNamespace match ${sourceNamespace} is invalid`);
  }
  return v;
}

function validatePercentage(p: JsonObject | undefined): string | undefined {
  if (p === undefined) return undefined;
  const value = readNumber(p, 'value', 'float64') ?? 0;
  if (value < 0 || value > 100 || (value > 0 && value < 0.0001)) {
    return `percentage ${formatFloatV(value)} is neither 0.0, nor in range [0.0001, 100.0]`;
  }
  return undefined;
}

function validateHTTPStatus(status: number): string | undefined {
  if (status < 200 || status > 600) return `HTTP status ${status} is not in range 200-599`;
  return undefined;
}

function validateCORS(policy: JsonObject | undefined): ValidationResult {
  const v = new ValidationResult();
  if (policy === undefined) return v;
  readEnum(policy, 'unmatchedPreflights', 'istio.networking.v1alpha3.CorsPolicy.UnmatchedPreflights', UNMATCHED_PREFLIGHTS);
  for (const origin of readMessageList(policy, 'allowOrigins') ?? []) {
    const m = stringMatchType(origin);
    const value = m?.value ?? '';
    if (value === '') v.addError(`'${value}' is not a valid match type for CORS allow origins`);
    else v.addError(validateStringMatchRegexp(origin, 'corsPolicy.allowOrigins'));
  }
  for (const method of readStringList(policy, 'allowMethods') ?? []) {
    if (!CORS_METHODS.has(method)) v.addError(`${JSON.stringify(method)} is not a supported HTTP method`);
  }
  for (const name of readStringList(policy, 'allowHeaders') ?? []) v.addError(validateCORSHTTPHeaderName(name));
  for (const name of readStringList(policy, 'exposeHeaders') ?? []) v.addError(validateCORSHTTPHeaderName(name));
  const maxAge = readDuration(policy, 'maxAge');
  if (maxAge !== undefined) {
    v.addError(validateDuration(maxAge));
    if (maxAge.nanos > 0) v.addErrorMulti('max_age duration is accurate only to seconds precision');
  }
  return v;
}

function validateFault(fault: JsonObject | undefined): ValidationResult {
  const v = new ValidationResult();
  if (fault === undefined) return v;
  const abort = readMessage(fault, 'abort');
  const delay = readMessage(fault, 'delay');
  if (abort === undefined && delay === undefined) v.addErrorMulti('HTTP fault injection must have an abort and/or a delay');
  if (abort !== undefined) {
    v.addError(validatePercentage(readMessage(abort, 'percentage')));
    const grpc = readString(abort, 'grpcStatus');
    const http2 = readString(abort, 'http2Error');
    const httpStatus = readNumber(abort, 'httpStatus', 'int32');
    // Errors only: the "error type not set" warning is lost because Istio joins with appendErrors here.
    if (grpc !== undefined) {
      if (!GRPC_STATUS.has(grpc)) {
        v.addError(`gRPC status ${JSON.stringify(grpc)} is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example 'NOT_FOUND'`);
      }
    } else if (http2 !== undefined) {
      v.addError('HTTP/2 abort fault injection not supported yet');
    } else if (httpStatus !== undefined) {
      v.addError(validateHTTPStatus(httpStatus));
    }
  }
  if (delay !== undefined) {
    v.addError(validatePercentage(readMessage(delay, 'percentage')));
    const fixed = readDuration(delay, 'fixedDelay');
    const exp = readDuration(delay, 'exponentialDelay');
    if (exp !== undefined) {
      v.addError(validateDuration(exp));
      v.addErrorMulti('exponentialDelay not supported yet');
    } else if (fixed !== undefined) {
      v.addError(validateDuration(fixed));
    }
  }
  return v;
}

function validateRedirect(redirect: JsonObject | undefined, matches: JsonObject[]): string | undefined {
  if (redirect === undefined) return undefined;
  const uri = readString(redirect, 'uri') ?? '';
  const prefixRewrite = readString(redirect, 'prefixRewrite') ?? '';
  const authority = readString(redirect, 'authority') ?? '';
  const scheme = readString(redirect, 'scheme') ?? '';
  const port = readNumber(redirect, 'port', 'uint32');
  const derivePort = readEnum(redirect, 'derivePort', 'istio.networking.v1alpha3.HTTPRedirect.RedirectPortSelection', REDIRECT_PORT_SELECTION);
  const code = readNumber(redirect, 'redirectCode', 'uint32') ?? 0;
  if (uri !== '' && prefixRewrite !== '') return 'redirect may only specify one of uri or prefix_rewrite';
  if (prefixRewrite !== '') {
    for (const m of matches) {
      const u = readMessage(m, 'uri');
      if (u !== undefined && stringMatchType(u)?.type !== 'prefix') return 'redirect prefix_rewrite requires all URI matches to use prefix match type';
    }
  }
  const hasPort = port !== undefined || derivePort !== undefined;
  if (uri === '' && prefixRewrite === '' && authority === '' && !hasPort && scheme === '') {
    return 'redirect must specify URI, authority, scheme, or port';
  }
  if (code !== 0 && (code < 300 || code > 399)) return `${code} is not a valid redirect code, must be 3xx`;
  if (scheme !== '' && scheme !== 'http' && scheme !== 'https') return 'invalid redirect scheme, must be "http" or "https"';
  if ((port ?? 0) > 0) return validatePort(port ?? 0);
  return undefined;
}

function validateDirectResponse(direct: JsonObject | undefined): ValidationResult {
  const v = new ValidationResult();
  if (direct === undefined) return v;
  const body = readMessage(direct, 'body');
  if (body !== undefined) {
    const str = readString(body, 'string');
    const bytes = readString(body, 'bytes');
    let size = 0;
    if (bytes !== undefined) size = Buffer.from(bytes, 'base64').length;
    else if (str !== undefined) size = Buffer.byteLength(str, 'utf8');
    if (size > MB) v.addError('large direct_responses may impact control plane performance, must be less than 1MB');
    else if (size > 100 * KB) v.addWarning('large direct_responses may impact control plane performance');
  }
  v.addError(validateHTTPStatus(readNumber(direct, 'status', 'uint32') ?? 0));
  return v;
}

function validateMirrors(mirrors: JsonObject[] | undefined): ValidationResult {
  const v = new ValidationResult();
  for (const mirror of mirrors ?? []) {
    const dest = readMessage(mirror, 'destination');
    if (dest === undefined) {
      v.addError('destination is required for mirrors');
      continue;
    }
    for (const e of validateDestination(dest)) v.addError(e);
    const pct = readMessage(mirror, 'percentage');
    if (pct !== undefined) {
      const value = readNumber(pct, 'value', 'float64') ?? 0;
      if (value > 100) v.addError(`mirror percentage must have a max value of 100 (it has ${goFloat(value)})`);
      if (value < 0) v.addError(`mirror percentage must have a min value of 0 (it has ${goFloat(value)})`);
    }
  }
  return v;
}

function validateRetry(retries: JsonObject | undefined): ValidationResult {
  const v = new ValidationResult();
  if (retries === undefined) return v;
  const attempts = readNumber(retries, 'attempts', 'int32') ?? 0;
  const perTry = readDuration(retries, 'perTryTimeout');
  const retryOn = readString(retries, 'retryOn') ?? '';
  const remote = retries['retryRemoteLocalities'];
  if (attempts < 0) v.addErrorMulti('attempts cannot be negative');
  if (attempts === 0 && (perTry !== undefined || retryOn !== '' || (remote !== undefined && remote !== null))) {
    v.addError('http retry policy configured when attempts are set to 0 (disabled)');
  }
  if (perTry !== undefined) v.addError(validateDuration(perTry));
  if (retryOn !== '') {
    for (const policy of retryOn.split(',')) {
      const code = /^[+-]?[0-9]+$/.test(policy) ? Number(policy) : 0;
      if (!GO_STATUS_CODES.has(code) && !RETRY_ON.has(policy)) v.addError(`${JSON.stringify(policy)} is not a valid retryOn policy`);
    }
  }
  const backoff = readDuration(retries, 'backoff');
  if (backoff !== undefined) v.addError(validateDuration(backoff));
  return v;
}

function validateRewrite(rewrite: JsonObject | undefined): string | undefined {
  if (rewrite === undefined) return undefined;
  const uri = readString(rewrite, 'uri') ?? '';
  const regex = readMessage(rewrite, 'uriRegexRewrite');
  const authority = readString(rewrite, 'authority') ?? '';
  if (uri !== '' && regex !== undefined) return 'rewrite may only contain one of URI or UriRegexRewrite';
  if (uri === '' && regex === undefined && authority === '') {
    return 'rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified';
  }
  if (regex !== undefined) {
    const match = readString(regex, 'match') ?? '';
    const rw = readString(regex, 'rewrite') ?? '';
    // errors.Join prints its parts on separate lines.
    if (match === '' || rw === '') return 'UriRegexRewrite has errors\nUriRegexRewrite requires both Rewrite and Match fields to be specified';
    const err = validateStringRegexp(match, 'HTTPRewrite.UriRegexRewrite.Match');
    if (err !== undefined) return `UriRegexRewrite has errors\n${err}`;
  }
  return undefined;
}

function validateAuthorityRewrite(rewrite: JsonObject | undefined, h: HeaderOps): string | undefined {
  let current = rewrite === undefined ? '' : (readString(rewrite, 'authority') ?? '');
  for (const [k, val] of [...Object.entries(h.requestSet), ...Object.entries(h.requestAdd)]) {
    if (!isAuthorityHeader(k)) continue;
    if (current !== '') return `authority header cannot be set multiple times: have ${JSON.stringify(current)}, attempting to set ${JSON.stringify(val)}`;
    current = val;
  }
  return undefined;
}

/** validateHTTPRouteDestinations and validateRouteDestinations (TCP/TLS have no header operations). */
function validateRouteDestinations(routes: JsonObject[] | undefined, gatewaySemantics: boolean, withHeaders: boolean): ValidationResult {
  const v = new ValidationResult();
  let total = 0;
  const list = routes ?? [];
  for (const r of list) {
    const dest = readMessage(r, 'destination');
    if (dest === undefined) v.addErrorMulti('destination is required');
    if (withHeaders) validateHeaderOps(decodeHeaderOps(r), v);
    if (!gatewaySemantics) for (const e of validateDestination(dest)) v.addError(e);
    const weight = readNumber(r, 'weight', 'int32') ?? 0;
    if (weight < 0) v.addError(`weight ${weight} < 0`);
    total += weight;
  }
  if (list.length > 1 && total === 0) v.addError('total destination weight = 0');
  return v;
}

function validateHTTPRoute(http: JsonObject, delegate: boolean, gatewaySemantics: boolean): ValidationResult {
  const routeType = delegate ? 'delegate' : readMessage(http, 'delegate') !== undefined ? 'root' : 'independent';
  const v = new ValidationResult();
  v.mergeErrorsOnly(validateRouteConflict(http, routeType));
  v.mergeErrorsOnly(validateMatchRequests(http));
  const headers = decodeHeaderOps(http);
  validateHeaderOps(headers, v);
  v.mergeErrorsOnly(validateCORS(readMessage(http, 'corsPolicy')));
  const fault = readMessage(http, 'fault');
  v.mergeErrorsOnly(validateFault(fault));
  const mirrorPercent = readNumber(http, 'mirrorPercent', 'uint32');
  if (mirrorPercent !== undefined) {
    if (mirrorPercent > 100) v.addError(`mirror_percent must have a max value of 100 (it has ${mirrorPercent})`);
    v.addWarning('using deprecated setting "mirrorPercent", use "mirrorPercentage" instead');
  }
  const mirrorPercentage = readMessage(http, 'mirrorPercentage');
  if (mirrorPercentage !== undefined) {
    const value = readNumber(mirrorPercentage, 'value', 'float64') ?? 0;
    if (value > 100) v.addError(`mirror_percentage must have a max value of 100 (it has ${goFloat(value)})`);
    if (value < 0) v.addError(`mirror_percentage must have a min value of 0 (it has ${goFloat(value)})`);
  }
  for (const e of validateDestination(readMessage(http, 'mirror'))) v.addError(e);
  v.merge(validateMirrors(readMessageList(http, 'mirrors')));
  v.addError(validateRedirect(readMessage(http, 'redirect'), readMessageList(http, 'match') ?? []));
  v.merge(validateDirectResponse(readMessage(http, 'directResponse')));
  v.mergeErrorsOnly(validateRetry(readMessage(http, 'retries')));
  const rewrite = readMessage(http, 'rewrite');
  v.addError(validateRewrite(rewrite));
  v.addError(validateAuthorityRewrite(rewrite, headers));
  v.mergeErrorsOnly(validateRouteDestinations(readMessageList(http, 'route'), gatewaySemantics, true));
  const timeout = readDuration(http, 'timeout');
  if (timeout !== undefined) v.addError(validateDuration(timeout));
  return v;
}

/**
 * The pairs (i < j) of hosts that host.Name.Matches, in Istio's order, without comparing every
 * pair. Matches(a, b) holds when both are the same name, or when one is a wildcard `*X` and X is a
 * suffix of the other with its own `*` removed. Each host looks up, by suffix hash, the wildcard
 * suffixes it ends with; every lookup hit is a real pair, so the work is the input plus the answer.
 */
export function duplicateHostPairs(hosts: readonly string[]): { pairs: Array<[number, number]>; more: number } {
  const collector = new PairCollector();
  const wild = (h: string): boolean => h.startsWith('*');
  const core = (h: string): string => (wild(h) ? h.slice(1) : h);
  // Exact duplicates among plain names.
  const plain = new Map<string, number[]>();
  // Wildcard suffix -> the wildcard hosts with it, by the suffix's hash.
  const wildBy = new Map<number, Map<string, number[]>>();
  const wildLengths = new Set<number>();
  hosts.forEach((h, i) => {
    if (!wild(h)) {
      const list = plain.get(h);
      if (list) list.push(i);
      else plain.set(h, [i]);
      return;
    }
    const c = core(h);
    const key = suffixHashes(c)[c.length]!;
    let byCore = wildBy.get(key);
    if (!byCore) wildBy.set(key, (byCore = new Map()));
    const list = byCore.get(c);
    if (list) list.push(i);
    else byCore.set(c, [i]);
    wildLengths.add(c.length);
  });
  const pair = (x: number, y: number): void => (x < y ? collector.add(x, y) : collector.add(y, x));
  for (const list of plain.values()) {
    for (let x = 0; x < list.length; x++) {
      if (collector.full) collector.addCount(list.length - 1 - x);
      else for (let y = x + 1; y < list.length; y++) pair(list[x]!, list[y]!);
    }
  }
  hosts.forEach((h, k) => {
    const c = core(h);
    const hashes = suffixHashes(c);
    for (let l = 0; l <= c.length; l++) {
      if (!wildLengths.has(l)) continue;
      const byCore = wildBy.get(hashes[l]!);
      if (!byCore) continue;
      for (const [w, list] of byCore) {
        if (w.length !== l || !c.endsWith(w)) continue;
        const sameCore = l === c.length && wild(h);
        if (collector.full) {
          // The list holds k itself when the cores are equal; only the later ones count then.
          collector.addCount(sameCore ? list.length - countBelow(list, k + 1) : list.length);
          continue;
        }
        for (const m of list) {
          if (m === k) continue;
          // Two wildcards with the same suffix find each other twice; count the pair once.
          if (sameCore && m < k) continue;
          pair(m, k);
        }
      }
    }
  });
  return { pairs: collector.sorted(), more: collector.more };
}

interface VsContext {
  hosts: string[];
  hostIndex: HostIndex;
  isGateway: boolean;
}

/**
 * host.Name.SubsetOf(sni, h) for any of the virtual service's hosts h, in time linear in the SNI
 * name instead of in the number of hosts: a plain name is a subset of itself and of a wildcard
 * whose suffix it ends with; a wildcard only of a wildcard with a suffix of its own suffix.
 */
class HostIndex {
  private readonly plain: Set<string>;
  private readonly wild = new Map<number, Set<string>>();
  private readonly wildLengths = new Set<number>();

  constructor(hosts: readonly string[]) {
    this.plain = new Set(hosts.filter((h) => !h.startsWith('*')));
    for (const h of hosts) {
      if (!h.startsWith('*')) continue;
      const c = h.slice(1);
      const key = suffixHashes(c)[c.length]!;
      let set = this.wild.get(key);
      if (!set) this.wild.set(key, (set = new Set()));
      set.add(c);
      this.wildLengths.add(c.length);
    }
  }

  hasSupersetOf(n: string): boolean {
    const nw = n.startsWith('*');
    if (!nw && this.plain.has(n)) return true;
    const c = nw ? n.slice(1) : n;
    const hashes = suffixHashes(c);
    for (let l = 0; l <= c.length; l++) {
      if (!this.wildLengths.has(l)) continue;
      for (const w of this.wild.get(hashes[l]!) ?? []) if (w.length === l && c.endsWith(w)) return true;
    }
    return false;
  }
}

function validateSniHost(sni: string, ctx: VsContext): ValidationResult {
  const v = new ValidationResult();
  const err = ctx.isGateway ? validateWildcardDomainForVirtualServiceBoundToGateway(true, sni) : validateWildcardDomain(sni);
  if (err !== undefined) {
    if (isValidIP(sni)) return v.addWarning(`using an IP address (${JSON.stringify(sni)}) goes against SNI spec and most clients do not support this`);
    return v.addError(err);
  }
  if (ctx.hostIndex.hasSupersetOf(sni)) return v;
  return v.addError(`SNI host ${JSON.stringify(sni)} is not a compatible subset of any of the virtual service hosts: [${ctx.hosts.join(', ')}]`);
}

function validateL4Match(m: JsonObject, v: ValidationResult): void {
  for (const s of readStringList(m, 'destinationSubnets') ?? []) v.addError(validateIPSubnet(s));
  const port = readNumber(m, 'port', 'uint32') ?? 0;
  if (port !== 0) v.addError(validatePort(port));
  v.addErrTree(validateLabels(readStringMap(m, 'sourceLabels')));
}

function validateTLSRoute(tls: JsonObject, ctx: VsContext, gatewaySemantics: boolean): ValidationResult {
  const v = new ValidationResult();
  const matches = readMessageList(tls, 'match') ?? [];
  if (matches.length === 0) v.addError('TLS route must have at least one match condition');
  for (const m of matches) {
    const snis = readStringList(m, 'sniHosts') ?? [];
    if (snis.length === 0) v.addError('TLS match must have at least one SNI host');
    else for (const sni of snis) v.merge(validateSniHost(sni, ctx));
    validateL4Match(m, v);
    v.merge(validateGatewayNames(readStringList(m, 'gateways') ?? [], false));
  }
  const route = readMessageList(tls, 'route') ?? [];
  if (route.length === 0) v.addError('TLS route is required');
  v.mergeErrorsOnly(validateRouteDestinations(route, gatewaySemantics, false));
  return v;
}

function validateTCPRoute(tcp: JsonObject, gatewaySemantics: boolean): ValidationResult {
  const v = new ValidationResult();
  for (const m of readMessageList(tcp, 'match') ?? []) {
    validateL4Match(m, v);
    v.mergeErrorsOnly(validateGatewayNames(readStringList(m, 'gateways') ?? [], false));
  }
  const route = readMessageList(tcp, 'route') ?? [];
  if (route.length === 0) v.addError('TCP route is required');
  v.mergeErrorsOnly(validateRouteDestinations(route, gatewaySemantics, false));
  return v;
}

/** ValidateVirtualService (validation.go, virtualservice.go). */
export function validateVirtualService(spec: Record<string, unknown>, meta: ObjectMetaLite): ValidationResult {
  const v = new ValidationResult();
  const hosts = readStringList(spec, 'hosts') ?? [];
  const gateways = readStringList(spec, 'gateways') ?? [];
  const http = readMessageList(spec, 'http') ?? [];
  const tls = readMessageList(spec, 'tls') ?? [];
  const tcp = readMessageList(spec, 'tcp') ?? [];
  if (hosts.length === 0) {
    if (gateways.length !== 0) v.addError('delegate virtual service must have no gateways specified');
    if (tls.length !== 0) v.addError('delegate virtual service must have no tls route specified');
    if (tcp.length !== 0) v.addError('delegate virtual service must have no tcp route specified');
  }
  const gatewaySemantics = meta.annotations[ANNOTATION_ROUTE_SEMANTICS] === 'gateway';
  let appliesToMesh = false;
  let appliesToGateway = false;
  if (gateways.length === 0) {
    appliesToMesh = true;
  } else {
    v.merge(validateGatewayNames(gateways, gatewaySemantics));
    appliesToGateway = !gateways.includes('mesh');
    appliesToMesh = !appliesToGateway;
  }
  if (!appliesToGateway) {
    for (const route of http) {
      for (const m of readMessageList(route, 'match') ?? []) {
        for (const field of ['headers', 'withoutHeaders']) {
          for (const key of Object.keys(readMessageMap(m, field) ?? {})) {
            if (isJwtRoutingClaim(key)) {
              v.addError(`JWT claim based routing (key: ${key}) is only supported for gateway, found no gateways: [${gateways.join(' ')}]`);
            }
          }
        }
      }
    }
  }
  const sniHost = tls.some((t) => (readMessageList(t, 'match') ?? []).some((m) => (readStringList(m, 'sniHosts') ?? []).length > 0));
  let allHostsValid = true;
  for (const h of hosts) {
    const err = appliesToGateway ? validateWildcardDomainForVirtualServiceBoundToGateway(sniHost, h) : validateWildcardDomain(h);
    if (err !== undefined) {
      if (!isValidIP(h)) {
        v.addError(err);
        allHostsValid = false;
      }
    } else if (appliesToMesh && h === '*') {
      v.addError('wildcard host * is not allowed for virtual services bound to the mesh gateway');
      allHostsValid = false;
    }
  }
  if (allHostsValid) {
    const { pairs, more } = duplicateHostPairs(hosts);
    for (const [i, j] of pairs) v.addError(`duplicate hosts in virtual service: ${hosts[i] ?? ''} & ${hosts[j] ?? ''}`);
    if (more > 0) v.addError(`${more} more duplicate hosts in virtual service (not listed)`);
  }
  if (http.length === 0 && tcp.length === 0 && tls.length === 0) v.addError('http, tcp or tls must be provided in virtual service');
  for (const route of http) v.merge(validateHTTPRoute(route, hosts.length === 0, gatewaySemantics));
  const ctx: VsContext = { hosts, hostIndex: new HostIndex(hosts), isGateway: appliesToGateway };
  for (const t of tls) v.merge(validateTLSRoute(t, ctx, gatewaySemantics));
  for (const t of tcp) v.merge(validateTCPRoute(t, gatewaySemantics));
  for (const e of validateExportTo(meta.namespace, readStringList(spec, 'exportTo'), false, false)) v.addError(e);
  for (const w of analyzeUnreachableRules(http, tcp, tls)) v.addWarning(w);
  return v;
}

