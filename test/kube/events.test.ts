import { describe, expect, it } from 'vitest';
import { eventRecorder } from '../../src/kube/events.js';
import { FakeApiServer } from './fake-apiserver.js';
import { useFakeApiServer } from './harness.js';

describe('events about our own objects', () => {
  let fake: FakeApiServer;
  useFakeApiServer((f) => (fake = f));

  it('records a Warning on the ConfigMap with the reason, a capped message and unique names', async () => {
    const record = eventRecorder(fake.kubeConfig(), 'mesh-admission');
    const target = { kind: 'ConfigMap', namespace: 'istio-system', name: 'istio-sidecar-injector' };
    await record(target, 'Warning', 'ConfigurationRejected', `kept abc: ${'x'.repeat(2000)}`);
    await record(target, 'Normal', 'ConfigurationActivated', 'def is live');
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/namespaces/istio-system/events');
    expect(posts).toHaveLength(2);
    const [first, second] = posts.map((p) => p.body as { metadata: { name: string }; involvedObject: Record<string, string>; type: string; reason: string; message: string });
    expect(first!.involvedObject).toMatchObject({ kind: 'ConfigMap', namespace: 'istio-system', name: 'istio-sidecar-injector' });
    expect(first!.type).toBe('Warning');
    expect(first!.reason).toBe('ConfigurationRejected');
    expect(first!.message.length).toBe(1024);
    expect(first!.metadata.name).not.toBe(second!.metadata.name);
    expect(second!.reason).toBe('ConfigurationActivated');
  });

  it("names the ConfigMap's uid, which kubectl describe selects events by", async () => {
    fake.put('/api/v1/namespaces/istio-system/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system', uid: 'cm-uid-1' },
    });
    await eventRecorder(fake.kubeConfig(), 'mesh-admission')({ kind: 'ConfigMap', namespace: 'istio-system', name: 'istio-sidecar-injector' }, 'Normal', 'R', 'm');
    const post = fake.requests.find((r) => r.method === 'POST' && r.path.endsWith('/events'));
    expect((post!.body as { involvedObject: { uid?: string } }).involvedObject.uid).toBe('cm-uid-1');
  });

  it('never throws when the API refuses', async () => {
    const errors: unknown[] = [];
    fake.failNext('POST', /events/, 403, 'forbidden');
    await eventRecorder(fake.kubeConfig(), 'mesh-admission', (e) => errors.push(e))({ kind: 'ConfigMap', namespace: 'ns', name: 'cm' }, 'Normal', 'R', 'm');
    expect(errors).toHaveLength(1);
  });
});
