import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { parseYamlDocuments } from '../../src/k8s/yaml-parse.js';
import { CONFIGMAPS, MWC } from '../kube/fake-apiserver.js';
import { useFakeCluster } from './cluster.js';
import { testTempDir } from '../tmp.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DEPLOYMENT = (annotations = '{}') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    metadata: {labels: {app: web}, annotations: ${annotations}}\n    spec: {containers: [{name: web, image: nginx}]}\n`;

async function explain(argv: string[], stdin = '') {
  let out = '';
  let err = '';
  const code = await runCli(['explain', ...argv], {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    readFile: (p) => readFileSync(p, 'utf8'),
    readStdin: async () => stdin,
  });
  return { code, out, err };
}

describe('explain (offline)', () => {
  it('for a pod nobody selects, names each entry\'s failing selector, the label that selects it and what the entry calls', async () => {
    const r = await explain(['-f', '-'], DEPLOYMENT());
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      'namespace.sidecar-injector.istio.io (calls service mesh-admission/mesh-admission:443/inject): namespaceSelector needs istio-injection In (enabled); to select it: kubectl label namespace shop istio-injection=enabled',
    );
    expect(r.out).toContain('objectSelector needs sidecar.istio.io/inject In (true); to select it: label the pod (template): sidecar.istio.io/inject=true');
  });
  it('a label that is present with the wrong value is overwritten; a DoesNotExist requirement says to remove it', async () => {
    const r = await explain(['-f', '-', '-l', 'istio-injection=disabled'], DEPLOYMENT());
    expect(r.out).toContain('kubectl label namespace shop istio-injection=enabled --overwrite');
    const mwc = join(testTempDir('explain-mwc-'), 'mwc.yaml');
    writeFileSync(
      mwc,
      'apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata: {name: x}\nwebhooks:\n' +
        '- name: only.example.dev\n  clientConfig: {url: "https://injector.example.dev/inject"}\n' +
        '  namespaceSelector: {matchExpressions: [{key: legacy, operator: DoesNotExist}]}\n',
    );
    const r2 = await explain(['-f', '-', '-l', 'legacy=yes', '--webhook-config', mwc], DEPLOYMENT());
    expect(r2.out).toContain(
      'only.example.dev (calls url https://injector.example.dev/inject): namespaceSelector needs legacy DoesNotExist; to select it: kubectl label namespace shop legacy- (it is "yes")',
    );
  });
  it('does not list the pod\'s own container as added', async () => {
    const r = await explain(['-f', '-', '-l', 'istio-injection=enabled'], DEPLOYMENT());
    expect(r.code).toBe(0);
    expect(r.out).toContain('initContainers istio-init, istio-proxy');
    expect(r.out).not.toMatch(/containers .*\bweb\b/);
  });
  it('exits 1 when the injector would deny the pod', async () => {
    const r = await explain(['-f', '-', '-l', 'istio-injection=enabled'], DEPLOYMENT('{inject.istio.io/templates: nope}'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('denied:');
  });
  it.each([
    [['POD'], /a POD name needs --from-cluster/],
    [[], /-f\/--filename is required/],
    [['--from-cluster'], /either a POD name or -f FILE/],
    [['--from-cluster', 'p', '-l', 'a=b'], /--namespace-labels comes from the cluster/],
  ])('usage error %j exits 2', async (argv, message) => {
    const r = await explain(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
  it('an unreadable --webhook-config names the flag and the file', async () => {
    const r = await explain(['-f', '-', '--webhook-config', '/nonexistent/mwc.yaml'], DEPLOYMENT());
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot read --webhook-config /nonexistent/mwc.yaml');
  });
});

describe('explain --from-cluster', () => {
  const cluster = useFakeCluster((f) => {
    const mwc = parseYamlDocuments(readFileSync(join(ROOT, 'manifests/mutatingwebhook.yaml'), 'utf8'))[0] as Record<string, unknown>;
    f.put(MWC, mwc as never);
    f.put(CONFIGMAPS('istio-system'), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' },
      data: { config: readFileSync(join(ROOT, 'templates/config'), 'utf8'), values: readFileSync(join(ROOT, 'templates/values'), 'utf8') },
    } as never);
    f.put(CONFIGMAPS('istio-system'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'defaultConfig: {}\n' } } as never);
    f.put('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } } as never);
    f.put('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'plain', labels: {} } } as never);
  });

  it('-f FILE: the namespace labels, webhook configurations and injector ConfigMaps come from the cluster', async () => {
    const r = await explain(['--from-cluster', '--kubeconfig', cluster.kubeconfig(), '-f', '-'], DEPLOYMENT());
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('webhook:  namespace.sidecar-injector.istio.io (calls service mesh-admission/mesh-admission:443/inject)');
    expect(r.out).toContain('decision: inject');
  });
  it('POD: reads the pod itself; a namespace without the label is not selected, with the fix', async () => {
    cluster.fake().put('/api/v1/namespaces/plain/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo', namespace: 'plain', labels: { app: 'solo' } }, spec: { containers: [{ name: 'solo', image: 'nginx' }] } } as never);
    const r = await explain(['--from-cluster', '--kubeconfig', cluster.kubeconfig(), '-n', 'plain', 'solo']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Pod plain/solo:');
    expect(r.out).toContain('kubectl label namespace plain istio-injection=enabled');
  });
  it('a missing pod or ConfigMap is one line naming it (exit 2)', async () => {
    const pod = await explain(['--from-cluster', '--kubeconfig', cluster.kubeconfig(), '-n', 'plain', 'ghost']);
    expect(pod.code).toBe(2);
    expect(pod.err).toMatch(/get pod plain\/ghost failed/);
    const cm = await explain(['--from-cluster', '--kubeconfig', cluster.kubeconfig(), '-r', 'canary', '-f', '-'], DEPLOYMENT());
    expect(cm.code).toBe(2);
    expect(cm.err).toMatch(/get configmap istio-system\/istio-sidecar-injector-canary failed/);
  });
});
