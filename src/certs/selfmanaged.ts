import { X509Certificate, createPrivateKey } from 'node:crypto';
import { Gauge, type Registry } from 'prom-client';
import { admissionError, describeError } from '../errors.js';
import { apiErrorInfo, makeApis, type KubeApis, type KubeClient } from '../kube/client.js';
import type { Secret } from '../kube/types.js';
import { backdateFor, generateCA, issueServingCert, splitPemCertificates, type PemPair } from './generate.js';

/** What the TLS server and the webhook patcher need. `caBundle` is PEM and may hold several CAs during a rotation. */
export interface CertMaterial {
  cert: string;
  key: string;
  caBundle: string;
}

export interface SelfManagedCertOptions {
  kc: KubeClient;
  namespace: string;
  secretName: string;
  dnsNames: string[];
  ipAddresses?: string[];
  /** CA life; default 1825 days (`--ca-validity`). */
  caValidityMs?: number;
  /** Serving certificate life, never past its CA's notAfter; default 90 days (`--cert-validity`). */
  servingValidityMs?: number;
  /** Fraction of a certificate's lifetime after which it is replaced; 2/3 leaves a third for retries. */
  renewFraction?: number;
  /**
   * How long a new CA sits in the bundle before it signs: long enough for every replica to read the Secret and
   * patch the webhook caBundles. Counted from when it joined (its notBefore plus the backdate). Default 15 minutes.
   */
  caOverlapMs?: number;
  /** How often the Secret is re-read and renewal checked. */
  checkIntervalMs?: number;
  /** Called with new material whenever it differs from what was last delivered. */
  onUpdate: (m: CertMaterial) => void;
  onEvent?: (level: 'info' | 'warn', message: string) => void;
  registry?: Registry;
  /** Injectable clock for tests. */
  now?: () => Date;
}

interface Stored {
  /** The signing CA first, then CAs still trusted: a retiring one, and a pending one during a rotation. */
  caCerts: string[];
  caKey: string;
  /** Key of the pending CA: already in the bundle, not yet signing (phase one of a CA rotation). */
  nextCaKey?: string;
  cert: string;
  key: string;
}

/** Name match is not enough: successive CAs share a subject, so check the signature. */
function signedBy(leafPem: string, caPem: string): boolean {
  const leaf = new X509Certificate(leafPem);
  const ca = new X509Certificate(caPem);
  return leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
}

function keyOf(caCerts: string[], keyPem: string): string | undefined {
  const k = createPrivateKey(keyPem);
  return caCerts.find((c) => new X509Certificate(c).checkPrivateKey(k));
}

const DAY_MS = 86_400_000;
export const DEFAULT_CA_VALIDITY_MS = 1825 * DAY_MS;
export const DEFAULT_SERVING_VALIDITY_MS = 90 * DAY_MS;
export const DEFAULT_CA_OVERLAP_MS = 15 * 60_000;
export const DEFAULT_CHECK_INTERVAL_MS = 60_000;
const EXPIRY_METRIC = 'mesh_admission_cert_expiry_seconds';

/** One canonical text for a bundle, so a bundle re-read from the Secret compares equal to the one written. */
const joinPem = (certs: string[]): string => certs.map((c) => `${c.trim()}\n`).join('');
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string | undefined): string | undefined => (s === undefined ? undefined : Buffer.from(s, 'base64').toString('utf8'));

function window(pem: string): { from: number; to: number } {
  const x = new X509Certificate(pem);
  return { from: new Date(x.validFrom).getTime(), to: new Date(x.validTo).getTime() };
}

/** When a certificate was issued: its notBefore lies `backdateFor(life)` earlier. */
function issuedAt(pem: string): number {
  const w = window(pem);
  return w.from + backdateFor(w.to - w.from);
}

/** Decode and check a Secret; undefined when anything is missing or inconsistent, so it gets rebuilt. */
function decode(secret: Secret, now: number): Stored | undefined {
  const d = secret.data ?? {};
  const caPem = unb64(d['ca.crt']);
  const caKey = unb64(d['ca.key']);
  const cert = unb64(d['tls.crt']);
  const key = unb64(d['tls.key']);
  if (caPem === undefined || caKey === undefined || cert === undefined || key === undefined) return undefined;
  try {
    const caCerts = splitPemCertificates(caPem);
    if (caCerts.length === 0) return undefined;
    const ca = new X509Certificate(caCerts[0]!);
    const leaf = new X509Certificate(cert);
    if (!ca.checkPrivateKey(createPrivateKey(caKey))) return undefined;
    if (!leaf.checkPrivateKey(createPrivateKey(key))) return undefined;
    if (window(caCerts[0]!).to <= now) return undefined;
    const nextCaKey = unb64(d['ca-next.key']);
    // A pending key with no matching CA in the bundle is dropped; the rotation simply starts over.
    if (nextCaKey !== undefined && keyOf(caCerts.slice(1), nextCaKey) !== undefined) return { caCerts, caKey, nextCaKey, cert, key };
    return { caCerts, caKey, cert, key };
  } catch {
    return undefined;
  }
}

function encode(s: Stored): Record<string, string> {
  return {
    'ca.crt': b64(joinPem(s.caCerts)),
    'ca.key': b64(s.caKey),
    ...(s.nextCaKey !== undefined ? { 'ca-next.key': b64(s.nextCaKey) } : {}),
    'tls.crt': b64(s.cert),
    'tls.key': b64(s.key),
  };
}

/**
 * Self-managed webhook certificates: a CA and serving pair kept in one Secret shared by all replicas.
 * The serving cert is renewed at `renewFraction` of its life. The CA likewise, in two steps (see `plan`), and the
 * old CA stays in the bundle until it expires, so the API server trusts replicas serving a leaf from either CA.
 */
export class SelfManagedCerts {
  private readonly now: () => Date;
  private readonly renewFraction: number;
  private readonly caOverlapMs: number;
  private material: CertMaterial | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly core: KubeApis['core'];

  constructor(private readonly opts: SelfManagedCertOptions) {
    this.now = opts.now ?? (() => new Date());
    this.renewFraction = opts.renewFraction ?? 2 / 3;
    this.caOverlapMs = opts.caOverlapMs ?? DEFAULT_CA_OVERLAP_MS;
    if (!(this.renewFraction > 0 && this.renewFraction < 1)) {
      throw admissionError('MA401_CERT_INVALID', `renewFraction must be between 0 and 1, got ${this.renewFraction}`);
    }
    this.core = makeApis(opts.kc).core;
    if (opts.registry !== undefined) this.registerGauge(opts.registry);
  }

  private registerGauge(registry: Registry): void {
    if (registry.getSingleMetric(EXPIRY_METRIC) !== undefined) registry.removeSingleMetric(EXPIRY_METRIC);
    const self = this;
    new Gauge({
      name: EXPIRY_METRIC,
      help: 'Seconds until the webhook serving certificate (cert="serving") or its signing CA (cert="ca") expires.',
      labelNames: ['cert'],
      registers: [registry],
      collect() {
        const m = self.material;
        if (m === undefined) return;
        const now = self.now().getTime();
        this.set({ cert: 'serving' }, (window(m.cert).to - now) / 1000);
        const ca = splitPemCertificates(m.caBundle)[0];
        if (ca !== undefined) this.set({ cert: 'ca' }, (window(ca).to - now) / 1000);
      },
    });
  }

  current(): CertMaterial | undefined {
    return this.material;
  }

  /** Load or create the Secret, renew what is due, deliver the result, and keep checking on an interval. */
  async start(): Promise<CertMaterial> {
    const m = await this.syncOnce();
    const interval = this.opts.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS;
    const tick = (): void => {
      this.timer = setTimeout(() => {
        this.syncOnce()
          .catch((e: unknown) => this.opts.onEvent?.('warn', describeError(e)))
          .finally(() => {
            if (this.timer !== undefined) tick();
          });
      }, interval);
      this.timer.unref();
    };
    tick();
    return m;
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One read-decide-write round. Lost races (409) re-read and adopt what the other replica wrote. */
  async syncOnce(): Promise<CertMaterial> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const outcome = await this.round();
      if (outcome !== 'conflict') {
        this.deliver(outcome);
        return outcome;
      }
    }
    throw admissionError('MA701_KUBE_API', `update Secret ${this.opts.namespace}/${this.opts.secretName}`, 'kept conflicting with other writers');
  }

  private deliver(s: Stored | CertMaterial): void {
    const m: CertMaterial = 'caCerts' in s ? { cert: s.cert, key: s.key, caBundle: joinPem(s.caCerts) } : s;
    const prev = this.material;
    if (prev !== undefined && prev.cert === m.cert && prev.key === m.key && prev.caBundle === m.caBundle) return;
    this.material = m;
    this.opts.onUpdate(m);
  }

  private async round(): Promise<CertMaterial | 'conflict'> {
    const { namespace, secretName: name } = this.opts;
    const now = this.now().getTime();
    let secret: Secret | undefined;
    try {
      secret = await this.core.readNamespacedSecret({ namespace, name });
    } catch (e) {
      const info = apiErrorInfo(e);
      if (info.code !== 404) throw admissionError('MA701_KUBE_API', `read Secret ${namespace}/${name}`, info.message);
    }
    const stored = secret === undefined ? undefined : decode(secret, now);
    const next = await this.plan(stored, now);
    if (next === stored && stored !== undefined) return toMaterial(stored);

    const body: Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: {
        name,
        namespace,
        labels: { 'app.kubernetes.io/managed-by': 'mesh-admission' },
        ...(secret?.metadata?.resourceVersion !== undefined ? { resourceVersion: secret.metadata.resourceVersion } : {}),
      },
      data: encode(next),
    };
    try {
      if (secret === undefined) await this.core.createNamespacedSecret({ namespace, body });
      else await this.core.replaceNamespacedSecret({ namespace, name, body });
    } catch (e) {
      const info = apiErrorInfo(e);
      if (info.code === 409) return 'conflict';
      throw admissionError('MA701_KUBE_API', `${secret === undefined ? 'create' : 'update'} Secret ${namespace}/${name}`, info.message);
    }
    this.opts.onEvent?.('info', stored === undefined ? `created certificates in Secret ${namespace}/${name}` : `renewed certificates in Secret ${namespace}/${name}`);
    return toMaterial(next);
  }

  private due(pem: string, now: number): boolean {
    const w = window(pem);
    return now >= w.from + (w.to - w.from) * this.renewFraction;
  }

  /**
   * Returns `stored` itself when nothing needs to change. A CA rotation takes two steps so no replica ever
   * serves a leaf the API server cannot verify yet: first the new CA joins the bundle (and so every caBundle)
   * while the old one keeps signing; only after `caOverlapMs` does the new CA sign a fresh leaf.
   */
  private async plan(stored: Stored | undefined, now: number): Promise<Stored> {
    const caMs = this.opts.caValidityMs ?? DEFAULT_CA_VALIDITY_MS;
    const newCa = (): Promise<PemPair> =>
      generateCA({
        // Dated (to the second, for short test lives), so a bundle in the middle of a rotation is readable with openssl.
        commonName: `${this.opts.secretName}.${this.opts.namespace} CA ${new Date(now).toISOString().slice(0, 19)}Z`,
        validityMs: caMs,
        notBefore: new Date(now - backdateFor(caMs)),
      });

    let changed = false;
    let caCerts: string[];
    let caKey: string;
    let nextCaKey: string | undefined;
    if (stored === undefined) {
      const ca = await newCa();
      caCerts = [ca.certPem];
      caKey = ca.keyPem;
      changed = true;
    } else {
      caCerts = stored.caCerts;
      caKey = stored.caKey;
      nextCaKey = stored.nextCaKey;
      const pending = nextCaKey === undefined ? undefined : keyOf(caCerts.slice(1), nextCaKey);
      if (pending !== undefined && now >= issuedAt(pending) + this.caOverlapMs) {
        caCerts = [pending, ...caCerts.filter((c) => c !== pending)];
        caKey = nextCaKey!;
        nextCaKey = undefined;
        changed = true;
      } else if (pending === undefined && this.due(caCerts[0]!, now)) {
        const ca = await newCa();
        caCerts = [...caCerts, ca.certPem];
        nextCaKey = ca.keyPem;
        changed = true;
      }
    }
    // Expired CAs can no longer verify anything; dropping them keeps the bundle from growing forever.
    const pruned = caCerts.filter((c, i) => i === 0 || window(c).to > now);
    if (pruned.length !== caCerts.length) changed = true;
    const signing: PemPair = { certPem: pruned[0]!, keyPem: caKey };

    const leafOk =
      stored !== undefined &&
      !this.due(stored.cert, now) &&
      signedBy(stored.cert, signing.certPem) &&
      this.coversNames(stored.cert);
    if (leafOk && !changed) return stored;

    let cert = stored?.cert ?? '';
    let key = stored?.key ?? '';
    if (!leafOk) {
      // Never outlive the signing CA: a leaf valid past its issuer would fail verification early anyway.
      // (At least a second: the shortest life a certificate takes; a CA that close to its end is replaced anyway.)
      const caLeftMs = window(signing.certPem).to - now;
      const ms = Math.max(1000, Math.min(this.opts.servingValidityMs ?? DEFAULT_SERVING_VALIDITY_MS, caLeftMs));
      const leaf = await issueServingCert(signing, {
        dnsNames: this.opts.dnsNames,
        ipAddresses: this.opts.ipAddresses ?? [],
        validityMs: ms,
        notBefore: new Date(now - backdateFor(ms)),
      });
      cert = leaf.certPem;
      key = leaf.keyPem;
    }
    return { caCerts: pruned, caKey, ...(nextCaKey !== undefined ? { nextCaKey } : {}), cert, key };
  }

  private coversNames(pem: string): boolean {
    const x = new X509Certificate(pem);
    return (
      this.opts.dnsNames.every((n) => x.checkHost(n) !== undefined) &&
      (this.opts.ipAddresses ?? []).every((ip) => x.checkIP(ip) !== undefined)
    );
  }
}

function toMaterial(s: Stored): CertMaterial {
  return { cert: s.cert, key: s.key, caBundle: joinPem(s.caCerts) };
}
