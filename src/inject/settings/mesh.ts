import { parseYamlDocument } from '../../k8s/yaml-parse.js';
import {
  PROXY_CONFIG_FIELDS,
  canonicalProtoKeys,
  clearReplacedOneofMembers,
  isPlainObject,
  parseProtoDuration,
  protoJson,
} from './proto-fields.js';

import { proxyConfigTypeError } from './proxy-config-types.js';

export { parseProtoDuration, protoDurationString } from './proto-fields.js';

/** The pod annotation that overrides ProxyConfig fields for one pod. */
export const PROXY_CONFIG_ANNOTATION = 'proxy.istio.io/config';

/** MeshConfig / ProxyConfig in proto-JSON form (camelCase keys, enums by name, durations as "45s"). */
export type MeshConfig = Record<string, unknown> & { defaultConfig: ProxyConfig };
export type ProxyConfig = Record<string, unknown>;

/** Istio's mesh.DefaultProxyConfig(). */
export function defaultProxyConfig(): ProxyConfig {
  return {
    configPath: './etc/istio/proxy',
    binaryPath: '/usr/local/bin/envoy',
    serviceCluster: 'istio-proxy',
    drainDuration: '45s',
    discoveryAddress: 'istiod.istio-system.svc:15012',
    proxyAdminPort: 15000,
    controlPlaneAuthPolicy: 'MUTUAL_TLS',
    statNameLength: 189,
    statusPort: 15020,
    terminationDrainDuration: '5s',
  };
}

/** Istio's mesh.DefaultMeshConfig(), as proto JSON. */
export function defaultMeshConfig(): MeshConfig {
  return {
    enableTracing: true,
    accessLogFile: '',
    accessLogEncoding: 'TEXT',
    accessLogFormat: '',
    enableEnvoyAccessLogService: false,
    protocolDetectionTimeout: '0s',
    ingressService: 'istio-ingressgateway',
    ingressControllerMode: 'STRICT',
    ingressClass: 'istio',
    trustDomain: 'cluster.local',
    trustDomainAliases: [],
    enableAutoMtls: true,
    outboundTrafficPolicy: { mode: 'ALLOW_ANY' },
    inboundTrafficPolicy: { mode: 'PASSTHROUGH' },
    localityLbSetting: { enabled: true },
    certificates: [],
    defaultConfig: defaultProxyConfig(),
    rootNamespace: 'istio-system',
    proxyListenPort: 15001,
    proxyInboundListenPort: 15006,
    connectTimeout: '10s',
    defaultServiceExportTo: ['*'],
    defaultVirtualServiceExportTo: ['*'],
    defaultDestinationRuleExportTo: ['*'],
    dnsRefreshRate: '60s',
    serviceSettings: [],
    enablePrometheusMerge: true,
    defaultProviders: {},
    extensionProviders: [
      { name: 'prometheus', prometheus: {} },
      { name: 'stackdriver', stackdriver: {} },
      { name: 'envoy', envoyFileAccessLog: { path: '/dev/stdout' } },
    ],
  };
}

function snakeToCamel(k: string): string {
  return k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function parseYamlObject(text: string, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    // sigs.k8s.io/yaml.YAMLToJSON's reading (yaml.v2 scalars, go-yaml's error words), as Istio's ApplyYAML.
    doc = parseYamlDocument(text);
  } catch (e) {
    throw new Error(`could not parse ${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) throw new Error(`could not parse ${what}: expected a mapping`);
  return doc;
}

/**
 * mesh.MergeProxyConfig: the YAML's top-level fields replace the current ones (jsonpb's merge into a
 * non-empty message), except proxyMetadata, whose keys merge.
 */
export function mergeProxyConfig(yamlText: string, base: ProxyConfig): ProxyConfig {
  const doc = parseYamlObject(yamlText, 'proxy config');
  // protomarshal.ApplyYAML fails on the first jsonpb type error, as on a YAML one.
  const typeError = proxyConfigTypeError(doc);
  if (typeError !== undefined) throw new Error(`could not parse proxy config: ${typeError}`);
  const overlay = canonicalProtoKeys(PROXY_CONFIG_FIELDS, doc);
  const out: ProxyConfig = { ...base, ...overlay };
  clearReplacedOneofMembers(PROXY_CONFIG_FIELDS, out, overlay);
  const baseMeta = base.proxyMetadata;
  const newMeta = overlay.proxyMetadata;
  if (isPlainObject(baseMeta) || isPlainObject(newMeta)) {
    out.proxyMetadata = { ...(isPlainObject(baseMeta) ? baseMeta : {}), ...(isPlainObject(newMeta) ? newMeta : {}) };
  }
  return out;
}

/**
 * mesh.ApplyMeshConfig: top-level fields override the defaults; defaultConfig merges over the
 * default ProxyConfig; extension providers merge by name; trust domain aliases union.
 */
export function applyMeshConfig(yamlText: string, defaults: MeshConfig = defaultMeshConfig()): MeshConfig {
  const raw = parseYamlObject(yamlText, 'mesh config');
  const overlay: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) overlay[snakeToCamel(k)] = v;
  const out: MeshConfig = { ...defaults, ...overlay, defaultConfig: defaults.defaultConfig };
  if (isPlainObject(overlay.defaultConfig)) {
    // Part of the MeshConfig decode in Istio, which words its failure so.
    const typeError = proxyConfigTypeError(overlay.defaultConfig);
    if (typeError !== undefined) throw new Error(`failed to convert to proto. ${typeError}`);
    out.defaultConfig = mergeProxyConfig(JSON.stringify(overlay.defaultConfig), defaults.defaultConfig);
  }
  if (isPlainObject(overlay.defaultProviders)) {
    out.defaultProviders = { ...(defaults.defaultProviders as object), ...overlay.defaultProviders };
  } else {
    out.defaultProviders = defaults.defaultProviders;
  }
  const providers = Array.isArray(defaults.extensionProviders) ? [...(defaults.extensionProviders as unknown[])] : [];
  if (Array.isArray(overlay.extensionProviders)) {
    for (const p of overlay.extensionProviders) {
      if (!isPlainObject(p)) continue;
      const i = providers.findIndex((e) => isPlainObject(e) && e.name === p.name);
      if (i >= 0) providers[i] = p;
      else providers.push(p);
    }
  }
  out.extensionProviders = providers;
  const aliases = new Set<string>([
    ...((Array.isArray(overlay.trustDomainAliases) ? overlay.trustDomainAliases : []) as string[]),
    ...((Array.isArray(defaults.trustDomainAliases) ? defaults.trustDomainAliases : []) as string[]),
  ]);
  out.trustDomainAliases = [...aliases].sort();
  return out;
}

/** template.go cleanProxyConfig: blank the fields equal to DefaultProxyConfig so PROXY_CONFIG stays small. */
export function cleanProxyConfig(pc: ProxyConfig): ProxyConfig {
  const d = defaultProxyConfig();
  const out: ProxyConfig = { ...pc };
  for (const k of [
    'configPath',
    'binaryPath',
    'controlPlaneAuthPolicy',
    'serviceCluster',
    'drainDuration',
    'terminationDrainDuration',
    'discoveryAddress',
    'proxyAdminPort',
    'statNameLength',
    'statusPort',
  ]) {
    if (out[k] !== undefined && sameDuration(out[k], d[k])) delete out[k];
  }
  for (const k of ['envoyMetricsService', 'envoyAccessLogService', 'tracing', 'concurrency']) {
    if (out[k] === null || (out[k] === undefined && d[k] === undefined)) delete out[k];
  }
  if (isPlainObject(out.proxyMetadata) && Object.keys(out.proxyMetadata).length === 0) delete out.proxyMetadata;
  return out;
}

function sameDuration(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'string' && typeof b === 'string') {
    const pa = parseProtoDuration(a);
    const pb = parseProtoDuration(b);
    return pa !== undefined && pa === pb;
  }
  return false;
}

/** The PROXY_CONFIG env value: jsonpb of the cleaned ProxyConfig. */
export function proxyConfigJson(pc: ProxyConfig): string {
  return protoJson(PROXY_CONFIG_FIELDS, cleanProxyConfig(pc));
}

