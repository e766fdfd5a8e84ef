import { describe, expect, it } from 'vitest';
import { startNamespaceCache, type NamespaceCache } from '../../src/kube/namespace-cache.js';
import { FakeApiServer } from './fake-apiserver.js';
import { until, useFakeApiServer } from './harness.js';

describe('namespace cache (OpenShift uid ranges) against the fake API server', () => {
  let fake: FakeApiServer;
  let cache: NamespaceCache | undefined;
  useFakeApiServer((f) => (fake = f), () => cache?.stop());

  it('serves annotations from memory and follows updates and deletes', async () => {
    fake.put('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', annotations: { 'openshift.io/sa.scc.uid-range': '1000620000/10000' } } });
    cache = startNamespaceCache(fake.kubeConfig());
    await cache.synced;
    expect(cache.annotations('team')).toEqual({ 'openshift.io/sa.scc.uid-range': '1000620000/10000' });
    expect(cache.annotations('missing')).toBeUndefined();
    fake.put('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', annotations: { 'openshift.io/sa.scc.uid-range': '2000/10' } } });
    await until(() => cache!.annotations('team')?.['openshift.io/sa.scc.uid-range'] === '2000/10');
    fake.remove('/api/v1/namespaces', 'team');
    await until(() => cache!.annotations('team') === undefined);
  });
});
