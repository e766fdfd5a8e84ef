import { describe, it, expect } from 'vitest';
import { FakeApiServer, MWC, VWC, GATEWAYS, type Obj } from './fake-apiserver.js';
import {
  WebhookPatcher,
  planMutating,
  planValidating,
  isFailCloseReadyError,
  type PatcherEvent,
} from '../../src/kube/webhook-patcher.js';
import { generateCA } from '../../src/certs/generate.js';
import { until, useFakeApiServer } from './harness.js';

let fake: FakeApiServer;
let patcher: WebhookPatcher | undefined;
let caA: string;
let caB: string;

useFakeApiServer(
  async (f) => {
    fake = f;
    caA ??= (await generateCA({ commonName: 'ca-a' })).certPem;
    caB ??= (await generateCA({ commonName: 'ca-b' })).certPem;
  },
  () => {
    patcher?.stop();
    patcher = undefined;
  },
);

const b64 = (s: string): string => Buffer.from(s).toString('base64');


/** The ownership label this install's configurations carry. */
const OWNED = { 'app.kubernetes.io/managed-by': 'mesh-admission' };

function injectorMwc(name: string, rev: string | undefined): Obj {
  return {
    metadata: { name, labels: { ...OWNED, ...(rev !== undefined ? { 'istio.io/rev': rev } : {}) } },
    webhooks: [
      { name: 'rev.namespace.sidecar-injector.istio.io', clientConfig: { service: { name: 'mesh-admission', namespace: 'ma' } } },
      { name: 'rev.object.sidecar-injector.istio.io', clientConfig: { caBundle: 'b2xk' } },
      { name: 'unrelated.example.com', clientConfig: { caBundle: 'dW50b3VjaGVk' } },
    ],
  };
}

function validatorVwc(name: string): Obj {
  return {
    metadata: { name, labels: { ...OWNED, 'istio.io/rev': 'default' } },
    webhooks: [
      { name: 'rev.validation.istio.io', failurePolicy: 'Ignore', clientConfig: { service: { name: 'x', namespace: 'ma' } } },
      { name: 'second.validation.istio.io', clientConfig: {} },
    ],
  };
}

type Hooks = { accept: boolean };
function validationWebhookEmulation(h: Hooks): void {
  fake.admission = ({ path, object }) => {
    if (path.resource !== 'gateways') return undefined;
    const ann = (object.metadata as { annotations?: Record<string, string> }).annotations ?? {};
    if (h.accept || ann['internal.istio.io/webhook-always-reject'] !== 'true') return undefined;
    return {
      code: 400,
      reason: 'BadRequest',
      message: 'admission webhook "rev.validation.istio.io" denied the request: configuration is invalid: gateway must have at least one server',
    };
  };
}

describe('planning (pure)', () => {
  it('follows Istio: revision label required and matching, only *sidecar-injector.istio.io entries', () => {
    expect(planMutating(injectorMwc('m', undefined), 'default', 'Y2E=')).toEqual({ kind: 'skip', reason: 'no_rev_label' });
    expect(planMutating(injectorMwc('m', 'canary'), 'default', 'Y2E=')).toEqual({ kind: 'skip', reason: 'wrong_revision' });
    expect(
      planMutating({ metadata: { labels: { 'istio.io/rev': 'default' } }, webhooks: [{ name: 'x.example' }] }, 'default', 'Y2E='),
    ).toEqual({ kind: 'skip', reason: 'webhook_entry_not_found' });
    const plan = planMutating({ ...injectorMwc('m', 'default'), metadata: { ...injectorMwc('m', 'default').metadata, resourceVersion: '7' } }, 'default', 'Y2E=');
    expect(plan).toEqual({
      kind: 'patch',
      ops: [
        { op: 'test', path: '/metadata/resourceVersion', value: '7' },
        { op: 'add', path: '/webhooks/0/clientConfig/caBundle', value: 'Y2E=' },
        { op: 'replace', path: '/webhooks/1/clientConfig/caBundle', value: 'Y2E=' },
      ],
    });
  });

  it('reports unchanged when every injector entry already has the bundle', () => {
    const m = injectorMwc('m', 'default');
    for (const w of m['webhooks'] as Array<{ clientConfig: { caBundle?: string } }>) w.clientConfig.caBundle = 'Y2E=';
    expect(planMutating(m, 'default', 'Y2E=')).toEqual({ kind: 'unchanged' });
  });

  it('only flips validation to Fail once ready', () => {
    const v = validatorVwc('v');
    const notReady = planValidating(v, 'Y2E=', false);
    expect(notReady.wantsFailClose).toBe(true);
    expect(notReady.ops.some((o) => o.path.endsWith('failurePolicy'))).toBe(false);
    expect(notReady.ops.filter((o) => o.path.endsWith('caBundle'))).toHaveLength(2);
    const ready = planValidating(v, 'Y2E=', true);
    expect(ready.ops.filter((o) => o.path.endsWith('failurePolicy'))).toEqual([
      { op: 'replace', path: '/webhooks/0/failurePolicy', value: 'Fail' },
      { op: 'add', path: '/webhooks/1/failurePolicy', value: 'Fail' },
    ]);
  });

  it('recognises the readiness messages Istio accepts', () => {
    expect(isFailCloseReadyError('admission webhook "x" denied the request: bad')).toBe(true);
    expect(isFailCloseReadyError('the server could not find the requested resource')).toBe(true);
    expect(isFailCloseReadyError('admission webhook "y" does not support dry run')).toBe(true);
    expect(isFailCloseReadyError('connection refused')).toBe(false);
  });
});

describe('WebhookPatcher against the fake API server', () => {
  it('patches injector caBundles, proves the validator by dry-run, then flips it to Fail', async () => {
    fake.put(MWC, injectorMwc('istio-sidecar-injector', 'default'));
    fake.put(MWC, injectorMwc('istio-sidecar-injector-canary', 'canary'));
    fake.put(VWC, validatorVwc('istio-validator-istio-system'));
    validationWebhookEmulation({ accept: false });
    const events: PatcherEvent[] = [];
    patcher = new WebhookPatcher({
      kc: fake.kubeConfig(),
      namespace: 'mesh-admission',
      caBundlePem: () => caA,
      backoff: { initialMs: 20, maxMs: 200 },
      onEvent: (e) => events.push(e),
    });
    await patcher.start();

    const mwc = fake.get(MWC, 'istio-sidecar-injector')!['webhooks'] as Array<{ clientConfig: { caBundle?: string } }>;
    expect(mwc.map((w) => w.clientConfig.caBundle)).toEqual([b64(caA), b64(caA), 'dW50b3VjaGVk']);
    const canary = fake.get(MWC, 'istio-sidecar-injector-canary')!['webhooks'] as Array<{ clientConfig: { caBundle?: string } }>;
    expect(canary[0]!.clientConfig.caBundle).toBeUndefined();

    const vwc = fake.get(VWC, 'istio-validator-istio-system')!['webhooks'] as Array<{ clientConfig: { caBundle?: string }; failurePolicy?: string }>;
    expect(vwc.map((w) => [w.clientConfig.caBundle, w.failurePolicy])).toEqual([
      [b64(caA), 'Fail'],
      [b64(caA), 'Fail'],
    ]);
    const dry = fake.requests.find((r) => r.method === 'POST' && r.path === GATEWAYS('mesh-admission'))!;
    expect(dry.query.get('dryRun')).toBe('All');
    expect(dry.body).toMatchObject({
      metadata: { name: 'invalid-gateway', labels: { 'istio.io/rev': 'default' }, annotations: { 'internal.istio.io/webhook-always-reject': 'true' } },
      spec: {},
    });
    expect(fake.get(GATEWAYS('mesh-admission'), 'invalid-gateway')).toBeUndefined();
    expect(patcher.status()).toMatchObject({ failCloseReady: true, mutating: ['istio-sidecar-injector'] });
    // Patches are JSON patches guarded by a resourceVersion test.
    const patches = fake.requests.filter((r) => r.method === 'PATCH');
    expect(patches.every((p) => p.contentType === 'application/json-patch+json')).toBe(true);
    expect((patches[0]!.body as Array<{ op: string }>)[0]!.op).toBe('test');
  });

  it('keeps the validator fail-open while the dry-run is accepted, and flips after it starts denying', async () => {
    fake.put(VWC, validatorVwc('v'));
    const hooks = { accept: true };
    validationWebhookEmulation(hooks);
    patcher = new WebhookPatcher({
      kc: fake.kubeConfig(),
      namespace: 'ma',
      caBundlePem: () => caA,
      mutating: false,
      backoff: { initialMs: 20, maxMs: 80 },
    });
    await patcher.start();
    const policies = (): unknown[] =>
      (fake.get(VWC, 'v')!['webhooks'] as Array<{ failurePolicy?: string }>).map((w) => w.failurePolicy);
    const bundles = (): unknown[] =>
      (fake.get(VWC, 'v')!['webhooks'] as Array<{ clientConfig: { caBundle?: string } }>).map((w) => w.clientConfig.caBundle);
    expect(bundles()).toEqual([b64(caA), b64(caA)]);
    expect(policies()).toEqual(['Ignore', undefined]);
    expect(patcher.status().lastError).toMatch(/webhook is not ready, retry: dry-run of an invalid Gateway was accepted/);
    hooks.accept = false;
    await until(() => policies().every((p) => p === 'Fail'));
    const dryRuns = fake.requests.filter((r) => r.path === GATEWAYS('ma')).length;
    expect(dryRuns).toBeGreaterThanOrEqual(2);
  });

  it('repatches on CA rotation only, and retries after a conflicting write', async () => {
    fake.put(MWC, injectorMwc('inj', 'default'));
    let ca = caA;
    patcher = new WebhookPatcher({
      kc: fake.kubeConfig(),
      namespace: 'ma',
      caBundlePem: () => ca,
      validating: false,
      mutatingNames: ['inj'],
      backoff: { initialMs: 20, maxMs: 80 },
    });
    await patcher.start();
    await until(() => fake.openWatchCount() === 1);
    const watch = fake.requests.find((r) => r.query.get('watch') === 'true');
    expect(watch?.query.get('fieldSelector')).toBe('metadata.name=inj');
    const patchCount = (): number => fake.requests.filter((r) => r.method === 'PATCH').length;
    expect(patchCount()).toBe(1);
    patcher.resync();
    await patcher.reconcileNow();
    expect(patchCount()).toBe(1);

    fake.failNext('PATCH', /mutatingwebhookconfigurations\/inj$/, 409, 'the object has been modified');
    ca = caB;
    patcher.resync();
    await until(() => {
      const ws = fake.get(MWC, 'inj')!['webhooks'] as Array<{ clientConfig: { caBundle?: string } }>;
      return ws[0]!.clientConfig.caBundle === b64(caB);
    });
    expect(patchCount()).toBe(3);
  });

  it('refuses a CA bundle that is not a certificate without touching anything', async () => {
    fake.put(MWC, injectorMwc('inj', 'default'));
    const events: PatcherEvent[] = [];
    patcher = new WebhookPatcher({
      kc: fake.kubeConfig(),
      namespace: 'ma',
      caBundlePem: () => 'not a pem',
      validating: false,
      onEvent: (e) => events.push(e),
    });
    await patcher.start();
    expect(fake.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    expect(patcher.status().lastError).toMatch(/could not verify caBundle/);
  });

  it('touches only configurations it owns: istiod\'s of the same revision stay byte for byte, every owned one is patched', async () => {
    // istiod's own objects carry the same revision label and entry names, but not the ownership label.
    const istiodMwc = { ...injectorMwc('istio-sidecar-injector', 'default'), metadata: { name: 'istio-sidecar-injector', labels: { 'istio.io/rev': 'default' } } };
    const istiodVwc = { ...validatorVwc('istio-validator-istio-system'), metadata: { name: 'istio-validator-istio-system', labels: { 'istio.io/rev': 'default' } } };
    fake.put(MWC, istiodMwc);
    fake.put(VWC, istiodVwc);
    fake.put(MWC, injectorMwc('mesh-admission', 'default'));
    fake.put(MWC, injectorMwc('istio-revision-tag-prod', 'default'));
    const before = [structuredClone(fake.get(MWC, 'istio-sidecar-injector')), structuredClone(fake.get(VWC, 'istio-validator-istio-system'))];
    validationWebhookEmulation({ accept: false });
    const events: PatcherEvent[] = [];
    // By label: every owned configuration of the revision, whatever its name.
    patcher = new WebhookPatcher({ kc: fake.kubeConfig(), namespace: 'ma', caBundlePem: () => caA, backoff: { initialMs: 20, maxMs: 200 }, onEvent: (e) => events.push(e) });
    await patcher.start();
    expect(patcher.status().mutating).toEqual(['istio-revision-tag-prod', 'mesh-admission']);
    for (const name of ['mesh-admission', 'istio-revision-tag-prod']) {
      const ws = fake.get(MWC, name)!['webhooks'] as Array<{ clientConfig: { caBundle?: string } }>;
      expect(ws[0]!.clientConfig.caBundle).toBe(b64(caA));
    }
    patcher.stop();
    // By name: even when told istiod's names, the missing ownership label keeps them untouched.
    patcher = new WebhookPatcher({
      kc: fake.kubeConfig(),
      namespace: 'ma',
      caBundlePem: () => caA,
      mutatingNames: ['istio-sidecar-injector'],
      validatingNames: ['istio-validator-istio-system'],
      onEvent: (e) => events.push(e),
    });
    await patcher.start();
    expect([fake.get(MWC, 'istio-sidecar-injector'), fake.get(VWC, 'istio-validator-istio-system')]).toEqual(before);
    expect(fake.requests.filter((r) => r.method === 'PATCH' && /istio-sidecar-injector|istio-validator/.test(r.path))).toHaveLength(0);
    expect(new Set(events.filter((e) => /not owned/.test(e.message)).map((e) => e.name))).toEqual(new Set(['istio-sidecar-injector', 'istio-validator-istio-system']));
  });
});
