import { describe, it, expect } from 'vitest';
import { FakeApiServer, CONFIGMAPS } from './fake-apiserver.js';
import { makeApis } from '../../src/kube/client.js';
import { startListWatch, type ListWatchHandle } from '../../src/kube/list-watch.js';
import type { ConfigMap } from '../../src/kube/types.js';
import { until, useFakeApiServer } from './harness.js';

let fake: FakeApiServer;
let handle: ListWatchHandle | undefined;
useFakeApiServer((f) => (fake = f), () => {
  handle?.stop();
  handle = undefined;
});


function mirror(): { state: Map<string, string>; syncs: number; errors: string[] } {
  const out = { state: new Map<string, string>(), syncs: 0, errors: [] as string[] };
  const { core } = makeApis(fake.kubeConfig());
  handle = startListWatch<ConfigMap>({
    kc: fake.kubeConfig(),
    path: CONFIGMAPS('ns'),
    list: async () => {
      const l = await core.listNamespacedConfigMap({ namespace: 'ns' });
      return { items: l.items, resourceVersion: l.metadata?.resourceVersion ?? '' };
    },
    onSync: (items) => {
      out.syncs++;
      out.state = new Map(items.map((i) => [i.metadata!.name!, i.data?.['v'] ?? '']));
    },
    onEvent: (type, o) => {
      if (type === 'DELETED') out.state.delete(o.metadata!.name!);
      else out.state.set(o.metadata!.name!, o.data?.['v'] ?? '');
    },
    onError: (e) => out.errors.push(e.message),
    backoff: { initialMs: 20, maxMs: 100 },
  });
  return out;
}

describe('startListWatch', () => {
  it('lists, then follows adds, updates and deletes', async () => {
    fake.put(CONFIGMAPS('ns'), { metadata: { name: 'a' }, data: { v: '1' } });
    const m = mirror();
    await handle!.synced;
    expect([...m.state]).toEqual([['a', '1']]);
    await until(() => fake.openWatchCount() === 1);
    fake.put(CONFIGMAPS('ns'), { metadata: { name: 'b' }, data: { v: '2' } });
    fake.put(CONFIGMAPS('ns'), { metadata: { name: 'a' }, data: { v: '3' } });
    fake.remove(CONFIGMAPS('ns'), 'b');
    await until(() => m.state.get('a') === '3' && !m.state.has('b'));
    expect(m.syncs).toBe(1);
  });

  it('reconnects after a dropped watch and resumes without missing changes made meanwhile', async () => {
    const m = mirror();
    await handle!.synced;
    await until(() => fake.openWatchCount() === 1);
    fake.destroyWatches();
    fake.put(CONFIGMAPS('ns'), { metadata: { name: 'during-outage' }, data: { v: 'x' } });
    await until(() => m.state.get('during-outage') === 'x');
    // Resumed from its resourceVersion: the history replay delivered it, no re-list was needed.
    expect(m.syncs).toBe(1);
    const watches = fake.requests.filter((r) => r.query.get('watch') === 'true');
    expect(watches.length).toBeGreaterThanOrEqual(2);
    expect(watches[1]!.query.get('resourceVersion')).toBe(watches[0]!.query.get('resourceVersion'));
  });

  it('re-lists after 410 Gone and converges on the current state', async () => {
    fake.put(CONFIGMAPS('ns'), { metadata: { name: 'a' }, data: { v: '1' } });
    const m = mirror();
    await handle!.synced;
    await until(() => fake.openWatchCount() === 1);
    fake.destroyWatches();
    fake.remove(CONFIGMAPS('ns'), 'a');
    fake.put(CONFIGMAPS('ns'), { metadata: { name: 'c' }, data: { v: '9' } });
    fake.compact();
    await until(() => m.syncs === 2);
    expect([...m.state]).toEqual([['c', '9']]);
  });

  it('retries a failing LIST with backoff and reports the error', async () => {
    fake.failNext('GET', /configmaps$/, 500, 'etcd unavailable');
    fake.failNext('GET', /configmaps$/, 503, 'still unavailable');
    fake.put(CONFIGMAPS('ns'), { metadata: { name: 'a' }, data: { v: '1' } });
    const m = mirror();
    await handle!.synced;
    expect(m.state.get('a')).toBe('1');
    expect(m.errors[0]).toMatch(/Kubernetes API list .*configmaps failed: etcd unavailable/);
    expect(m.errors).toHaveLength(2);
  });
});
