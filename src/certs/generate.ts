import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { admissionError, describeError } from '../errors.js';

export interface PemPair {
  certPem: string;
  keyPem: string;
}

export interface CAOptions {
  commonName?: string;
  validityDays?: number;
  /** Life in milliseconds; takes precedence over `validityDays` (short lives in tests, `--ca-validity`). */
  validityMs?: number;
  /** Start of validity; defaults to `backdateFor(life)` ago so clock skew between nodes does not reject a fresh cert. */
  notBefore?: Date;
}

export interface ServingCertOptions {
  dnsNames: string[];
  ipAddresses: string[];
  validityDays?: number;
  /** Life in milliseconds; takes precedence over `validityDays`. */
  validityMs?: number;
  notBefore?: Date;
  commonName?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
// A small backdate: kube-apiserver hosts with a slightly slow clock would otherwise reject a just-issued cert.
const BACKDATE_MS = 60 * 1000;

/**
 * How far before now a certificate of this life starts. A minute covers ordinary clock skew, but a fixed minute
 * would leave a 60 s certificate expired on issue, so short lives are backdated a tenth of their life instead.
 */
export function backdateFor(lifeMs: number): number {
  return Math.min(BACKDATE_MS, Math.floor(lifeMs / 10));
}

function lifeMs(opts: { validityDays?: number; validityMs?: number }, defaultDays: number): number {
  if (opts.validityMs !== undefined) {
    if (!Number.isFinite(opts.validityMs) || opts.validityMs < 1000) {
      throw admissionError('MA401_CERT_INVALID', `validityMs must be at least 1000, got ${opts.validityMs}`);
    }
    return opts.validityMs;
  }
  const days = opts.validityDays ?? defaultDays;
  if (!Number.isFinite(days) || days <= 0) {
    throw admissionError('MA401_CERT_INVALID', `validityDays must be a positive number, got ${days}`);
  }
  return days * DAY_MS;
}

function validityWindow(notBefore: Date | undefined, life: number): { notBeforeDate: Date; notAfterDate: Date } {
  const start = notBefore ?? new Date(Date.now() - backdateFor(life));
  return { notBeforeDate: start, notAfterDate: new Date(start.getTime() + life) };
}

/**
 * The certificate generator and its X.509 stack weigh about 15 MiB; a server given its certificate files
 * (cert-manager, istio-csr) never generates one, so it is loaded on first use.
 */
function loadSelfsigned(): Promise<typeof import('selfsigned')> {
  return import('selfsigned');
}

/**
 * A self-signed CA on EC P-256 with SHA-256. SHA-256 is forced because selfsigned defaults to SHA-1,
 * which Go's TLS stack (and so kube-apiserver) refuses.
 */
export async function generateCA(opts: CAOptions = {}): Promise<PemPair> {
  const { generate } = await loadSelfsigned();
  const commonName = opts.commonName ?? `mesh-admission-ca-${randomBytes(4).toString('hex')}`;
  const window = validityWindow(opts.notBefore, lifeMs(opts, 3650));
  const out = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    ...window,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { certPem: out.cert, keyPem: out.private };
}

/** A leaf serving cert signed by `ca`, usable for TLS server auth on every given DNS name and IP. */
export async function issueServingCert(ca: PemPair, opts: ServingCertOptions): Promise<PemPair> {
  if (opts.dnsNames.length === 0 && opts.ipAddresses.length === 0) {
    throw admissionError('MA401_CERT_INVALID', 'a serving certificate needs at least one DNS name or IP address');
  }
  for (const ip of opts.ipAddresses) {
    if (isIP(ip) === 0) throw admissionError('MA401_CERT_INVALID', `not an IP address: "${ip}"`);
  }
  for (const name of opts.dnsNames) {
    if (name.length === 0 || /\s/.test(name)) throw admissionError('MA401_CERT_INVALID', `not a DNS name: "${name}"`);
  }
  const window = validityWindow(opts.notBefore, lifeMs(opts, 365));
  const commonName = opts.commonName ?? opts.dnsNames[0] ?? opts.ipAddresses[0]!;
  const altNames = [
    ...opts.dnsNames.map((value) => ({ type: 2 as const, value })),
    ...opts.ipAddresses.map((ip) => ({ type: 7 as const, ip })),
  ];
  const { generate } = await loadSelfsigned();
  let out;
  try {
    out = await generate([{ name: 'commonName', value: commonName }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      ...window,
      ca: { key: ca.keyPem, cert: ca.certPem },
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames },
      ],
    });
  } catch (e) {
    throw admissionError('MA401_CERT_INVALID', `cannot sign with the given CA: ${describeError(e)}`);
  }
  return { certPem: out.cert, keyPem: out.private };
}

/** All PEM CERTIFICATE blocks in a string (a bundle may hold several CAs during a rotation overlap). */
export function splitPemCertificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

/** Parse the first certificate of a PEM string, with a catalogue error instead of an OpenSSL crash message. */
export function parseCertificate(pem: string): X509Certificate {
  const first = splitPemCertificates(pem)[0];
  if (first === undefined) throw admissionError('MA401_CERT_INVALID', 'no PEM CERTIFICATE block found');
  try {
    return new X509Certificate(first);
  } catch (e) {
    throw admissionError('MA401_CERT_INVALID', `certificate does not parse: ${describeError(e)}`);
  }
}

/** The notAfter of the first certificate in `pem`. */
export function certExpiry(pem: string): Date {
  return new Date(parseCertificate(pem).validTo);
}

/** The notBefore of the first certificate in `pem`. */
export function certNotBefore(pem: string): Date {
  return new Date(parseCertificate(pem).validFrom);
}

/**
 * True when `keyPem` is the private key for the first certificate of `certPem`. A watcher uses this to refuse
 * a half-rotated pair (new cert next to old key), which would make every TLS handshake fail.
 */
export function keyMatchesCert(certPem: string, keyPem: string): boolean {
  let cert: X509Certificate;
  try {
    cert = parseCertificate(certPem);
    return cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

/** Throws a specific error unless the pair parses, matches, and is currently within its validity window. */
export function assertUsablePair(certPem: string, keyPem: string, now: Date = new Date()): X509Certificate {
  const cert = parseCertificate(certPem);
  try {
    createPrivateKey(keyPem);
  } catch (e) {
    throw admissionError('MA401_CERT_INVALID', `private key does not parse: ${describeError(e)}`);
  }
  if (!keyMatchesCert(certPem, keyPem)) {
    throw admissionError('MA401_CERT_INVALID', 'private key does not match the certificate');
  }
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  if (now < from) throw admissionError('MA401_CERT_INVALID', `certificate not valid before ${from.toISOString()}`);
  if (now >= to) throw admissionError('MA401_CERT_INVALID', `certificate expired at ${to.toISOString()}`);
  return cert;
}
