import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI_JS, paths, readState, startApiserver, stopComponent } from '../cluster/control-plane.js';
import { fakeNode } from '../cluster/deploy.js';
import { apply, createNamespace, deleteNamespace, describeE2e, eventually, getJson, kubectl, kubectlRun, uniqueName, type PodLike } from './kube.js';

/**
 * Scenario 7: `stale-pods --from-cluster`, and the server's ConfigMap, Node and ProxyConfig watches against the
 * real API server, including the watches the server closes when kube-apiserver is restarted.
 */

const CM = ['configmap', 'mesh-admission-inject', '-n', 'mesh-admission'];
const HASH = 'mesh-admission.io/template-hash';
let ns = '';
let original: { config: string; values: string } | undefined;
let n = 0;

function createPod(): PodLike {
  n++;
  return JSON.parse(
    kubectl(
      ['create', '-o', 'json', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `w${n}`, namespace: ns }, spec: { containers: [{ name: 'app', image: 'busybox' }] } }),
    ),
  ) as PodLike;
}

const proxy = (p: PodLike) => [...(p.spec.initContainers ?? []), ...p.spec.containers].find((c) => c.name === 'istio-proxy');
const isNative = (p: PodLike) => (p.spec.initContainers ?? []).some((c) => c.name === 'istio-proxy');

function setHub(hub: string): void {
  const values = JSON.parse(original!.values) as { global: { hub: string } };
  values.global.hub = hub;
  kubectl(['patch', ...CM, '--type=merge', '-p', JSON.stringify({ data: { values: JSON.stringify(values) } })]);
}

function stalePods(currentHash: string): { podsChecked: number; stale: Array<{ name: string; hash: string | null }> } {
  const r = spawnSync(
    process.execPath,
    [CLI_JS, 'stale-pods', '--from-cluster', '-n', ns, '--kubeconfig', paths().kubeconfig, '--current-hash', currentHash, '--output', 'json'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`stale-pods exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as ReturnType<typeof stalePods>;
}

const oldNode = fakeNode('e2e-old-node', 'v1.31.4');

describeE2e('e2e 7: stale-pods --from-cluster and the watches against the real server', () => {
  beforeAll(async () => {
    ns = uniqueName('watch');
    await createNamespace(ns, { 'istio-injection': 'enabled' });
    original = getJson<{ data: { config: string; values: string } }>(['get', ...CM]).data;
  });
  afterAll(() => {
    if (original) kubectl(['patch', ...CM, '--type=merge', '-p', JSON.stringify({ data: original })]);
    kubectlRun(['delete', 'node', 'e2e-old-node', '--ignore-not-found']);
    deleteNamespace(ns);
  });

  it('stale-pods --from-cluster lists the pods injected before a template edit', async () => {
    const before = createPod();
    setHub('registry.stale.example/istio');
    const after = await eventually('a pod with the edited template', () => {
      const p = createPod();
      return proxy(p)?.image?.startsWith('registry.stale.example/') ? p : undefined;
    });
    const current = after.metadata.annotations![HASH]!;
    expect(current).not.toBe(before.metadata.annotations![HASH]);
    const report = stalePods(current);
    expect(report.stale.map((s) => s.name)).toContain(before.metadata.name);
    expect(report.stale.map((s) => s.name)).not.toContain(after.metadata.name);
    expect(report.podsChecked).toBeGreaterThanOrEqual(2);
  });

  it('after kube-apiserver restarts, the ConfigMap, Node and ProxyConfig watches still see changes', async () => {
    const p = paths();
    const s = readState(p)!;
    await stopComponent(p, s, 'kube-apiserver');
    await startApiserver(p, s);

    // ConfigMap watch: an edit made after the restart reaches new pods.
    setHub('registry.restarted.example/istio');
    await eventually('the post-restart ConfigMap edit', () => (proxy(createPod())?.image?.startsWith('registry.restarted.example/') ? true : undefined));

    // Node watch: a node with a kubelet older than 1.33 turns native sidecars off, as in Istio.
    expect(isNative(createPod())).toBe(true);
    expect(apply(oldNode).ok).toBe(true);
    await eventually('classic sidecars once an old kubelet joins', () => (isNative(createPod()) ? undefined : true));
    kubectl(['delete', 'node', 'e2e-old-node']);
    await eventually('native sidecars once it leaves', () => (isNative(createPod()) ? true : undefined));

    // ProxyConfig watch: a namespace ProxyConfig's environmentVariables reach the proxy container.
    const pc = { apiVersion: 'networking.istio.io/v1beta1', kind: 'ProxyConfig', metadata: { name: 'pc', namespace: ns }, spec: { environmentVariables: { E2E_FROM_PROXYCONFIG: 'yes' } } };
    const r = apply(pc);
    expect(r.ok, r.stderr).toBe(true);
    const env = await eventually('the ProxyConfig env on istio-proxy', () => {
      const e = (proxy(createPod()) as { env?: Array<{ name: string; value?: string }> } | undefined)?.env ?? [];
      return e.some((v) => v.name === 'E2E_FROM_PROXYCONFIG' && v.value === 'yes') ? e : undefined;
    });
    expect(env.length).toBeGreaterThan(1);
  });
});
