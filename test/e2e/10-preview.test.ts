import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI_JS, paths } from '../cluster/control-plane.js';
import { TEMPLATE_HASH_ANNOTATION } from '../../src/config/types.js';
import { compileInjectionSettings } from '../../src/inject/engine.js';
import { outcomeOf, podFromTemplate } from '../../src/cli/preview.js';
import type { JsonObject } from '../../src/k8s/json.js';
import { testTempDir } from '../tmp.js';
import { apply, createNamespace, deleteNamespace, describeE2e, eventually, getJson, kubectl, uniqueName, type PodLike } from './kube.js';

/**
 * Scenario 10: `preview` against the real API server. A Deployment and a bare pod are injected by the running
 * webhook; previewing the cluster's own configuration reports both unchanged, a proposal that changes a proxy
 * resource or adds a proxy env var reports them changed, naming the change (and a ProxyConfig resource applies to
 * both sides with --watch-proxyconfigs), and an invalid proposal is refused.
 * Nothing in the cluster is written by preview.
 */

const INJECT_CM = ['configmap', 'mesh-admission-inject', '-n', 'mesh-admission'];
const MESH_CM = ['configmap', 'mesh-admission-mesh', '-n', 'mesh-admission'];
let ns = '';
let current: { config: string; values: string } = { config: '', values: '' };
let mesh = '';

function preview(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(
    process.execPath,
    [
      CLI_JS,
      'preview',
      ...args,
      '-n',
      ns,
      '--kubeconfig',
      paths().kubeconfig,
      '-i',
      'mesh-admission',
      '--injectConfigMapName',
      'mesh-admission-inject',
      '--meshConfigMapName',
      'mesh-admission-mesh',
    ],
    { encoding: 'utf8' },
  );
}

/** A directory laid out like the mounted injector ConfigMap. */
function configDir(files: Record<string, string>): string {
  const dir = testTempDir('preview-');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function withProxyCpuLimit(cpu: string): string {
  const values = JSON.parse(current.values) as { global: { proxy: { resources: { limits: Record<string, string> } } } };
  values.global.proxy.resources.limits.cpu = cpu;
  return JSON.stringify(values);
}

const injected = (p: PodLike | undefined): PodLike | undefined => (p?.metadata.annotations?.['sidecar.istio.io/status'] ? p : undefined);

describeE2e('e2e 10: preview a configuration change on the running pods', () => {
  beforeAll(async () => {
    ns = uniqueName('preview');
    await createNamespace(ns, { 'istio-injection': 'enabled' });
    current = getJson<{ data: { config: string; values: string } }>(['get', ...INJECT_CM]).data;
    mesh = getJson<{ data: { mesh: string } }>(['get', ...MESH_CM]).data.mesh;
    const r = apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      },
    });
    expect(r.stderr).toBe('');
    kubectl(['run', 'solo', '-n', ns, '--image=busybox']);
    await eventually('two injected pods of Deployment web and the injected pod solo', () => {
      const pods = getJson<{ items: PodLike[] }>(['get', 'pods', '-n', ns]).items;
      const web = pods.filter((p) => p.metadata.labels?.app === 'web' && injected(p));
      return web.length === 2 && injected(pods.find((p) => p.metadata.name === 'solo')) ? true : undefined;
    });
  });
  afterAll(() => deleteNamespace(ns));

  it("the pod rebuilt from its ReplicaSet's template and injected with the current configuration is the stored pod, as far as injection goes", () => {
    const stored = getJson<{ items: JsonObject[] }>(['get', 'pods', '-n', ns, '-l', 'app=web']).items[0]!;
    const owner = (stored.metadata as { ownerReferences: Array<{ name: string }> }).ownerReferences[0]!;
    const rs = getJson<{ spec: { template: JsonObject } }>(['get', 'replicaset', owner.name, '-n', ns]);
    const settings = compileInjectionSettings({ ...current, mesh }, { revision: 'default', nativeSidecars: true });
    const o = outcomeOf(settings, podFromTemplate(stored, rs.spec.template), true);
    expect(o.kind).toBe('injected');
    // What injection decides; the API server's later defaults (imagePullPolicy, ...) and the token volume are not.
    type C = { name: string; image?: string; args?: string[]; env?: Array<{ name: string; value?: string }>; resources?: unknown };
    type P = { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: { initContainers?: C[]; containers: C[]; volumes?: Array<{ name: string }> } };
    const view = (p: P) => ({
      labels: p.metadata.labels,
      annotations: Object.fromEntries(Object.entries(p.metadata.annotations ?? {}).filter(([k]) => k !== TEMPLATE_HASH_ANNOTATION)),
      containers: [...(p.spec.initContainers ?? []), ...p.spec.containers].map((c) => ({
        name: c.name,
        image: c.image,
        args: c.args,
        env: (c.env ?? []).map((e) => [e.name, e.value]),
        resources: c.resources,
      })),
      volumes: (p.spec.volumes ?? []).map((v) => v.name).filter((n) => !n.startsWith('kube-api-access-')),
    });
    expect(view((o as { pod: unknown }).pod as P)).toEqual(view(stored as unknown as P));
  });

  it("the cluster's own configuration as the proposal: every workload unchanged, exit 0 even with --exit-code", () => {
    const r = preview('--config', configDir({ config: current.config, values: current.values }), '--exit-code');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      [
        `Deployment ${ns}/web: unchanged`,
        `Pod ${ns}/solo: unchanged [approximate: bare pod: rebuilt from its injected form]`,
        `2 injected workloads in namespace ${ns}: 0 changed, 2 unchanged`,
        '',
      ].join('\n'),
    );
  });

  it('a proxy CPU limit change: both workloads changed with the change named, the pod YAML diff under -v, exit 1 with --exit-code', () => {
    const dir = configDir({ config: current.config, values: withProxyCpuLimit('1500m'), mesh });
    const r = preview('--config', dir, '-v');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    const web = lines.find((l) => l.startsWith(`Deployment ${ns}/web: `));
    expect(web).toMatch(/: \d+ changes? \(.*istio-proxy resources\.limits\.cpu 2 → 1500m/);
    expect(lines.find((l) => l.startsWith(`Pod ${ns}/solo: `))).toContain('istio-proxy resources.limits.cpu 2 → 1500m');
    expect(r.stdout).toContain(`--- current/Deployment/${ns}/web\n+++ proposed/Deployment/${ns}/web\n`);
    expect(r.stdout).toMatch(/^-\s+cpu: "2"$/m);
    expect(r.stdout).toMatch(/^\+\s+cpu: 1500m$/m);
    expect(lines).toContain(`2 injected workloads in namespace ${ns}: 2 changed, 0 unchanged`);
    expect(preview('--config', dir, '--exit-code').status).toBe(1);
  });

  it('a proposal in a ConfigMap that adds a proxy env var through the mesh config names it; the live configuration is untouched', () => {
    const before = getJson<{ metadata: { resourceVersion: string } }>(['get', ...INJECT_CM]).metadata.resourceVersion;
    const proposedMesh = /^defaultConfig:\n/m.test(mesh)
      ? mesh.replace(/^defaultConfig:\n/m, 'defaultConfig:\n  proxyMetadata:\n    ISTIO_META_PREVIEW: "yes"\n')
      : `${mesh.trimEnd()}\ndefaultConfig:\n  proxyMetadata:\n    ISTIO_META_PREVIEW: "yes"\n`;
    kubectl(['create', 'configmap', 'proposal', '-n', ns, `--from-literal=config=${current.config}`, `--from-literal=values=${current.values}`, `--from-literal=mesh=${proposedMesh}`]);
    const r = preview('--configmap', `${ns}/proposal`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').find((l) => l.startsWith(`Deployment ${ns}/web: `))).toContain('istio-proxy env ISTIO_META_PREVIEW added');
    expect(getJson<{ metadata: { resourceVersion: string } }>(['get', ...INJECT_CM]).metadata.resourceVersion).toBe(before);
    const pods = getJson<{ items: PodLike[] }>(['get', 'pods', '-n', ns, '-l', 'app=web']).items;
    expect(pods.every((p) => JSON.stringify(p).includes('ISTIO_META_PREVIEW') === false)).toBe(true);
  });

  it('--watch-proxyconfigs applies the cluster\'s ProxyConfig to both sides: one setting the same env var hides the proposal\'s', () => {
    const pc = apply({
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'ProxyConfig',
      metadata: { name: 'preview-env', namespace: ns },
      spec: { environmentVariables: { ISTIO_META_PREVIEW: 'from-proxyconfig' } },
    });
    expect(pc.ok).toBe(true);
    const without = preview('--configmap', `${ns}/proposal`);
    expect(without.stdout.split('\n').find((l) => l.startsWith(`Deployment ${ns}/web: `))).toContain('istio-proxy env ISTIO_META_PREVIEW added');
    const r = preview('--configmap', `${ns}/proposal`, '--watch-proxyconfigs');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Deployment ${ns}/web: unchanged\n`);
  });

  it('an invalid proposal is refused by the server loader with exit 2, naming where it came from', () => {
    const dir = configDir({ config: current.config, values: '{"global": ' });
    const r = preview('--config', dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`invalid proposed configuration (--config ${dir}): invalid injection values`);
    const missing = preview('--configmap', `${ns}/no-such-proposal`);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`get configmap ${ns}/no-such-proposal failed`);
  });
});
