import { goJsonKind } from '../../go/json.js';
import { readEnum, readMessage, readMessageList, readNumber, readString, type JsonObject } from '../decode.js';
import { ValidationResult, type KindValidator } from '../result.js';
import { re2CompileError } from '../common/regex.js';
import { validateAlphaWorkloadSelector } from '../common/selector.js';
import { isObj } from '../common/extra-d.js';

const NET = 'istio.networking.v1alpha3.EnvoyFilter';
const APPLY_TO = [
  'INVALID',
  'LISTENER',
  'FILTER_CHAIN',
  'NETWORK_FILTER',
  'HTTP_FILTER',
  'ROUTE_CONFIGURATION',
  'VIRTUAL_HOST',
  'HTTP_ROUTE',
  'CLUSTER',
  'EXTENSION_CONFIG',
  'BOOTSTRAP',
  'LISTENER_FILTER',
] as const;
const OPERATIONS = [
  'INVALID',
  'MERGE',
  'ADD',
  'REMOVE',
  'INSERT_BEFORE',
  'INSERT_AFTER',
  'INSERT_FIRST',
  'REPLACE',
  'MERGE_AND_REPLACE_LIST',
] as const;
const CONTEXTS = ['ANY', 'SIDECAR_INBOUND', 'SIDECAR_OUTBOUND', 'GATEWAY', 'WAYPOINT'] as const;
const FILTER_CLASSES = ['UNSPECIFIED', 'AUTHN', 'AUTHZ', 'STATS'] as const;
const ROUTE_ACTIONS = ['ANY', 'ROUTE', 'REDIRECT', 'DIRECT_RESPONSE'] as const;

const ALWAYS_WARNING =
  'EnvoyFilter exposes internal implementation details that may change at any time. ' +
  'Prefer other APIs if possible, and exercise extreme caution, especially around upgrades.';
const MAX_PROXY_VERSION_LEN = 1024;
const HCM = 'envoy.filters.network.http_connection_manager';

/** Deprecated filter name → canonical name (pkg/config/xds/deprecated.go, reversed). */
const DEPRECATED_FILTER_NAMES: Readonly<Record<string, string>> = {
  'envoy.buffer': 'envoy.filters.http.buffer',
  'envoy.cors': 'envoy.filters.http.cors',
  'envoy.csrf': 'envoy.filters.http.csrf',
  'envoy.http_dynamo_filter': 'envoy.filters.http.dynamo',
  'envoy.ext_authz': 'envoy.filters.network.ext_authz',
  'envoy.fault': 'envoy.filters.http.fault',
  'envoy.grpc_http1_bridge': 'envoy.filters.http.grpc_http1_bridge',
  'envoy.grpc_json_transcoder': 'envoy.filters.http.grpc_json_transcoder',
  'envoy.grpc_web': 'envoy.filters.http.grpc_web',
  'envoy.gzip': 'envoy.filters.http.gzip',
  'envoy.health_check': 'envoy.filters.http.health_check',
  'envoy.ip_tagging': 'envoy.filters.http.ip_tagging',
  'envoy.lua': 'envoy.filters.http.lua',
  'envoy.rate_limit': 'envoy.filters.http.ratelimit',
  'envoy.router': 'envoy.filters.http.router',
  'envoy.squash': 'envoy.filters.http.squash',
  'envoy.listener.http_inspector': 'envoy.filters.listener.http_inspector',
  'envoy.listener.original_dst': 'envoy.filters.listener.original_dst',
  'envoy.listener.original_src': 'envoy.filters.listener.original_src',
  'envoy.listener.proxy_protocol': 'envoy.filters.listener.proxy_protocol',
  'envoy.listener.tls_inspector': 'envoy.filters.listener.tls_inspector',
  'envoy.client_ssl_auth': 'envoy.filters.network.client_ssl_auth',
  'envoy.http_connection_manager': HCM,
  'envoy.mongo_proxy': 'envoy.filters.network.mongo_proxy',
  'envoy.ratelimit': 'envoy.filters.network.ratelimit',
  'envoy.redis_proxy': 'envoy.filters.network.redis_proxy',
  'envoy.tcp_proxy': 'envoy.filters.network.tcp_proxy',
};

function deprecatedNameWarning(name: string): string | undefined {
  const canonical = DEPRECATED_FILTER_NAMES[name];
  return canonical === undefined ? undefined : `using deprecated filter name "${name}"; use "${canonical}" instead`;
}

const LISTENER_CLASS = new Set(['LISTENER', 'FILTER_CHAIN', 'NETWORK_FILTER', 'HTTP_FILTER']);
const ROUTE_CLASS = new Set(['ROUTE_CONFIGURATION', 'VIRTUAL_HOST', 'HTTP_ROUTE']);
/** Envoy messages (by applyTo) that carry a string `name` field at the top level. */
const NAMED_OBJECTS = new Set<string>(APPLY_TO.filter((a) => a !== 'INVALID' && a !== 'BOOTSTRAP'));
/** Filter-like messages whose extension must be given as typed_config (or ECDS config_discovery). */
const TYPED_CONFIG_OBJECTS = new Set(['HTTP_FILTER', 'NETWORK_FILTER', 'LISTENER_FILTER', 'EXTENSION_CONFIG']);
const CONFIG_DISCOVERY_OBJECTS = new Set(['HTTP_FILTER', 'NETWORK_FILTER', 'LISTENER_FILTER']);

/**
 * Envoy's v2 API packages are no longer linked into istiod, so any Any with such a type URL fails
 * to resolve. Without Envoy's descriptor set we cannot know every v3 type, so only these are caught.
 */
function isRemovedEnvoyType(typeURL: string): boolean {
  const name = typeURL.slice(typeURL.lastIndexOf('/') + 1);
  return name.startsWith('envoy.') && /\.v2(alpha\d*)?\./.test(`${name}.`);
}

function firstUnresolvableType(v: unknown): string | undefined {
  if (Array.isArray(v)) {
    for (const e of v) {
      const r = firstUnresolvableType(e);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (!isObj(v)) return undefined;
  const t = v['@type'];
  if (typeof t === 'string' && isRemovedEnvoyType(t)) return t;
  for (const [k, e] of Object.entries(v)) {
    if (k === '@type') continue;
    const r = firstUnresolvableType(e);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * xds.BuildXDSObjectFromStruct, reduced to what can be decided without Envoy descriptors:
 * the applyTo type, a wrongly typed `name`, and Any types from removed Envoy v2 packages.
 */
function patchValueValidation(applyTo: string, value: JsonObject): ValidationResult {
  const res = new ValidationResult();
  if (!(APPLY_TO as readonly string[]).includes(applyTo)) {
    return res.addError(`Envoy filter: unknown object type for applyTo ${applyTo}`);
  }
  const name = value['name'];
  if (NAMED_OBJECTS.has(applyTo) && name !== undefined && name !== null && typeof name !== 'string') {
    return res.addError(`Envoy filter: json: cannot unmarshal ${goJsonKind(name)} into Go value of type string`);
  }
  const badType = firstUnresolvableType(value);
  if (badType !== undefined) {
    return res.addError(
      `referenced type unknown (hint: try using the v3 XDS API): Envoy filter: could not resolve Any message type: ${badType}`,
    );
  }
  if (TYPED_CONFIG_OBJECTS.has(applyTo)) {
    const has = (k: string): boolean => value[k] !== undefined && value[k] !== null;
    const typed = has('typed_config') || has('typedConfig');
    const ecds = CONFIG_DISCOVERY_OBJECTS.has(applyTo) && (has('config_discovery') || has('configDiscovery'));
    if (!typed && !ecds) {
      res.addWarning(`using deprecated types by name without typed_config; ${typeof name === 'string' ? name : ''}`);
    }
  }
  return res;
}

interface FilterMatch {
  name: string;
  subFilter: { name: string } | undefined;
}

function readFilterMatch(listener: JsonObject): FilterMatch | undefined {
  const chain = readMessage(listener, 'filterChain');
  if (chain === undefined) return undefined;
  const filter = readMessage(chain, 'filter');
  if (filter === undefined) return undefined;
  const sub = readMessage(filter, 'subFilter');
  return {
    name: readString(filter, 'name') ?? '',
    subFilter: sub === undefined ? undefined : { name: readString(sub, 'name') ?? '' },
  };
}

function listenerClassValidation(applyTo: string, match: JsonObject | undefined, res: ValidationResult): boolean {
  if (match === undefined) return true;
  const listener = readMessage(match, 'listener');
  const hasObjectType = listener !== undefined || readMessage(match, 'routeConfiguration') !== undefined ||
    readMessage(match, 'cluster') !== undefined;
  if (!hasObjectType) return true;
  if (listener === undefined) {
    res.addError('Envoy filter: applyTo for listener class objects cannot have non listener match');
    return false;
  }
  const filter = readFilterMatch(listener);
  if (filter === undefined) return true;
  if (applyTo === 'LISTENER' || applyTo === 'FILTER_CHAIN') {
    // An error in spirit, kept as a warning by Istio for backwards compatibility.
    res.addWarning(`Envoy filter: filter match has no effect when used with ${applyTo}`);
  }
  if (filter.name === '') {
    res.addError('Envoy filter: filter match has no name to match on');
    return false;
  }
  if (filter.subFilter !== undefined) {
    if (applyTo !== 'HTTP_FILTER') {
      res.addError('Envoy filter: subfilter match can be used with applyTo HTTP_FILTER only');
      return false;
    }
    if (filter.name !== HCM && filter.name !== 'envoy.http_connection_manager') {
      res.addError(`Envoy filter: subfilter match requires filter match with ${HCM}`);
      return false;
    }
    if (filter.subFilter.name === '') {
      res.addError('Envoy filter: subfilter match has no name to match on');
      return false;
    }
  }
  res.addWarning(deprecatedNameWarning(filter.name));
  res.addWarning(deprecatedNameWarning(filter.subFilter?.name ?? ''));
  return true;
}

function decodeMatch(match: JsonObject): void {
  readEnum(match, 'context', `${NET}.PatchContext`, CONTEXTS);
  const rc = readMessage(match, 'routeConfiguration');
  const route = rc === undefined ? undefined : readMessage(readMessage(rc, 'vhost') ?? {}, 'route');
  if (route !== undefined) readEnum(route, 'action', `${NET}.RouteConfigurationMatch.RouteMatch.Action`, ROUTE_ACTIONS);
}

/** envoyfilter.ValidateEnvoyFilter. */
export const validateEnvoyFilter: KindValidator = (spec) => {
  const res = new ValidationResult();
  res.addWarning(ALWAYS_WARNING);
  readNumber(spec, 'priority', 'int32');
  const selector = validateAlphaWorkloadSelector(readMessage(spec, 'workloadSelector'));
  // A selector error ends validation and drops every warning gathered so far.
  if (selector.err !== undefined) return new ValidationResult(selector.err);
  if (selector.warn !== undefined) {
    res.addWarning('Envoy filter: workload selector specified without labels, will be applied to all services in namespace');
  }

  for (const cp of readMessageList(spec, 'configPatches') ?? []) {
    const match = readMessage(cp, 'match');
    if (match !== undefined) decodeMatch(match);
    const applyTo = readEnum(cp, 'applyTo', `${NET}.ApplyTo`, APPLY_TO) ?? 'INVALID';
    const patch = readMessage(cp, 'patch');
    const operation = patch === undefined ? 'INVALID' : (readEnum(patch, 'operation', `${NET}.Patch.Operation`, OPERATIONS) ?? 'INVALID');
    if (patch !== undefined) readEnum(patch, 'filterClass', `${NET}.Patch.FilterClass`, FILTER_CLASSES);
    const value = patch === undefined ? undefined : readMessage(patch, 'value');

    if (match !== undefined && (readEnum(match, 'context', `${NET}.PatchContext`, CONTEXTS) ?? 'ANY') === 'WAYPOINT') continue;
    if (applyTo === 'INVALID') {
      res.addError('Envoy filter: missing applyTo');
      continue;
    }
    if (patch === undefined) {
      res.addError('Envoy filter: missing patch');
      continue;
    }
    if (operation === 'INVALID') {
      res.addError('Envoy filter: missing patch operation');
      continue;
    }
    if (operation !== 'REMOVE' && value === undefined) {
      res.addError('Envoy filter: missing patch value for non-remove operation');
      continue;
    }
    const proxy = match === undefined ? undefined : readMessage(match, 'proxy');
    const proxyVersion = proxy === undefined ? '' : (readString(proxy, 'proxyVersion') ?? '');
    if (proxyVersion !== '') {
      if (proxyVersion.length > MAX_PROXY_VERSION_LEN) {
        res.addWarning(`Envoy filter: proxyVersion match exceeds ${MAX_PROXY_VERSION_LEN} characters and will be ignored`);
      } else {
        const reErr = re2CompileError(proxyVersion);
        if (reErr !== undefined) {
          res.addError(`Envoy filter: invalid regex for proxy version, [${reErr}]`);
          continue;
        }
      }
    }
    const hasObjectType = match !== undefined && (readMessage(match, 'listener') !== undefined ||
      readMessage(match, 'routeConfiguration') !== undefined || readMessage(match, 'cluster') !== undefined);
    if (LISTENER_CLASS.has(applyTo)) {
      if (!listenerClassValidation(applyTo, match, res)) continue;
    } else if (ROUTE_CLASS.has(applyTo)) {
      if (hasObjectType && match !== undefined && readMessage(match, 'routeConfiguration') === undefined) {
        res.addError('Envoy filter: applyTo for http route class objects cannot have non route configuration match');
      }
    } else if (applyTo === 'CLUSTER') {
      if (hasObjectType && match !== undefined && readMessage(match, 'cluster') === undefined) {
        res.addError('Envoy filter: applyTo for cluster class objects cannot have non cluster match');
      }
    }
    if (value !== undefined) res.merge(patchValueValidation(applyTo, value));
  }
  return res;
};
