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

  it('renders the gateway and gRPC templates', () => {
    for (const f of ['gateway-injection-template.yaml', 'grpc-agent.yaml', 'grpc-simple.yaml']) {
      const t = parseTemplate(readFileSync(join(TEMPLATE_DIR, f), 'utf8'), { name: 'inject', funcs });
      const out = parseYaml(t.execute(sidecarTemplateData(loadValues(CONFORMANCE_DIR)))) as PartialPod;
      expect(out.spec).toBeTypeOf('object');
    }
  });
});
