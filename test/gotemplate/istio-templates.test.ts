import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createFuncMap } from '../../src/gotemplate/funcs.js';
import { parseTemplate, type CompiledTemplate } from '../../src/gotemplate/template.js';
import { CONFORMANCE_DIR, announceSkip, conformanceAvailable } from '../conformance/corpus.js';
import { loadValues, sidecarTemplateData, type PodShape } from './istio-data.js';

const available = conformanceAvailable();
if (!available) announceSkip('gotemplate: Istio injection templates');

const TEMPLATE_DIR = join(CONFORMANCE_DIR, 'istio-inject/templates');

interface Container {
  name: string;
  args?: string[];
  env?: Array<{ name: string; value?: string }>;
  image?: string;
  restartPolicy?: string;
  lifecycle?: unknown;
}
interface PartialPod {
  metadata: { labels: Record<string, string>; annotations: Record<string, string> };
  spec: { initContainers: Container[]; containers?: Container[]; volumes: Array<{ name: string }> };
}

describe.skipIf(!available)('Istio injection templates', () => {
  const funcs = createFuncMap();
  let sidecar: CompiledTemplate;

  it('parses every shipped template', () => {
    const files = readdirSync(TEMPLATE_DIR).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const t = parseTemplate(readFileSync(join(TEMPLATE_DIR, f), 'utf8'), { name: 'inject', funcs });
      expect(t.templateNames).toContain('inject');
    }
    sidecar = parseTemplate(readFileSync(join(TEMPLATE_DIR, 'injection-template.yaml'), 'utf8'), { name: 'inject', funcs });
    expect(sidecar.templateNames).toContain('resources');
  });

  const render = (pod: PodShape = {}): PartialPod => {
    const out = sidecar.execute(sidecarTemplateData(loadValues(CONFORMANCE_DIR), pod));
    return parseYaml(out) as PartialPod;
  };

  it('renders the sidecar template with default values into a valid partial Pod', () => {
    const pod = render();
    expect(pod.metadata.labels).toEqual({
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name': 'hello',
      'service.istio.io/canonical-revision': 'v1',
    });
    expect(pod.metadata.annotations['kubectl.kubernetes.io/default-container']).toBe('hello');
    expect(pod.metadata.annotations['istio.io/rev']).toBe('default');
    const init = pod.spec.initContainers[0]!;
    expect(init.name).toBe('istio-init');
    expect(init.args).toEqual([
      'istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d',
      '15090,15021,15020', '--log_output_level=default:info',
    ]);
    const proxy = pod.spec.containers!.find((c) => c.name === 'istio-proxy')!;
    expect(proxy.image).toBe('registry.istio.io/testing/proxyv2:latest');
    const env = Object.fromEntries(proxy.env!.map((e) => [e.name, e.value]));
    expect(env['ISTIO_META_APP_CONTAINERS']).toBe('hello,sidecar-helper');
    expect(env['ISTIO_META_OWNER']).toBe('kubernetes://apis/apps/v1/namespaces/default/deployments/hello');
    expect(env['ISTIO_META_CLUSTER_ID']).toBe('Kubernetes');
    expect(env['ISTIO_META_INTERCEPTION_MODE']).toBe('REDIRECT');
    expect(JSON.parse(env['ISTIO_META_POD_PORTS']!)).toEqual([
      { name: 'http', containerPort: 80, protocol: 'TCP' },
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
    ]);
    expect(pod.spec.volumes.map((v) => v.name)).toContain('istio-envoy');
  });

  it('honours annotations, proxy metadata and native sidecars', () => {
    const pod = render({
      annotations: {
        'sidecar.istio.io/proxyCPU': '300m',
        'traffic.sidecar.istio.io/excludeInboundPorts': '9000',
        'sidecar.istio.io/userVolume': '{"extra":{"emptyDir":{}}}',
      },
      proxyMetadata: { ISTIO_META_ENABLE_HBONE: 'true' },
      nativeSidecars: true,
    });
    expect(pod.metadata.labels['networking.istio.io/tunnel']).toBe('http');
    const proxy = pod.spec.initContainers.find((c) => c.name === 'istio-proxy')!;
    expect(proxy.restartPolicy).toBe('Always');
    const init = pod.spec.initContainers.find((c) => c.name === 'istio-init')!;
    expect(init.args).toContain('15090,15021,9000,15020');
    expect((proxy as unknown as { resources: unknown }).resources).toEqual({ requests: { cpu: '300m' } });
    expect(pod.spec.volumes.map((v) => v.name)).toContain('extra');
    expect(proxy.env!.find((e) => e.name === 'ISTIO_META_ENABLE_HBONE')?.value).toBe('true');
  });

  it('runs every branch we can reach through annotations and values without an execution error', () => {
    const base = loadValues(CONFORMANCE_DIR) as { global: Record<string, unknown> & { proxy: Record<string, unknown> }; pilot: Record<string, unknown> };
    const values = structuredClone(base);
    values.global.proxy.tracer = 'datadog';
    values.global.proxy.lifecycle = { preStop: { exec: { command: ['sleep', '5'] } } };
    values.global.proxy.seccompProfile = { type: 'RuntimeDefault' };
    values.global.proxy.startupProbe = { enabled: false, failureThreshold: 600 };
    values.global.proxy.includeOutboundPorts = '443';
    values.global.proxy.excludeOutboundPorts = '9999';
    values.global.imagePullSecrets = ['regcred'];
    values.global.imagePullPolicy = 'Always';
    values.global.mountMtlsCerts = true;
    values.global.logAsJson = true;
    values.global.meshID = 'mesh1';
    values.global.network = 'net1';
    values.global.caName = 'GkeWorkloadCertificate';
    values.global.proxy_init = { image: 'proxyv2', forceApplyIptables: true };
    values.pilot = { cni: { enabled: true, provider: 'multus' }, env: { ENABLE_CLUSTER_TRUST_BUNDLE_API: true } };
    const out = sidecar.execute(
      sidecarTemplateData(values, {
        annotations: {
          'sidecar.istio.io/interceptionMode': 'TPROXY',
          'sidecar.istio.io/userVolumeMount': '{"extra":{"mountPath":"/x","readOnly":true}}',
          'sidecar.istio.io/bootstrapOverride': 'custom-bootstrap',
          'traffic.sidecar.istio.io/excludeInterfaces': 'eth1',
          'traffic.sidecar.istio.io/kubevirtInterfaces': 'net1',
          'sidecar.istio.io/proxyImage': 'example.com/proxy:v1',
          'apm.datadoghq.com/env': '{"DD_ENV":"prod","DD_SERVICE":"svc"}',
          'k8s.v1.cni.cncf.io/networks': '[{"name": "other"}]',
          'status.sidecar.istio.io/port': '0',
          'sidecar.istio.io/proxyCPULimit': '2',
        },
        proxyMetadata: { IPTABLES_TRACE_LOGGING: 'true' },
      }),
    );
    const pod = parseYaml(out) as PartialPod;
    expect(pod.metadata.annotations['k8s.v1.cni.cncf.io/networks']).toBe('[{"name": "other"}, {"name": "istio-cni", "namespace": "default"}]');
    const proxy = pod.spec.containers!.find((c) => c.name === 'istio-proxy')!;
    expect(proxy.image).toBe('example.com/proxy:v1');
    expect(proxy.env!.find((e) => e.name === 'DD_ENV')?.value).toBe('prod');
    expect(proxy.args).toContain('--log_as_json');
    expect(pod.spec.initContainers[0]!.name).toBe('istio-validation');
    expect((proxy as unknown as { lifecycle: unknown }).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
  });

  it('renders the gateway and gRPC templates', () => {
    for (const f of ['gateway-injection-template.yaml', 'grpc-agent.yaml', 'grpc-simple.yaml']) {
      const t = parseTemplate(readFileSync(join(TEMPLATE_DIR, f), 'utf8'), { name: 'inject', funcs });
      const out = parseYaml(t.execute(sidecarTemplateData(loadValues(CONFORMANCE_DIR)))) as PartialPod;
      expect(out.spec).toBeTypeOf('object');
    }
  });
});
