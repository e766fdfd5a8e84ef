import type { Rng } from './rng.js';

/**
 * Seeded workloads for the injection differential: random combinations of every annotation and
 * label Istio's injector reads, containers with every probe type and named ports, security
 * contexts, user-supplied istio-proxy overrides, and settings variants. Values mix valid ones with
 * the invalid spellings Istio's annotation validation has to reject.
 */
type Obj = Record<string, unknown>;

export interface InjectCaseSpec {
  /** The document(s) given to kube-inject, as YAML-compatible JSON. */
  workload: Obj;
  /** Index into SETTINGS_VARIANTS. */
  variant: number;
  native: boolean;
  /** Inject once with Istio first, then feed that output to both sides (re-injection). */
  reinject: boolean;
  /** The webhook path: /inject or /inject/cluster/X/net/Y. */
  path: string;
}

const CPU = ['100m', '1', '250m', '2000m', 'abc', '-1', '0.5'];
const MEM = ['128Mi', '1Gi', '40Mi', 'lots', '512M', '0'];
const LEVEL = ['debug', 'info', 'warning', 'error', 'trace', 'critical', 'off', 'loud'];
const PORTS = ['80', '8080', '*', '', '80,443', '1-2', '15020', '99999', 'abc', '8080, 9090'];
const CIDRS = ['*', '', '10.0.0.0/8', '10.0.0.0/8,192.168.0.0/16', '1.1.1.1/32', '300.0.0.0/8', '2001:db8::/32', 'bad', '10.0.0.1'];

/** Every annotation Istio's injection reads, with the values we try. */
const ANNOTATIONS: Record<string, readonly string[]> = {
  'sidecar.istio.io/inject': ['true', 'false', 'yes', 'TRUE', ''],
  'sidecar.istio.io/proxyImage': ['docker.io/istio/proxyv2:1.0', 'example.com/proxy:dev', ''],
  'sidecar.istio.io/proxyImageType': ['distroless', 'debug', 'default', 'weird'],
  'sidecar.istio.io/proxyCPU': CPU,
  'sidecar.istio.io/proxyCPULimit': CPU,
  'sidecar.istio.io/proxyMemory': MEM,
  'sidecar.istio.io/proxyMemoryLimit': MEM,
  'sidecar.istio.io/logLevel': LEVEL,
  'sidecar.istio.io/componentLogLevel': ['misc:error', 'upstream:debug,misc:info', 'x'],
  'sidecar.istio.io/agentLogLevel': ['default:debug', 'ads:info', 'nonsense'],
  'sidecar.istio.io/interceptionMode': ['REDIRECT', 'TPROXY', 'NONE', 'redirect', 'BAD'],
  'sidecar.istio.io/bootstrapOverride': ['my-bootstrap', ''],
  'sidecar.istio.io/discoveryAddress': ['istiod.istio-system.svc:15012', 'other:15010'],
  'sidecar.istio.io/enableCoreDump': ['true', 'false', 'maybe'],
  'sidecar.istio.io/rewriteAppHTTPProbers': ['true', 'false', 'nope'],
  'sidecar.istio.io/nativeSidecar': ['true', 'false', 'other'],
  'sidecar.istio.io/userVolume': ['{"v1":{"emptyDir":{}}}', '[{"name":"v2","emptyDir":{}}]', '{bad', ''],
  'sidecar.istio.io/userVolumeMount': ['{"v1":{"mountPath":"/v1"}}', '[{"name":"v2","mountPath":"/v2"}]', '{bad'],
  'sidecar.istio.io/statsInclusionPrefixes': ['cluster.outbound,listener', ''],
  'sidecar.istio.io/statsInclusionSuffixes': ['upstream_cx_total', ''],
  'sidecar.istio.io/statsInclusionRegexps': ['http.*', '.*'],
  'sidecar.istio.io/statsHistogramBuckets': ['{"cluster_manager":[1,5,10]}', 'bad'],
  'sidecar.istio.io/statsFlushInterval': ['5s', 'never'],
  'sidecar.istio.io/statsEvictionInterval': ['60s', 'x'],
  'sidecar.istio.io/statsCompression': ['gzip', 'zstd'],
  'sidecar.istio.io/extraStatTags': ['a,b', ''],
  'traffic.sidecar.istio.io/includeInboundPorts': PORTS,
  'traffic.sidecar.istio.io/excludeInboundPorts': PORTS,
  'traffic.sidecar.istio.io/includeOutboundPorts': PORTS,
  'traffic.sidecar.istio.io/excludeOutboundPorts': PORTS,
  'traffic.sidecar.istio.io/includeOutboundIPRanges': CIDRS,
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': CIDRS,
  'traffic.sidecar.istio.io/excludeInterfaces': ['eth1', 'eth1,eth2', ''],
  'traffic.sidecar.istio.io/kubevirtInterfaces': ['net1', 'net1,net2'],
  'proxy.istio.io/config': [
    'concurrency: 2',
    'holdApplicationUntilProxyStarts: true',
    '{"terminationDrainDuration": "30s"}',
    'proxyMetadata:\n  ISTIO_META_DNS_CAPTURE: "true"\n  FOO: bar',
    'image:\n  imageType: distroless',
    'proxyStatsMatcher:\n  inclusionPrefixes: ["a"]',
    'discoveryAddress: foo:15012\nconcurrency: 0',
    'tracing:\n  sampling: 50',
    'holdApplicationUntilProxyStarts: false\nconcurrency: 4',
    'not: [valid',
    'unknownField: 1',
    // Messages below ProxyConfig: wrong types, unknown and snake_case fields, values jsonpb re-prints.
    'tracing:\n  zipkin:\n    address: zipkin.istio-system:9411\n    bogus: 1',
    'tracing:\n  zipkin:\n    address: 5',
    'tracing: {stackdriver: {maxNumberOfAttributes: 200, debug: true}}',
    'proxyStatsMatcher:\n  inclusion_regexps: [".*http.*"]\n  inclusionPrefixes: [1]',
    'proxy_stats_matcher: {inclusion_suffixes: [x], extra: true}',
    'readinessProbe: {httpGet: {path: /ready, port: "15021", httpHeaders: [{name: a, value: b, bogus: 1}]}}',
    'gatewayTopology: {numTrustedProxies: 1, forwardClientCertDetails: 3}',
    'gatewayTopology: {forwardClientCertDetails: NOPE}',
    'connectionSettings: {httpIdleTimeout: 90s, profile: EDGE, unknown: 1}',
    'connectionSettings: {httpIdleTimeout: soon}',
    'privateKeyProvider: {cryptomb: {pollDelay: 10ms, fallback: true}}',
    'tracing: {customTags: {env: {environment: {name: POD, defaultValue: x, bogus: 1}}}, openCensusAgent: {address: "oc:55678", context: [B3, 1]}}',
    'proxyHeaders: {requestId: {disabled: 1}}',
    'proxyHeaders: {server: {disabled: true}, forwardedClientCert: SANITIZE, xForwardedHost: {enabled: true}}',
  ],
  'inject.istio.io/templates': ['sidecar', 'gateway', 'grpc-agent', 'grpc-simple', 'sidecar,grpc-agent', 'nope', 'sidecar,spire'],
  'prometheus.io/scrape': ['true', 'false'],
  'prometheus.io/port': ['9090', '8080', 'x'],
  'prometheus.io/path': ['/metrics', '/stats/prometheus'],
  'prometheus.istio.io/merge-metrics': ['true', 'false'],
  'status.sidecar.istio.io/port': ['15020', '0', '15021', '-1', 'abc'],
  'readiness.status.sidecar.istio.io/initialDelaySeconds': ['1', '10', '-3', 'x'],
  'readiness.status.sidecar.istio.io/periodSeconds': ['2', '15', '0'],
  'readiness.status.sidecar.istio.io/failureThreshold': ['3', '30', 'no'],
  'readiness.status.sidecar.istio.io/applicationPorts': ['8080', '80,8080', '', 'abc'],
  'istio.io/rev': ['default', 'canary'],
};

const LABELS: Record<string, readonly string[]> = {
  app: ['web', 'api', 'x'.repeat(70)],
  'app.kubernetes.io/name': ['shop', 'shop-'],
  version: ['v1', 'v2'],
  'app.kubernetes.io/version': ['1.0', '2.0-'],
  'service.istio.io/canonical-name': ['canon', 'canon_'],
  'service.istio.io/canonical-revision': ['r1'],
  'sidecar.istio.io/inject': ['true', 'false'],
  'istio.io/rev': ['default', 'canary'],
  'security.istio.io/tlsMode': ['istio', 'disabled'],
  'topology.istio.io/network': ['net-a'],
};

function probe(rng: Rng, ports: Array<{ name?: string; containerPort: number }>): Obj {
  const named = ports.filter((p) => p.name);
  const portRef = (): unknown => (named.length > 0 && rng.chance(0.5) ? rng.pick(named).name : rng.pick([8080, 80, 9090, 15021]));
  const kind = rng.pick(['httpGet', 'httpGet', 'tcpSocket', 'grpc', 'exec']);
  const p: Obj = {};
  if (kind === 'httpGet') {
    const h: Obj = { port: portRef() };
    if (rng.chance(0.7)) h.path = rng.pick(['/ready', '/healthz', '/', '/a b']);
    if (rng.chance(0.2)) h.scheme = rng.pick(['HTTP', 'HTTPS']);
    if (rng.chance(0.2)) h.httpHeaders = [{ name: 'X-Probe', value: '1' }];
    if (rng.chance(0.1)) h.host = 'example.com';
    p.httpGet = h;
  } else if (kind === 'tcpSocket') p.tcpSocket = { port: portRef() };
  else if (kind === 'grpc') p.grpc = { port: rng.pick([9000, 8080]), ...(rng.chance(0.5) ? { service: 'health' } : {}) };
  else p.exec = { command: ['cat', '/tmp/healthy'] };
  if (rng.chance(0.4)) p.initialDelaySeconds = rng.int(0, 20);
  if (rng.chance(0.3)) p.periodSeconds = rng.int(1, 30);
  if (rng.chance(0.2)) p.timeoutSeconds = rng.int(1, 5);
  if (rng.chance(0.2)) p.failureThreshold = rng.int(1, 10);
  return p;
}

function securityContext(rng: Rng): Obj {
  const sc: Obj = {};
  if (rng.chance(0.4)) sc.runAsUser = rng.pick([0, 1000, 1337, 65532]);
  if (rng.chance(0.3)) sc.runAsGroup = rng.pick([0, 1000, 1337]);
  if (rng.chance(0.3)) sc.runAsNonRoot = rng.chance(0.5);
  if (rng.chance(0.2)) sc.privileged = rng.chance(0.5);
  if (rng.chance(0.2)) sc.readOnlyRootFilesystem = rng.chance(0.5);
  if (rng.chance(0.2)) sc.allowPrivilegeEscalation = rng.chance(0.5);
  if (rng.chance(0.2)) sc.capabilities = { drop: ['ALL'], ...(rng.chance(0.5) ? { add: ['NET_ADMIN'] } : {}) };
  return sc;
}

function appContainer(rng: Rng, i: number): Obj {
  const ports: Array<{ name?: string; containerPort: number; protocol?: string }> = [];
  for (let k = rng.int(0, 3); k > 0; k--) {
    const port: { name?: string; containerPort: number; protocol?: string } = { containerPort: rng.pick([80, 8080, 9090, 3306, 15021, 9000]) };
    if (rng.chance(0.6)) port.name = rng.pick(['http', 'http-web', 'grpc', 'tcp-db', 'metrics', 'health']);
    if (rng.chance(0.2)) port.protocol = rng.pick(['TCP', 'UDP']);
    ports.push(port);
  }
  const c: Obj = { name: i === 0 ? 'app' : `side${i}`, image: rng.pick(['nginx', 'busybox:1.36', 'example.com/app:v1']) };
  if (ports.length > 0) c.ports = ports;
  if (rng.chance(0.5)) c.readinessProbe = probe(rng, ports);
  if (rng.chance(0.4)) c.livenessProbe = probe(rng, ports);
  if (rng.chance(0.25)) c.startupProbe = probe(rng, ports);
  if (rng.chance(0.3)) c.securityContext = securityContext(rng);
  if (rng.chance(0.3)) c.resources = { requests: { cpu: '100m', memory: '64Mi' }, ...(rng.chance(0.5) ? { limits: { cpu: '1', memory: '256Mi' } } : {}) };
  if (rng.chance(0.2)) c.env = [{ name: 'FOO', value: 'bar' }];
  if (rng.chance(0.15)) c.args = ['--port', '8080'];
  return c;
}

/** A user-written istio-proxy container: its fields are overrides Istio re-applies over the template. */
function proxyOverride(rng: Rng): Obj {
  const c: Obj = { name: 'istio-proxy' };
  if (rng.chance(0.4)) c.image = rng.pick(['auto', 'example.com/proxy:custom']);
  if (rng.chance(0.4)) c.resources = { limits: { cpu: '3', memory: '1Gi' } };
  if (rng.chance(0.3)) c.env = [{ name: 'EXTRA', value: 'yes' }];
  if (rng.chance(0.3)) c.securityContext = securityContext(rng);
  if (rng.chance(0.2)) c.args = ['proxy', 'sidecar', '--custom'];
  if (rng.chance(0.2)) c.lifecycle = { preStop: { exec: { command: ['sleep', '5'] } } };
  if (rng.chance(0.2)) c.readinessProbe = { httpGet: { path: '/custom', port: 15021 } };
  return c;
}

function podSpec(rng: Rng): Obj {
  const spec: Obj = { containers: Array.from({ length: rng.int(1, 3) }, (_, i) => appContainer(rng, i)) };
  if (rng.chance(0.15)) {
    const containers = spec.containers as Obj[];
    containers.splice(rng.int(0, containers.length), 0, proxyOverride(rng));
  }
  if (rng.chance(0.15)) spec.initContainers = [{ name: 'setup', image: 'busybox', command: ['true'] }];
  if (rng.chance(0.05)) spec.hostNetwork = true;
  if (rng.chance(0.25)) spec.securityContext = { ...(rng.chance(0.5) ? { fsGroup: 2000 } : {}), ...(rng.chance(0.5) ? { runAsUser: rng.pick([0, 1000]) } : {}) };
  if (rng.chance(0.2)) spec.serviceAccountName = rng.pick(['sa', 'default']);
  if (rng.chance(0.1)) spec.nodeName = 'node-1';
  if (rng.chance(0.15)) spec.volumes = [{ name: 'data', emptyDir: {} }];
  if (rng.chance(0.1)) spec.dnsPolicy = 'ClusterFirst';
  if (rng.chance(0.1)) spec.terminationGracePeriodSeconds = rng.pick([0, 30, 120]);
  return spec;
}

function podMeta(rng: Rng): Obj {
  const m: Obj = {};
  const annotations: Record<string, string> = {};
  for (const key of rng.some(Object.keys(ANNOTATIONS), rng.int(0, 6))) annotations[key] = rng.pick(ANNOTATIONS[key]!);
  if (Object.keys(annotations).length > 0) m.annotations = annotations;
  const labels: Record<string, string> = {};
  for (const key of rng.some(Object.keys(LABELS), rng.int(0, 4))) labels[key] = rng.pick(LABELS[key]!);
  if (Object.keys(labels).length > 0) m.labels = labels;
  return m;
}

function workload(rng: Rng): Obj {
  const kind = rng.pick(['Pod', 'Pod', 'Deployment', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController']);
  const name = rng.pick(['web', 'api', 'hello', 'a-very-long-workload-name-that-goes-on']);
  const meta: Obj = { name };
  if (rng.chance(0.5)) meta.namespace = rng.pick(['default', 'test-ns', 'apps']);
  const podMetadata = podMeta(rng);
  const spec = podSpec(rng);
  if (kind === 'Pod') return { apiVersion: 'v1', kind, metadata: { ...meta, ...podMetadata, labels: { ...(podMetadata.labels as Obj | undefined) } }, spec };
  const template = { metadata: podMetadata, spec: kind === 'Job' || kind === 'CronJob' ? { ...spec, restartPolicy: 'Never' } : spec };
  const selector = { matchLabels: { app: name } };
  switch (kind) {
    case 'Deployment':
    case 'DaemonSet':
    case 'ReplicaSet':
      return { apiVersion: 'apps/v1', kind, metadata: meta, spec: { selector, template } };
    case 'StatefulSet':
      return { apiVersion: 'apps/v1', kind, metadata: meta, spec: { selector, serviceName: name, template } };
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata: meta, spec: { template } };
    case 'CronJob':
      return { apiVersion: 'batch/v1', kind, metadata: meta, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template } } } };
    default:
      return { apiVersion: 'v1', kind, metadata: meta, spec: { replicas: 1, template } };
  }
}

/**
 * Settings variants: changes to values and mesh fields the templates read. Each is applied over the
 * base settings (Istio's corpus settings); index 0 is the base itself.
 */
export interface SettingsVariant {
  name: string;
  values?: Record<string, unknown>;
  mesh?: Record<string, unknown>;
}

export const SETTINGS_VARIANTS: readonly SettingsVariant[] = [
  { name: 'base' },
  { name: 'hold-app', values: { 'global.proxy.holdApplicationUntilProxyStarts': true } },
  { name: 'cni', values: { 'istio_cni.enabled': true } },
  { name: 'privileged+coredump', values: { 'global.proxy.privileged': true, 'global.proxy.enableCoreDump': true } },
  { name: 'log-levels', values: { 'global.proxy.logLevel': 'debug', 'global.proxy.componentLogLevel': 'misc:debug', 'global.logging.level': 'all:debug' } },
  { name: 'include-ranges', values: { 'global.proxy.includeIPRanges': '10.0.0.0/8', 'global.proxy.excludeIPRanges': '10.1.0.0/16', 'global.proxy.includeInboundPorts': '8080' } },
  { name: 'pull-policy', values: { 'global.imagePullPolicy': 'Always', 'global.proxy.image': 'proxyv2', 'global.tag': '1.28.0' } },
  { name: 'resources', values: { 'global.proxy.resources': { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '512Mi' } } } },
  { name: 'mesh-hold', mesh: { 'defaultConfig.holdApplicationUntilProxyStarts': true, 'defaultConfig.concurrency': 3 } },
  { name: 'mesh-no-prom-merge', mesh: { enablePrometheusMerge: false } },
  { name: 'mesh-distroless', mesh: { 'defaultConfig.image.imageType': 'distroless' } },
  { name: 'mesh-metadata', mesh: { 'defaultConfig.proxyMetadata': { ISTIO_META_DNS_CAPTURE: 'true' }, 'defaultConfig.terminationDrainDuration': '20s' } },
  { name: 'rewrite-off', values: { 'sidecarInjectorWebhook.rewriteAppHTTPProbe': false } },
  { name: 'tproxy', mesh: { 'defaultConfig.interceptionMode': 'TPROXY' } },
];

export function generateInjectCase(rng: Rng): InjectCaseSpec {
  return {
    workload: workload(rng),
    variant: rng.chance(0.5) ? 0 : rng.int(1, SETTINGS_VARIANTS.length - 1),
    native: rng.chance(0.6),
    reinject: rng.chance(0.12),
    path: rng.chance(0.1) ? '/inject/cluster/c2/net/n2' : '/inject',
  };
}
