import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { Registry } from 'prom-client';
import { FakeApiServer, SECRETS, type Obj } from '../kube/fake-apiserver.js';
import { SelfManagedCerts, type CertMaterial } from '../../src/certs/selfmanaged.js';
import { splitPemCertificates, keyMatchesCert } from '../../src/certs/generate.js';

const signedBy = (leaf: string, ca: string): boolean => new X509Certificate(leaf).verify(new X509Certificate(ca).publicKey);

let fake: FakeApiServer;
beforeEach(async () => {
  fake = new FakeApiServer();
  await fake.start();
});
afterEach(async () => {
  await fake.stop();
});

const DAY = 86_400_000;

function make(clock: { t: number }, updates: CertMaterial[], registry?: Registry): SelfManagedCerts {
  return new SelfManagedCerts({
    kc: fake.kubeConfig(),
    namespace: 'ma',
    secretName: 'mesh-admission-certs',
    dnsNames: ['mesh-admission.ma.svc'],
    caValidityMs: 300 * DAY,
    servingValidityMs: 30 * DAY,
    onUpdate: (m) => updates.push(m),
    now: () => new Date(clock.t),
    ...(registry ? { registry } : {}),
  });
}

const secretData = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries((fake.get(SECRETS('ma'), 'mesh-admission-certs')!['data'] as Record<string, string>) ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString(),
    ]),
  );

describe('SelfManagedCerts', () => {
  it('creates the Secret with a CA and a serving cert, and a second replica adopts it', async () => {
    const clock = { t: Date.now() };
    const updates: CertMaterial[] = [];
    const sm = make(clock, updates);
    const m = await sm.syncOnce();
    expect(updates).toHaveLength(1);
    const data = secretData();
    expect(Object.keys(data).sort()).toEqual(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
    expect(fake.get(SECRETS('ma'), 'mesh-admission-certs')!['type']).toBe('kubernetes.io/tls');
    expect(data['tls.crt']).toBe(m.cert);
    const leaf = new X509Certificate(m.cert);
    expect(leaf.checkHost('mesh-admission.ma.svc')).toBe('mesh-admission.ma.svc');
    expect(signedBy(m.cert, m.caBundle)).toBe(true);
    expect(keyMatchesCert(m.cert, m.key)).toBe(true);

    const other: CertMaterial[] = [];
    const writesBefore = fake.requests.filter((r) => r.method !== 'GET').length;
    const m2 = await make(clock, other).syncOnce();
    expect(m2).toEqual(m);
    expect(fake.requests.filter((r) => r.method !== 'GET').length).toBe(writesBefore);
    // No spurious second delivery when nothing changed.
    await sm.syncOnce();
    expect(updates).toHaveLength(1);
  });

  it('adopts the winner when another replica creates the Secret first (409 on create)', async () => {
    const clock = { t: Date.now() };
    const winner: CertMaterial[] = [];
    await make(clock, winner).syncOnce();
    const winnerSecret = fake.get(SECRETS('ma'), 'mesh-admission-certs')!;
    fake.remove(SECRETS('ma'), 'mesh-admission-certs');
    // The loser reads 404, then the winner's create lands just before the loser's.
    fake.admission = ({ operation, path }) => {
      if (operation !== 'CREATE' || path.resource !== 'secrets') return undefined;
      fake.admission = undefined;
      fake.put(SECRETS('ma'), winnerSecret as Obj);
      return { code: 409, reason: 'AlreadyExists', message: 'secrets "mesh-admission-certs" already exists' };
    };
    const loser: CertMaterial[] = [];
    const m = await make(clock, loser).syncOnce();
    expect(m).toEqual(winner[0]);
  });

  it('renews the serving cert at 2/3 of its life with the same CA and delivers it', async () => {
    const clock = { t: Date.now() };
    const updates: CertMaterial[] = [];
    const sm = make(clock, updates);
    const first = await sm.syncOnce();
    clock.t += 19 * DAY;
    await sm.syncOnce();
    expect(updates).toHaveLength(1);
    clock.t += 2 * DAY; // 21 of 30 days > 2/3
    const renewed = await sm.syncOnce();
    expect(updates).toHaveLength(2);
    expect(renewed.cert).not.toBe(first.cert);
    expect(renewed.caBundle).toBe(first.caBundle);
    expect(new Date(new X509Certificate(renewed.cert).validFrom).getTime()).toBeGreaterThan(clock.t - 2 * 60_000);
    expect(secretData()['tls.crt']).toBe(renewed.cert);
  });

  it('rotates the CA in two steps: trust the new CA first, sign with it after the overlap, then drop the old', async () => {
    const clock = { t: Date.now() };
    const updates: CertMaterial[] = [];
    const sm = make(clock, updates);
    const first = await sm.syncOnce();
    const oldCa = splitPemCertificates(first.caBundle)[0]!;

    clock.t += 201 * DAY; // past 2/3 of 300 days (the leaf is renewed too, still by the old CA)
    const phase1 = await sm.syncOnce();
    const bundle1 = splitPemCertificates(phase1.caBundle);
    expect(bundle1).toHaveLength(2);
    expect(bundle1[0]).toBe(oldCa);
    expect(signedBy(phase1.cert, oldCa)).toBe(true);
    expect(signedBy(phase1.cert, bundle1[1]!)).toBe(false);
    expect(Object.keys(secretData())).toContain('ca-next.key');
    const newCa = bundle1[1]!;

    clock.t += 5 * 60_000; // inside the 15 minute overlap: nothing changes
    expect(await sm.syncOnce()).toEqual(phase1);

    clock.t += 11 * 60_000;
    const phase2 = await sm.syncOnce();
    expect(splitPemCertificates(phase2.caBundle)).toEqual([newCa, oldCa]);
    expect(signedBy(phase2.cert, newCa)).toBe(true);
    expect(phase2.cert).not.toBe(phase1.cert);
    expect(Object.keys(secretData())).not.toContain('ca-next.key');

    clock.t += 100 * DAY; // the old CA (300 days) has expired
    const pruned = await sm.syncOnce();
    expect(splitPemCertificates(pruned.caBundle)).toEqual([newCa]);
    expect(signedBy(pruned.cert, newCa)).toBe(true); // renewed meanwhile (30-day leaf), by the new CA
    expect(updates.map((u) => u.caBundle)).toEqual([first.caBundle, phase1.caBundle, phase2.caBundle, pruned.caBundle]);
  });

  it('with lives of seconds: serves a valid leaf at every step, and trusts each new CA for the overlap before it signs', async () => {
    const t0 = Date.now();
    const clock = { t: t0 };
    const updates: CertMaterial[] = [];
    const sm = new SelfManagedCerts({
      kc: fake.kubeConfig(),
      namespace: 'ma',
      secretName: 'mesh-admission-certs',
      dnsNames: ['mesh-admission.ma.svc'],
      caValidityMs: 45_000,
      servingValidityMs: 15_000,
      caOverlapMs: 8_000,
      onUpdate: (m) => updates.push(m),
      now: () => new Date(clock.t),
    });
    /** When each CA first appeared in a delivered bundle. */
    const trustedSince = new Map<string, number>();
    const leaves = new Set<string>();
    const signers = new Set<string>();
    let maxBundle = 0;
    for (; clock.t < t0 + 100_000; clock.t += 1000) {
      const m = await sm.syncOnce();
      const bundle = splitPemCertificates(m.caBundle);
      maxBundle = Math.max(maxBundle, bundle.length);
      for (const c of bundle) if (!trustedSince.has(c)) trustedSince.set(c, clock.t);
      const x = new X509Certificate(m.cert);
      expect(new Date(x.validFrom).getTime(), 'leaf not yet valid').toBeLessThanOrEqual(clock.t);
      expect(new Date(x.validTo).getTime(), 'leaf expired').toBeGreaterThan(clock.t);
      const signer = bundle.find((c) => signedBy(m.cert, c));
      expect(signer, 'leaf signed by a CA outside the bundle').toBeDefined();
      const ca = new X509Certificate(signer!);
      expect(new Date(ca.validTo).getTime(), 'signing CA expired').toBeGreaterThan(clock.t);
      // The very first CA signs at once: no webhook configuration could hold an older bundle.
      if (signers.size > 0 && !signers.has(signer!)) expect(clock.t - trustedSince.get(signer!)!).toBeGreaterThanOrEqual(8_000);
      signers.add(signer!);
      leaves.add(m.cert);
    }
    // 100 s of 45 s CAs rotated at 30 s: at least two rotations; 15 s leaves renewed at 10 s (or cut short by the CA).
    expect(signers.size).toBeGreaterThanOrEqual(3);
    expect(leaves.size).toBeGreaterThanOrEqual(8);
    expect(maxBundle).toBe(2);
    expect(updates.length).toBeGreaterThanOrEqual(leaves.size);
  });

  it('adopts a renewal written by another replica when its own update conflicts', async () => {
    const clock = { t: Date.now() };
    const a: CertMaterial[] = [];
    const replicaA = make(clock, a);
    await replicaA.syncOnce();
    const original = fake.get(SECRETS('ma'), 'mesh-admission-certs')!;
    clock.t += 25 * DAY;
    // Let replica B renew, remember its Secret, then rewind so A starts from the same old state.
    const renewedByB = await make(clock, []).syncOnce();
    const bSecret = fake.get(SECRETS('ma'), 'mesh-admission-certs')!;
    fake.put(SECRETS('ma'), original);
    // B's write lands between A's read and A's update: A gets 409 Conflict, re-reads, and adopts B's pair.
    fake.admission = ({ operation, path }) => {
      if (operation !== 'UPDATE' || path.resource !== 'secrets') return undefined;
      fake.admission = undefined;
      fake.put(SECRETS('ma'), bSecret);
      return { code: 409, reason: 'Conflict', message: 'the object has been modified' };
    };
    const seenByA = await replicaA.syncOnce();
    expect(seenByA).toEqual(renewedByB);
    expect(a).toHaveLength(2);
    expect(fake.requests.filter((r) => r.method === 'PUT')).toHaveLength(2);
  });

  it('picks up changes from the Secret on its check interval', async () => {
    const clock = { t: Date.now() };
    const a: CertMaterial[] = [];
    const b: CertMaterial[] = [];
    const replicaA = make(clock, a);
    const replicaB = new SelfManagedCerts({
      kc: fake.kubeConfig(),
      namespace: 'ma',
      secretName: 'mesh-admission-certs',
      dnsNames: ['mesh-admission.ma.svc'],
      caValidityMs: 300 * DAY,
      servingValidityMs: 30 * DAY,
      onUpdate: (m) => b.push(m),
      now: () => new Date(clock.t),
      checkIntervalMs: 30,
    });
    await replicaA.syncOnce();
    await replicaB.start();
    try {
      clock.t += 25 * DAY;
      const renewed = await replicaA.syncOnce();
      await new Promise<void>((resolve, reject) => {
        const deadline = Date.now() + 3000;
        const tick = (): void => {
          if (b.length === 2) return resolve();
          if (Date.now() > deadline) return reject(new Error('replica B never saw the renewal'));
          setTimeout(tick, 10);
        };
        tick();
      });
      expect(b[1]).toEqual(renewed);
    } finally {
      replicaB.stop();
    }
  });

  it('rebuilds a Secret whose key does not match its certificate', async () => {
    const clock = { t: Date.now() };
    const updates: CertMaterial[] = [];
    const first = await make(clock, updates).syncOnce();
    const s = fake.get(SECRETS('ma'), 'mesh-admission-certs')!;
    const data = s['data'] as Record<string, string>;
    fake.put(SECRETS('ma'), { ...s, data: { ...data, 'tls.key': data['ca.key']! } });
    const healed = await make(clock, []).syncOnce();
    expect(healed.cert).not.toBe(first.cert);
    expect(keyMatchesCert(healed.cert, healed.key)).toBe(true);
  });

  it('exposes seconds to expiry for the serving cert and the CA', async () => {
    const clock = { t: Date.now() };
    const reg = new Registry();
    const sm = make(clock, [], reg);
    await sm.syncOnce();
    const metric = await reg.getSingleMetric('mesh_admission_cert_expiry_seconds')!.get();
    const byCert = Object.fromEntries(metric.values.map((v) => [String(v.labels.cert), v.value / 86_400]));
    expect(byCert['serving']).toBeGreaterThan(29.9);
    expect(byCert['serving']).toBeLessThan(30.01);
    expect(byCert['ca']).toBeGreaterThan(299.9);
  });

  it('reports API failures with the server message', async () => {
    fake.failNext('GET', /secrets\/mesh-admission-certs$/, 403, 'secrets "mesh-admission-certs" is forbidden');
    await expect(make({ t: Date.now() }, []).syncOnce()).rejects.toThrow(
      /Kubernetes API read Secret ma\/mesh-admission-certs failed: secrets "mesh-admission-certs" is forbidden/,
    );
  });
});
