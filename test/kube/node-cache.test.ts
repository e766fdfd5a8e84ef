import { describe, expect, it } from 'vitest';
import { kubeletMinor, startNodeCache, supportsNativeSidecars, type NodeCache } from '../../src/kube/node-cache.js';
import { FakeApiServer } from './fake-apiserver.js';
import { until, useFakeApiServer } from './harness.js';

describe('native-sidecar detection (ENABLE_NATIVE_SIDECARS=auto)', () => {
  it('reads kubelet minors', () => {
    expect(kubeletMinor('v1.33.0')).toBe(33);
    expect(kubeletMinor('v1.28.15-gke.1020000')).toBe(28);
    expect(kubeletMinor('')).toBeUndefined();
  });

  it("needs every node at 1.33+, or the pod's own node when it is scheduled", () => {
    const v = new Map([
      ['a', 'v1.33.0'],
      ['b', 'v1.34.1'],
    ]);
    expect(supportsNativeSidecars(v)).toBe(true);
    v.set('old', 'v1.28.0');
    expect(supportsNativeSidecars(v)).toBe(false);
    expect(supportsNativeSidecars(v, 'b')).toBe(true);
    expect(supportsNativeSidecars(v, 'old')).toBe(false);
    expect(supportsNativeSidecars(v, 'unknown-node')).toBe(false);
    expect(supportsNativeSidecars(new Map())).toBe(false);
  });
});

describe('node cache against the fake API server', () => {
  let fake: FakeApiServer;
  let cache: NodeCache | undefined;
  useFakeApiServer((f) => (fake = f), () => cache?.stop());
  const node = (name: string, kubeletVersion: string) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: { nodeInfo: { kubeletVersion } },
  });

  it('follows nodes joining and leaving', async () => {
    fake.put('/api/v1/nodes', node('n1', 'v1.33.0'));
    cache = startNodeCache(fake.kubeConfig());
    await cache.synced;
    expect(cache.nativeSidecars()).toBe(true);
    fake.put('/api/v1/nodes', node('old', 'v1.28.3'));
    await until(() => cache!.nativeSidecars() === false);
    expect(cache.nativeSidecars('n1')).toBe(true);
    fake.remove('/api/v1/nodes', 'old');
    await until(() => cache!.nativeSidecars() === true);
  });

  it('lists a large cluster in pages of 500', async () => {
    for (let i = 0; i < 1201; i++) fake.put('/api/v1/nodes', { ...node(`n${String(i).padStart(4, '0')}`, i === 1200 ? 'v1.28.0' : 'v1.33.0'), spec: { podCIDR: '10.0.0.0/24' } });
    cache = startNodeCache(fake.kubeConfig());
    await cache.synced;
    const lists = fake.requests.filter((r) => r.path === '/api/v1/nodes' && r.query.get('watch') !== 'true');
    expect(lists.map((r) => [r.query.get('limit'), r.query.has('continue')])).toEqual([
      ['500', false],
      ['500', true],
      ['500', true],
    ]);
    expect(cache.snapshot()).toHaveLength(1201);
    // The one old kubelet on the last page counts: no native sidecars for unscheduled pods.
    expect(cache.nativeSidecars()).toBe(false);
    expect(cache.nativeSidecars('n0007')).toBe(true);
  });
});
