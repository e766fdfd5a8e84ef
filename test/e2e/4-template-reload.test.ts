import { afterAll, beforeAll, expect, it } from 'vitest';
import { createNamespace, deleteNamespace, describeE2e, eventually, getJson, kubectl, kubectlRun, uniqueName, type PodLike } from './kube.js';

/**
 * Scenario 4: the injection configuration is edited with kubectl and the running server picks it up through
 * its watch; a broken edit keeps the last good configuration and says why in an Event on the ConfigMap.
 */

const CM = ['configmap', 'mesh-admission-inject', '-n', 'mesh-admission'];
let ns = '';
let original: { config: string; values: string } | undefined;

function setData(data: Record<string, string>): void {
  kubectl(['patch', ...CM, '--type=merge', '-p', JSON.stringify({ data })]);
}

let podCount = 0;
/** A fresh pod through the API server (dry-run: the webhook runs, nothing is stored). */
function injectedPod(): PodLike {
  podCount++;
  const out = kubectl(
    ['create', '--dry-run=server', '-o', 'json', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${podCount}`, namespace: ns }, spec: { containers: [{ name: 'app', image: 'busybox' }] } }),
  );
  return JSON.parse(out) as PodLike;
}

const proxyImage = (p: PodLike) => [...(p.spec.initContainers ?? []), ...p.spec.containers].find((c) => c.name === 'istio-proxy')?.image;

describeE2e('e2e 4: live template reload through the API', () => {
  beforeAll(async () => {
    ns = uniqueName('reload');
    await createNamespace(ns, { 'istio-injection': 'enabled' });
    original = getJson<{ data: { config: string; values: string } }>(['get', ...CM]).data;
  });
  afterAll(() => {
    if (original) setData(original);
    deleteNamespace(ns);
  });

  it('new pods get an edited template within seconds; an invalid edit keeps the last good one with a ConfigurationRejected Event', async () => {
    const before = proxyImage(injectedPod());
    expect(before).toMatch(/proxyv2/);
    const values = JSON.parse(original!.values) as { global: { hub: string } };
    const oldHub = values.global.hub;
    values.global.hub = 'registry.e2e.example/istio';
    setData({ values: JSON.stringify(values, null, 2) });
    const edited = await eventually('the edited hub in a new pod', () => {
      const img = proxyImage(injectedPod());
      return img?.startsWith('registry.e2e.example/istio/') ? img : undefined;
    }, 30_000);
    expect(edited).toBe(before!.replace(oldHub, 'registry.e2e.example/istio'));

    // Broken: the `config` key is not YAML. The server must keep serving the edited (last good) template.
    setData({ config: 'policy: enabled\ntemplates: [unclosed' });
    const described = await eventually('a ConfigurationRejected event', () => {
      const text = kubectl(['describe', ...CM]);
      return text.includes('ConfigurationRejected') ? text : undefined;
    }, 30_000);
    expect(described).toMatch(/ConfigurationRejected\s+.*kept configuration/);
    expect(proxyImage(injectedPod())).toBe(edited);

    setData(original!);
    await eventually('the original template again', () => (proxyImage(injectedPod()) === before ? true : undefined), 30_000);
  });

  it('the ConfigurationActivated Event is visible too', () => {
    const events = kubectlRun(['get', 'events', '-n', 'mesh-admission', '--field-selector', 'involvedObject.name=mesh-admission-inject', '-o', 'json']);
    const reasons = (JSON.parse(events.stdout) as { items: Array<{ reason: string }> }).items.map((e) => e.reason);
    expect(reasons).toContain('ConfigurationActivated');
    expect(reasons).toContain('ConfigurationRejected');
  });
});
