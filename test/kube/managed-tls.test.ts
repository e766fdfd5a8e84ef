import { describe, it, expect } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { FakeApiServer, MWC, VWC, SECRETS, type Obj } from './fake-apiserver.js';
import { startManagedTls, serviceDnsNames, type ManagedTls } from '../../src/kube/managed-tls.js';
import type { CertMaterial } from '../../src/certs/selfmanaged.js';
import { splitPemCertificates } from '../../src/certs/generate.js';
import { MANAGED_TLS_NAMES, until, useFakeApiServer } from './harness.js';

let fake: FakeApiServer;
let tls: ManagedTls | undefined;
useFakeApiServer((f) => (fake = f), () => {
  tls?.stop();
  tls = undefined;
});


const mwc: Obj = {
  metadata: { name: 'mesh-admission', labels: { 'istio.io/rev': 'default', 'app.kubernetes.io/managed-by': 'mesh-admission' } },
  webhooks: [{ name: 'namespace.sidecar-injector.istio.io', clientConfig: { service: { name: 'mesh-admission' } } }],
};
const vwc: Obj = {
  metadata: { name: 'mesh-admission-validator', labels: { 'istio.io/rev': 'default', 'app.kubernetes.io/managed-by': 'mesh-admission' } },
  webhooks: [{ name: 'validation.istio.io', failurePolicy: 'Ignore', clientConfig: {} }],
};

const bundleOf = (path: string, name: string): string | undefined =>
  ((fake.get(path, name)!['webhooks'] as Array<{ clientConfig: { caBundle?: string } }>)[0]!.clientConfig.caBundle);

describe('startManagedTls', () => {
  it('issues certs for the Service, hands them to the server, and keeps both webhook configurations in step', async () => {
    fake.put(MWC, mwc);
    fake.put(VWC, vwc);
    fake.admission = ({ path }) =>
      path.resource === 'gateways' ? { code: 400, message: 'admission webhook "validation.istio.io" denied the request: invalid' } : undefined;
    const clock = { t: Date.now() };
    const delivered: CertMaterial[] = [];
    tls = await startManagedTls({
      kc: fake.kubeConfig(),
      ...MANAGED_TLS_NAMES,
      onMaterial: (m) => delivered.push(m),
      backoff: { initialMs: 20, maxMs: 100 },
      now: () => new Date(clock.t),
    });
    expect(delivered).toHaveLength(1);
    const leaf = new X509Certificate(tls.material.cert);
    for (const n of serviceDnsNames('mesh-admission', 'mesh-admission')) expect(leaf.checkHost(n)).toBe(n);
    expect(fake.get(SECRETS('mesh-admission'), 'mesh-admission-certs')).toBeDefined();

    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    await until(() => bundleOf(MWC, 'mesh-admission') === b64(tls!.material.caBundle));
    await until(() => {
      const w = (fake.get(VWC, 'mesh-admission-validator')!['webhooks'] as Array<{ failurePolicy?: string }>)[0]!;
      return w.failurePolicy === 'Fail' && bundleOf(VWC, 'mesh-admission-validator') === b64(tls!.material.caBundle);
    });

    // A CA rotation reaches the server and both caBundles, old CA included for the overlap.
    clock.t += 4 * 365 * 86_400_000;
    const rotated = await tls.syncNow();
    expect(delivered).toHaveLength(2);
    expect(splitPemCertificates(rotated.caBundle)).toHaveLength(2);
    await until(() => bundleOf(MWC, 'mesh-admission') === b64(rotated.caBundle));
    await until(() => bundleOf(VWC, 'mesh-admission-validator') === b64(rotated.caBundle));
  });
});
