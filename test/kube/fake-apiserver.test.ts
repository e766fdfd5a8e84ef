import { describe, it, expect } from 'vitest';
import { FakeApiServer, CONFIGMAPS, GATEWAYS } from './fake-apiserver.js';
import { apiErrorInfo, makeApis, type KubeApis } from '../../src/kube/client.js';
import type { KubeClient } from '../../src/kube/rest.js';
import type { ConfigMap } from '../../src/kube/types.js';
import { useFakeApiServer } from './harness.js';

let fake: FakeApiServer;
let kc: KubeClient;
let core: KubeApis['core'];
const cms = '/api/v1/namespaces/ns/configmaps';
const create = (body: ConfigMap) => kc.request<ConfigMap>('POST', cms, { body });
const replace = (name: string, body: ConfigMap) => kc.request<ConfigMap>('PUT', `${cms}/${name}`, { body });
useFakeApiServer((f) => {
  fake = f;
  kc = fake.kubeConfig();
  core = makeApis(kc).core;
});

describe('fake API server driven by our client', () => {
  it('creates, reads and lists with a resourceVersion, sending the bearer token', async () => {
    await create({ metadata: { name: 'a' }, data: { k: 'v' } });
    const got = await core.readNamespacedConfigMap({ namespace: 'ns', name: 'a' });
    expect(got.data).toEqual({ k: 'v' });
    expect(got.metadata?.resourceVersion).toMatch(/^\d+$/);
    const list = await core.listNamespacedConfigMap({ namespace: 'ns' });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['a']);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThanOrEqual(Number(got.metadata?.resourceVersion));
    expect(fake.requests[0]!.authorization).toBe('Bearer test-token');
  });

  it('answers 404 and 409 with Status bodies the client surfaces', async () => {
    const e404 = await core.readNamespacedConfigMap({ namespace: 'ns', name: 'nope' }).catch((e: unknown) => e);
    expect(apiErrorInfo(e404)).toMatchObject({ code: 404, reason: 'NotFound', message: 'configmaps "nope" not found' });
    await create({ metadata: { name: 'a' } });
    const e409 = await create({ metadata: { name: 'a' } }).catch((e: unknown) => e);
    expect(apiErrorInfo(e409)).toMatchObject({ code: 409, reason: 'AlreadyExists' });
  });

  it('rejects a PUT carrying a stale resourceVersion with 409 Conflict', async () => {
    const a = await create({ metadata: { name: 'a' } });
    await replace('a', { ...a, data: { x: '1' } });
    const stale = await replace('a', { ...a, data: { x: '2' } }).catch((e: unknown) => e);
    expect(apiErrorInfo(stale).code).toBe(409);
    expect((await core.readNamespacedConfigMap({ namespace: 'ns', name: 'a' })).data).toEqual({ x: '1' });
  });

  it('applies JSON patches and merge patches by content type', async () => {
    await create({ metadata: { name: 'a' }, data: { x: '1', y: '2' } });
    await kc.request('PATCH', `${cms}/a`, { body: [{ op: 'replace', path: '/data/x', value: '10' }], contentType: 'application/json-patch+json' });
    expect(fake.requests.at(-1)!.contentType).toBe('application/json-patch+json');
    await kc.request('PATCH', `${cms}/a`, { body: { data: { y: null, z: '3' } }, contentType: 'application/merge-patch+json' });
    expect(fake.requests.at(-1)!.contentType).toBe('application/merge-patch+json');
    expect((await core.readNamespacedConfigMap({ namespace: 'ns', name: 'a' })).data).toEqual({ x: '10', z: '3' });
  });

  it('runs admission on a dry-run create without storing it', async () => {
    const { custom } = makeApis(kc);
    fake.admission = ({ object, dryRun }) =>
      (object.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.['reject'] === 'yes'
        ? { code: 400, message: `admission webhook "v.example" denied the request: nope (dryRun=${dryRun})` }
        : undefined;
    const body = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'g', annotations: { reject: 'yes' } }, spec: {} };
    const denied = await custom
      .createNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: 'ns', plural: 'gateways', body, dryRun: 'All' })
      .catch((e: unknown) => e);
    expect(apiErrorInfo(denied).message).toContain('denied the request');
    fake.admission = undefined;
    await custom.createNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: 'ns', plural: 'gateways', body, dryRun: 'All' });
    expect(fake.get(GATEWAYS('ns'), 'g')).toBeUndefined();
  });

  it('streams watch events from a resourceVersion and answers expired versions with 410', async () => {
    const first = fake.put(CONFIGMAPS('ns'), { metadata: { name: 'a' }, data: { v: '1' } });
    fake.put(CONFIGMAPS('ns'), { metadata: { name: 'a' }, data: { v: '2' } });
    const events: Array<[string, unknown]> = [];
    const watch = kc;
    const done = new Promise<unknown>((resolve) => {
      void watch.watch(
        CONFIGMAPS('ns'),
        { resourceVersion: first.metadata!.resourceVersion },
        (type, obj) => events.push([type, (obj as { data?: unknown }).data]),
        resolve,
      );
    });
    await new Promise((r) => setTimeout(r, 50));
    fake.remove(CONFIGMAPS('ns'), 'a');
    await new Promise((r) => setTimeout(r, 50));
    fake.endWatches();
    expect(await done).toBeNull();
    expect(events).toEqual([
      ['MODIFIED', { v: '2' }],
      ['DELETED', { v: '2' }],
    ]);

    fake.compact();
    const errors: unknown[] = [];
    await new Promise<unknown>((resolve) => {
      void watch.watch(CONFIGMAPS('ns'), { resourceVersion: first.metadata!.resourceVersion }, (type, obj) => errors.push([type, (obj as { code: number }).code]), resolve);
    });
    expect(errors).toEqual([['ERROR', 410]]);
  });
});
