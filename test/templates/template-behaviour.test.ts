import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compileInjectionSettings } from '../../src/inject/engine.js';
import { kubeInject } from '../../src/inject/kube-inject.js';
import { announceSkip, conformanceAvailable } from '../conformance/corpus.js';

/**
 * Behaviour of our templates that Istio's golden corpus does not exercise (user volumes, bootstrap
 * override, per-pod resources, CNI interface annotations, values such as caAddress or the trust-bundle
 * API, ...). Every scenario checks the injected pod for the behaviour itself; when the corpus is present
 * the same pod is also injected with Istio's own templates and the two outputs must be identical.
 */

const TEMPLATES_DIR = resolve(import.meta.dirname, '../../templates');
const OWN_CONFIG = readFileSync(resolve(TEMPLATES_DIR, 'config'), 'utf8');
const OWN_VALUES = readFileSync(resolve(TEMPLATES_DIR, 'values'), 'utf8');

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function setPath(target: Obj, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = target;
  for (const p of parts.slice(0, -1)) {
    if (!isObj(cur[p])) cur[p] = {};
    cur = cur[p] as Obj;
  }
  cur[parts.at(-1)!] = value;
}

interface Scenario {
  name: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  /** Values set by dotted path, as `--set` would. */
  values?: Record<string, unknown>;
  /** MeshConfig set by dotted path. */
  mesh?: Record<string, unknown>;
  nativeSidecars?: boolean;
  /** Why Istio's template cannot give the same output (a deliberate difference, see templates/README.md). */
  differsFromIstio?: string;
  check: (pod: Pod) => void;
}

interface Pod {
  metadata: { labels: Record<string, string>; annotations: Record<string, string> };
  spec: {
    initContainers?: Container[];
    containers: Container[];
    volumes?: Obj[];
    securityContext?: Obj;
    imagePullSecrets?: Obj[];
  };
}
interface Container {
  name: string;
  image?: string;
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: Obj }>;
  volumeMounts?: Obj[];
  resources?: Obj;
  securityContext?: Obj;
  lifecycle?: Obj;
  readinessProbe?: Obj;
  startupProbe?: Obj;
  restartPolicy?: string;
}

function podYaml(s: Scenario): string {
  return toYaml({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web',
      namespace: 'shop',
      labels: { app: 'web', ...(s.labels ?? {}) },
      ...(s.annotations ? { annotations: s.annotations } : {}),
    },
    spec: {
      serviceAccountName: 'web-sa',
      containers: [{ name: 'web', image: 'example/web:1', ports: [{ containerPort: 8080, name: 'http' }] }],
    },
  });
}

interface Triple {
  config: string;
  values: string;
  mesh: string;
}

function inject(s: Scenario, t: Triple): { text: string; pod: Pod } {
  const settings = compileInjectionSettings(t, { revision: '', nativeSidecars: s.nativeSidecars ?? true, compliancePolicy: '', env: {} });
  const text = kubeInject(settings, podYaml(s)).output;
  return { text, pod: parseYaml(text.split('\n---')[0]!) as Pod };
}

/** Our config and values with the scenario's changes; no mesh file, so Istio's default MeshConfig. */
function ownTriple(s: Scenario): Triple {
  const values = JSON.parse(OWN_VALUES) as Obj;
  for (const [p, v] of Object.entries(s.values ?? {})) setPath(values, p, v);
  const mesh: Obj = {};
  for (const [p, v] of Object.entries(s.mesh ?? {})) setPath(mesh, p, v);
  return { config: OWN_CONFIG, values: JSON.stringify(values), mesh: toYaml(mesh) };
}

const proxyOf = (pod: Pod): Container => {
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  const proxy = all.find((c) => c.name === 'istio-proxy');
  if (!proxy) throw new Error('no istio-proxy container');
  return proxy;
};
const initOf = (pod: Pod): Container | undefined => pod.spec.initContainers?.find((c) => c.name === 'istio-init' || c.name === 'istio-validation');
const envOf = (c: Container, name: string): string | undefined => c.env?.find((e) => e.name === name)?.value;
const volumeOf = (pod: Pod, name: string): Obj | undefined => pod.spec.volumes?.find((v) => v.name === name);
const mountOf = (c: Container, name: string): Obj | undefined => c.volumeMounts?.find((m) => m.name === name);
/** The value following a flag in istio-iptables' argument list. */
const argAfter = (c: Container | undefined, flag: string): string | undefined => {
  const i = c?.args?.indexOf(flag) ?? -1;
  return i < 0 ? undefined : c!.args![i + 1];
};

const SCENARIOS: Scenario[] = [
  {
    name: 'plain pod: default sidecar, images from templates/values',
    check: (pod) => {
      const proxy = proxyOf(pod);
      expect(proxy.image).toBe('docker.io/istio/proxyv2:1.28.0');
      expect(initOf(pod)?.image).toBe('docker.io/istio/proxyv2:1.28.0');
      expect(proxy.restartPolicy).toBe('Always');
      expect(pod.metadata.labels['service.istio.io/canonical-name']).toBe('web');
      expect(pod.metadata.annotations['kubectl.kubernetes.io/default-container']).toBe('web');
      expect(envOf(proxy, 'ISTIO_META_POD_PORTS')).toBe('[\n    {"name":"http","containerPort":8080}\n]');
      expect(envOf(proxy, 'CA_ADDR')).toBe('istiod.istio-system.svc:15012');
      expect(argAfter(initOf(pod), '-d')).toBe('15090,15021,15020');
      expect(volumeOf(pod, 'workload-socket')).toEqual({ name: 'workload-socket' });
    },
  },
  {
    name: 'userVolume and userVolumeMount annotations add a volume and a proxy mount',
    annotations: {
      'sidecar.istio.io/userVolume': '{"extra":{"configMap":{"name":"my-cm"}},"scratch":{"emptyDir":{}}}',
      'sidecar.istio.io/userVolumeMount': '{"extra":{"mountPath":"/etc/extra","readOnly":true}}',
    },
    check: (pod) => {
      expect(volumeOf(pod, 'extra')).toEqual({ name: 'extra', configMap: { name: 'my-cm' } });
      expect(volumeOf(pod, 'scratch')).toEqual({ name: 'scratch', emptyDir: {} });
      expect(mountOf(proxyOf(pod), 'extra')).toEqual({ name: 'extra', mountPath: '/etc/extra', readOnly: true });
    },
  },
  {
    name: 'bootstrapOverride mounts the ConfigMap and points the agent at it',
    annotations: { 'sidecar.istio.io/bootstrapOverride': 'my-bootstrap' },
    check: (pod) => {
      const proxy = proxyOf(pod);
      expect(envOf(proxy, 'ISTIO_BOOTSTRAP_OVERRIDE')).toBe('/etc/istio/custom-bootstrap/custom_bootstrap.json');
      expect(mountOf(proxy, 'custom-bootstrap-volume')).toMatchObject({ mountPath: '/etc/istio/custom-bootstrap' });
      expect(volumeOf(pod, 'custom-bootstrap-volume')).toEqual({ name: 'custom-bootstrap-volume', configMap: { name: 'my-bootstrap' } });
    },
  },
  {
    name: 'capNetBindService runs the proxy as root with NET_BIND_SERVICE',
    annotations: { 'sidecar.istio.io/capNetBindService': 'true' },
    check: (pod) => {
      expect(proxyOf(pod).securityContext).toMatchObject({
        capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
        runAsUser: 0,
        runAsGroup: 1337,
        runAsNonRoot: false,
      });
    },
  },
  {
    name: 'per-pod resource annotations replace the values resources on both containers',
    annotations: { 'sidecar.istio.io/proxyCPU': '200m', 'sidecar.istio.io/proxyMemoryLimit': '2Gi' },
    check: (pod) => {
      const want = { requests: { cpu: '200m' }, limits: { memory: '2Gi' } };
      expect(proxyOf(pod).resources).toEqual(want);
      expect(initOf(pod)?.resources).toEqual(want);
    },
  },
  {
    name: 'outbound port and interface annotations reach istio-iptables; reroute wins over kubevirt',
    annotations: {
      'traffic.sidecar.istio.io/includeOutboundPorts': '80,443',
      'traffic.sidecar.istio.io/excludeOutboundPorts': '9000',
      'traffic.sidecar.istio.io/excludeInterfaces': 'eth1',
      'traffic.sidecar.istio.io/kubevirtInterfaces': 'net1',
      'istio.io/reroute-virtual-interfaces': 'net2',
      'traffic.sidecar.istio.io/excludeInboundPorts': '7000',
      'status.sidecar.istio.io/port': '15099',
    },
    check: (pod) => {
      const init = initOf(pod);
      expect(argAfter(init, '-q')).toBe('80,443');
      expect(argAfter(init, '-o')).toBe('9000');
      expect(argAfter(init, '-k')).toBe('net2');
      expect(argAfter(init, '-c')).toBe('eth1');
      expect(argAfter(init, '-d')).toBe('15090,15021,7000,15099');
    },
  },
  {
    name: 'CNI: istio-validation and the traffic annotations the plugin reads',
    values: { 'pilot.cni.enabled': true, 'pilot.cni.provider': 'multus' },
    annotations: {
      'traffic.sidecar.istio.io/excludeOutboundPorts': '9000',
      'traffic.sidecar.istio.io/excludeInterfaces': 'eth1',
      'k8s.v1.cni.cncf.io/networks': 'macvlan',
      'istio.io/reroute-virtual-interfaces': 'net2',
    },
    check: (pod) => {
      const init = initOf(pod);
      expect(init?.name).toBe('istio-validation');
      expect(init?.args).toContain('--run-validation');
      expect(init?.securityContext).toMatchObject({ runAsUser: 1337, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
      const a = pod.metadata.annotations;
      expect(a['sidecar.istio.io/interceptionMode']).toBe('REDIRECT');
      expect(a['traffic.sidecar.istio.io/excludeOutboundPorts']).toBe('9000');
      expect(a['traffic.sidecar.istio.io/excludeInterfaces']).toBe('eth1');
      expect(a['traffic.sidecar.istio.io/excludeInboundPorts']).toBe('15020');
      expect(a['traffic.sidecar.istio.io/includeOutboundIPRanges']).toBe('*');
      expect(a['k8s.v1.cni.cncf.io/networks']).toBe('macvlan, default/istio-cni');
      expect(a['istio.io/reroute-virtual-interfaces']).toBe('net2');
      expect(a['traffic.sidecar.istio.io/kubevirtInterfaces']).toBeUndefined();
    },
  },
  {
    name: 'agent flags from values: JSON logs, STS port, outlier log, forced iptables, nftables',
    values: {
      'global.logAsJson': true,
      'global.sts.servicePort': 15463,
      'global.proxy.outlierLogPath': '/dev/stdout',
      'global.proxy_init.forceApplyIptables': true,
      'global.nativeNftables': true,
    },
    check: (pod) => {
      expect(proxyOf(pod).args).toEqual(expect.arrayContaining(['--log_as_json', '--stsPort=15463', '--outlierLogPath=/dev/stdout']));
      expect(initOf(pod)?.args).toEqual(expect.arrayContaining(['--log_as_json', '--force-apply', '--native-nftables']));
    },
  },
  {
    name: 'values lifecycle and seccompProfile are used verbatim',
    values: {
      'global.proxy.lifecycle': { preStop: { exec: { command: ['sleep', '5'] } } },
      'global.proxy.seccompProfile': { type: 'RuntimeDefault' },
    },
    check: (pod) => {
      expect(proxyOf(pod).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
      expect(proxyOf(pod).securityContext).toMatchObject({ seccompProfile: { type: 'RuntimeDefault' } });
      expect(initOf(pod)?.securityContext).toMatchObject({ seccompProfile: { type: 'RuntimeDefault' } });
    },
  },
  {
    name: 'a values revision names the revisioned istiod; an explicit caAddress wins',
    values: { revision: 'canary', 'global.meshID': 'mesh-1' },
    check: (pod) => {
      expect(envOf(proxyOf(pod), 'CA_ADDR')).toBe('istiod-canary.istio-system.svc:15012');
      expect(envOf(proxyOf(pod), 'ISTIO_META_MESH_ID')).toBe('mesh-1');
    },
  },
  {
    name: 'caAddress from values',
    values: { 'global.caAddress': 'ca.example.com:15012' },
    check: (pod) => expect(envOf(proxyOf(pod), 'CA_ADDR')).toBe('ca.example.com:15012'),
  },
  {
    name: 'ClusterTrustBundle API, custom bundle and CRL names',
    values: { 'pilot.env.ENABLE_CLUSTER_TRUST_BUNDLE_API': true, 'global.trustBundleName': 'my-bundle', 'pilot.crlConfigMapName': 'my-crl' },
    check: (pod) => {
      expect(volumeOf(pod, 'istiod-ca-cert')).toEqual({
        name: 'istiod-ca-cert',
        projected: { sources: [{ clusterTrustBundle: { name: 'istio.io:istiod-ca:my-bundle', path: 'root-cert.pem' } }] },
      });
      expect(volumeOf(pod, 'istio-ca-crl')).toEqual({ name: 'istio-ca-crl', configMap: { name: 'my-crl', optional: true } });
    },
  },
  {
    name: 'GKE workload certificates replace the workload-certs emptyDir',
    values: { 'global.caName': 'GkeWorkloadCertificate' },
    check: (pod) => {
      expect(volumeOf(pod, 'gke-workload-certificate')).toEqual({ name: 'gke-workload-certificate', csi: { driver: 'workloadcertificates.security.cloud.google.com' } });
      expect(volumeOf(pod, 'workload-certs')).toBeUndefined();
      expect(mountOf(proxyOf(pod), 'gke-workload-certificate')).toMatchObject({ readOnly: true });
    },
  },
  {
    name: 'a cert provider other than istiod mounts no istiod CA',
    values: { 'global.pilotCertProvider': 'kubernetes' },
    check: (pod) => {
      expect(envOf(proxyOf(pod), 'PILOT_CERT_PROVIDER')).toBe('kubernetes');
      expect(volumeOf(pod, 'istiod-ca-cert')).toBeUndefined();
      expect(mountOf(proxyOf(pod), 'istio-ca-crl')).toBeUndefined();
    },
  },
  {
    name: 'proxyMetadata: HBONE tunnel label, iptables trace logging privileges, env on both containers',
    mesh: { 'defaultConfig.proxyMetadata': { ISTIO_META_ENABLE_HBONE: 'true', IPTABLES_TRACE_LOGGING: 'true', FOO: 'bar' } },
    check: (pod) => {
      expect(pod.metadata.labels['networking.istio.io/tunnel']).toBe('http');
      expect(proxyOf(pod).securityContext).toMatchObject({ privileged: true, runAsUser: 0, capabilities: { add: ['NET_ADMIN'] } });
      expect(envOf(proxyOf(pod), 'FOO')).toBe('bar');
      expect(initOf(pod)?.env?.map((e) => e.name)).toEqual(['FOO', 'IPTABLES_TRACE_LOGGING', 'ISTIO_META_ENABLE_HBONE']);
    },
  },
  {
    name: 'datadog tracer: the apm.datadoghq.com/env annotation becomes proxy env',
    values: { 'global.proxy.tracer': 'datadog' },
    annotations: { 'apm.datadoghq.com/env': '{"DD_ENV":"prod","DD_SERVICE":"web"}' },
    check: (pod) => {
      expect(envOf(proxyOf(pod), 'DD_ENV')).toBe('prod');
      expect(envOf(proxyOf(pod), 'DD_SERVICE')).toBe('web');
    },
  },
  {
    name: 'status port 0: no proxy probes and only Envoy ports excluded',
    annotations: { 'status.sidecar.istio.io/port': '0' },
    check: (pod) => {
      expect(proxyOf(pod).readinessProbe).toBeUndefined();
      expect(proxyOf(pod).startupProbe).toBeUndefined();
      expect(argAfter(initOf(pod), '-d')).toBe('15090,15021');
    },
  },
  {
    name: 'readiness annotations tune the proxy readiness probe',
    annotations: {
      'readiness.status.sidecar.istio.io/initialDelaySeconds': '5',
      'readiness.status.sidecar.istio.io/periodSeconds': '7',
      'readiness.status.sidecar.istio.io/failureThreshold': '9',
    },
    check: (pod) => expect(proxyOf(pod).readinessProbe).toMatchObject({ initialDelaySeconds: 5, periodSeconds: 7, failureThreshold: 9 }),
  },
  {
    name: 'nativeSidecar=false with holdApplicationUntilProxyStarts: ordinary container that holds the app',
    annotations: { 'sidecar.istio.io/nativeSidecar': 'false' },
    values: { 'global.proxy.holdApplicationUntilProxyStarts': true },
    check: (pod) => {
      expect(pod.spec.containers.map((c) => c.name)).toEqual(['istio-proxy', 'web']);
      expect(proxyOf(pod).restartPolicy).toBeUndefined();
      expect(proxyOf(pod).lifecycle).toEqual({ postStart: { exec: { command: ['pilot-agent', 'wait'] } } });
    },
  },
  {
    name: 'interception mode NONE with native sidecars: the proxy is the only init container',
    annotations: { 'sidecar.istio.io/interceptionMode': 'NONE' },
    check: (pod) => {
      expect(pod.spec.initContainers?.map((c) => c.name)).toEqual(['istio-proxy']);
      expect(envOf(proxyOf(pod), 'ISTIO_META_INTERCEPTION_MODE')).toBe('NONE');
    },
  },
  {
    name: 'a full proxyImage reference is used for both containers; privileged from values',
    annotations: { 'sidecar.istio.io/proxyImage': 'registry.example/mesh/proxy:9' },
    values: { 'global.proxy.privileged': true },
    check: (pod) => {
      expect(proxyOf(pod).image).toBe('registry.example/mesh/proxy:9');
      expect(initOf(pod)?.image).toBe('registry.example/mesh/proxy:9');
      expect(proxyOf(pod).securityContext).toMatchObject({ privileged: true, allowPrivilegeEscalation: true });
    },
  },
  {
    name: 'canonical name is cut to 63 characters and trimmed of trailing separators',
    labels: { 'app.kubernetes.io/name': `${'a'.repeat(61)}-_x`, 'app.kubernetes.io/version': 'v2' },
    check: (pod) => {
      expect(pod.metadata.labels['service.istio.io/canonical-name']).toBe('a'.repeat(61));
      expect(pod.metadata.labels['service.istio.io/canonical-revision']).toBe('v2');
    },
  },
  {
    name: 'mTLS cert mount and image pull secrets from values',
    values: { 'global.mountMtlsCerts': true, 'global.imagePullSecrets': ['regcred'] },
    check: (pod) => {
      expect(volumeOf(pod, 'istio-certs')).toEqual({ name: 'istio-certs', secret: { optional: true, secretName: 'istio.web-sa' } });
      expect(pod.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    },
  },
  {
    name: 'proxyMetadata values with quotes and backslashes reach the proxy unchanged',
    mesh: { 'defaultConfig.proxyMetadata': { QUOTED: 'say "hi"', PATH_LIKE: 'C:\\tmp\\x' } },
    differsFromIstio: 'Istio writes the value raw into a double-quoted YAML string',
    check: (pod) => {
      expect(envOf(proxyOf(pod), 'QUOTED')).toBe('say "hi"');
      expect(envOf(proxyOf(pod), 'PATH_LIKE')).toBe('C:\\tmp\\x');
    },
  },
  {
    name: 'gateway template: router args, unprivileged low ports, values readiness',
    annotations: { 'inject.istio.io/templates': 'gateway' },
    check: (pod) => {
      expect(pod.spec.securityContext).toEqual({ sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] });
      expect(pod.spec.initContainers).toBeUndefined();
      expect(proxyOf(pod).args?.slice(0, 2)).toEqual(['proxy', 'router']);
      expect(volumeOf(pod, 'istio-ca-crl')).toBeUndefined();
    },
  },
  {
    name: 'gateway template: values securityContext replaces the sysctl default',
    annotations: { 'inject.istio.io/templates': 'gateway' },
    values: { 'gateways.securityContext': { runAsNonRoot: true } },
    check: (pod) => expect(pod.spec.securityContext).toEqual({ runAsNonRoot: true }),
  },
  {
    name: 'grpc-agent template: agent without Envoy, app containers wired to its socket',
    annotations: { 'inject.istio.io/templates': 'grpc-agent' },
    check: (pod) => {
      expect(envOf(proxyOf(pod), 'DISABLE_ENVOY')).toBe('true');
      const web = pod.spec.containers.find((c) => c.name === 'web');
      expect(envOf(web!, 'GRPC_XDS_BOOTSTRAP')).toBe('/etc/istio/proxy/grpc-bootstrap.json');
      expect(pod.metadata.annotations['sidecar.istio.io/rewriteAppHTTPProbers']).toBe('false');
    },
  },
];

describe('our templates/config and templates/values', () => {
  it('hold the ConfigMap keys Istio reads, with real release images', () => {
    const config = parseYaml(OWN_CONFIG) as Obj;
    expect(config.policy).toBe('enabled');
    expect(config.defaultTemplates).toEqual(['sidecar']);
    expect(config.alwaysInjectSelector).toEqual([]);
    expect(config.neverInjectSelector).toEqual([]);
    expect(config.injectedAnnotations).toEqual({});
    expect(Object.keys(config.templates as Obj).sort()).toEqual(['gateway', 'grpc-agent', 'grpc-simple', 'sidecar']);
    const values = JSON.parse(OWN_VALUES) as { global: { hub: string; tag: string } };
    expect(values.global.hub).toBe('docker.io/istio');
    expect(values.global.tag).toMatch(/^1\.\d+\.\d+$/);
  });

  for (const s of SCENARIOS) {
    it(s.name, () => s.check(inject(s, ownTriple(s)).pod));
  }
});

const corpus = conformanceAvailable();
if (!corpus) announceSkip("template behaviour compared with Istio's templates");

describe.skipIf(!corpus)("our templates inject exactly what Istio's templates inject", () => {
  it('templates/values has the same keys as the corpus default values', async () => {
    const { INJECT_DIR } = await import('../conformance/inject-cases.js');
    const keys = (v: unknown, prefix = ''): string[] =>
      isObj(v) ? Object.entries(v).flatMap(([k, x]) => [`${prefix}${k}`, ...keys(x, `${prefix}${k}.`)]) : [];
    const theirs = JSON.parse(readFileSync(resolve(INJECT_DIR, 'settings/default/values.json'), 'utf8')) as unknown;
    expect(keys(JSON.parse(OWN_VALUES))).toEqual(keys(theirs));
  });

  for (const s of SCENARIOS.filter((x) => x.differsFromIstio === undefined)) {
    it(s.name, async () => {
      const { caseSettings } = await import('../conformance/inject-cases.js');
      const istio = caseSettings({ name: s.name, input: '', kubeInject: true, webhook: false, values: s.values, mesh: s.mesh });
      const theirs = inject(s, { config: istio.config, values: istio.values, mesh: istio.mesh });
      const ours = inject(s, { config: OWN_CONFIG, values: istio.values, mesh: istio.mesh });
      expect(ours.text).toBe(theirs.text);
    });
  }

  for (const s of SCENARIOS.filter((x) => x.differsFromIstio !== undefined)) {
    it(`${s.name} (deliberately unlike Istio: ${s.differsFromIstio})`, async () => {
      const { caseSettings } = await import('../conformance/inject-cases.js');
      const istio = caseSettings({ name: s.name, input: '', kubeInject: true, webhook: false, values: s.values, mesh: s.mesh });
      const ours = inject(s, { config: OWN_CONFIG, values: istio.values, mesh: istio.mesh });
      let theirs: string | undefined;
      try {
        theirs = inject(s, { config: istio.config, values: istio.values, mesh: istio.mesh }).text;
      } catch {
        theirs = undefined;
      }
      expect(ours.text).not.toBe(theirs);
      s.check(ours.pod);
    });
  }
});
