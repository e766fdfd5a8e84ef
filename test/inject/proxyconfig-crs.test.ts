import { describe, expect, it } from 'vitest';
import { effectiveProxyConfig, fromCustomResource, sortResources } from '../../src/inject/proxyconfig-crs.js';
import { applyMeshConfig } from '../../src/inject/settings/mesh.js';
import { FakeApiServer } from '../kube/fake-apiserver.js';
import { until, useFakeApiServer } from '../kube/harness.js';
import { startProxyConfigCache, type ProxyConfigCache } from '../../src/kube/proxyconfig-cache.js';

const mesh = applyMeshConfig('rootNamespace: istio-system\ndefaultConfig:\n  proxyMetadata: {FROM_MESH: "1", SHARED: mesh}\n');

const cr = (namespace: string, name: string, created: string, spec: Record<string, unknown>) =>
  fromCustomResource({ apiVersion: 'networking.istio.io/v1beta1', kind: 'ProxyConfig', metadata: { namespace, name, creationTimestamp: created }, spec })!;

const resources = sortResources([
  cr('istio-system', 'root', '2026-01-01T00:00:00Z', { concurrency: 1, environmentVariables: { SHARED: 'root' } }),
  cr('shop', 'ns-wide', '2026-01-02T00:00:00Z', { concurrency: 2 }),
  cr('shop', 'ns-wide-newer', '2026-01-03T00:00:00Z', { concurrency: 9 }),
  cr('shop', 'for-web', '2026-01-04T00:00:00Z', { selector: { matchLabels: { app: 'web' } }, concurrency: 4, image: { imageType: 'distroless' } }),
]);

describe("Istio's ProxyConfig precedence (EffectiveProxyConfig)", () => {
  it('root < namespace (oldest wins) < annotation < workload selector; proxyMetadata merges', () => {
    const web = effectiveProxyConfig(mesh, resources, { namespace: 'shop', labels: { app: 'web' }, annotations: { 'proxy.istio.io/config': 'concurrency: 3\nproxyMetadata: {ANN: "a"}' } });
    expect(web.concurrency).toBe(4);
    expect(web.image).toEqual({ imageType: 'distroless' });
    expect(web.proxyMetadata).toEqual({ FROM_MESH: '1', SHARED: 'root', ANN: 'a' });
    const other = effectiveProxyConfig(mesh, resources, { namespace: 'shop', labels: { app: 'api' }, annotations: { 'proxy.istio.io/config': 'concurrency: 3' } });
    expect(other.concurrency).toBe(3);
    const plain = effectiveProxyConfig(mesh, resources, { namespace: 'shop', labels: {}, annotations: {} });
    expect(plain.concurrency).toBe(2);
    const elsewhere = effectiveProxyConfig(mesh, resources, { namespace: 'blog', labels: { app: 'web' }, annotations: {} });
    expect(elsewhere.concurrency).toBe(1);
  });

  it('keeps the mesh default object itself when nothing applies (cached template views rely on it)', () => {
    expect(effectiveProxyConfig(mesh, [], { namespace: 'shop', labels: {}, annotations: {} })).toBe(mesh.defaultConfig);
  });
});

describe('a ProxyConfig resource read from a watch', () => {
  it("keeps only the proto's field types, so a hostile or broken object cannot ride along to the workers", () => {
    let deep: Record<string, unknown> = {};
    const top = deep;
    for (let i = 0; i < 100_000; i++) deep = (deep['a'] = {}) as Record<string, unknown>;
    const r = fromCustomResource({
      metadata: { namespace: 'ns', name: 'p' },
      spec: { concurrency: 1.5, environmentVariables: { GOOD: 'x', DEEP: top, N: 3 }, image: { imageType: 'distroless', extra: top }, selector: { matchLabels: { app: 'a', bad: top } } },
    })!;
    expect(r.config).toEqual({ proxyMetadata: { GOOD: 'x' }, image: { imageType: 'distroless' } });
    expect(r.matchLabels).toEqual({ app: 'a' });
    expect(() => structuredClone(r)).not.toThrow();
  });
});

describe('ProxyConfig cache against the fake API server', () => {
  let fake: FakeApiServer;
  let cache: ProxyConfigCache | undefined;
  useFakeApiServer((f) => (fake = f), () => cache?.stop());
  const path = (ns: string) => `/apis/networking.istio.io/v1beta1/namespaces/${ns}/proxyconfigs`;

  it('keeps from a paged LIST only what injection reads, however large or deep the listed objects are', async () => {
    let deep: Record<string, unknown> = {};
    const top = deep;
    // Deep enough to outweigh everything else; the fake API server itself copies what it stores.
    for (let i = 0; i < 1_000; i++) deep = (deep['a'] = {}) as Record<string, unknown>;
    const objects = [
      { metadata: { namespace: 'istio-system', name: 'root', creationTimestamp: '2026-01-01T00:00:00Z', uid: 'u', managedFields: [{ big: 'x'.repeat(10_000) }] }, spec: { concurrency: 2, environmentVariables: { A: 'b' }, image: { imageType: 'distroless' } } },
      { metadata: { namespace: 'ns', name: 'sel' }, spec: { selector: { matchLabels: { app: 'a' } }, environmentVariables: { DEEP: top } } },
      { metadata: { namespace: 'ns', name: 'nothing' } },
    ];
    for (const o of objects) fake.put(path(o.metadata.namespace), o);
    cache = startProxyConfigCache(fake.kubeConfig());
    await cache.synced;
    // As stored (the fake API server stamps a creationTimestamp on objects without one).
    expect(cache.list()).toEqual(sortResources(objects.map((o) => fromCustomResource(fake.get(path(o.metadata.namespace), o.metadata.name))!)));
    for (const r of cache.list()) expect(JSON.stringify(r).length).toBeLessThan(300);
    expect(fromCustomResource({ spec: {} })).toBeUndefined();
  });

  it('lists across namespaces, sorts oldest first and follows changes', async () => {
    fake.put(path('shop'), { metadata: { name: 'b', creationTimestamp: '2026-02-01T00:00:00Z' }, spec: { concurrency: 2 } });
    fake.put(path('blog'), { metadata: { name: 'a', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { concurrency: 1 } });
    cache = startProxyConfigCache(fake.kubeConfig());
    await cache.synced;
    expect(cache.list().map((r) => `${r.namespace}/${r.name}`)).toEqual(['blog/a', 'shop/b']);
    fake.remove(path('blog'), 'a');
    await until(() => cache!.list().length === 1);
    expect(cache.list()[0]!.config).toEqual({ concurrency: 2 });
  });
});
