import { mkdir, readFile, writeFile, rename, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { assertUsablePair, generateCA, issueServingCert, parseCertificate } from './generate.js';

export interface DevCerts {
  certFile: string;
  keyFile: string;
  caFile: string;
  /** base64 of the CA PEM, ready for a webhook configuration's `clientConfig.caBundle`. */
  caBundle: string;
  /** false when valid files already on disk were reused. */
  generated: boolean;
}

export interface DevCertOptions {
  service: string;
  namespace: string;
  validityDays?: number;
}

/** The SANs a webhook Service is reached by, plus loopback for local runs. */
export function devSubjectNames(service: string, namespace: string): { dnsNames: string[]; ipAddresses: string[] } {
  return {
    dnsNames: [`${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`, 'localhost'],
    ipAddresses: ['127.0.0.1'],
  };
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

// Write-then-rename so a concurrently starting process never reads a truncated file.
async function writeAtomic(file: string, content: string, mode: number): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  await writeFile(tmp, content, { mode });
  await chmod(tmp, mode);
  await rename(tmp, file);
}

function coversNames(certPem: string, dnsNames: string[], ips: string[]): boolean {
  const cert = parseCertificate(certPem);
  return dnsNames.every((n) => cert.checkHost(n) !== undefined) && ips.every((ip) => cert.checkIP(ip) !== undefined);
}

/**
 * Make sure `dir` holds a usable serving pair for local development. Existing files are kept when they parse,
 * match, are unexpired, cover the service names and (if ca.crt is present) chain to that CA; otherwise a fresh
 * CA and serving cert replace them.
 */
export async function ensureDevCerts(dir: string, opts: DevCertOptions): Promise<DevCerts> {
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  const caFile = join(dir, 'ca.crt');
  const caKeyFile = join(dir, 'ca.key');
  const names = devSubjectNames(opts.service, opts.namespace);

  const [cert, key, ca] = await Promise.all([readIfPresent(certFile), readIfPresent(keyFile), readIfPresent(caFile)]);
  if (cert !== undefined && key !== undefined) {
    try {
      const leaf = assertUsablePair(cert, key);
      const caPem = ca ?? cert;
      if (coversNames(cert, names.dnsNames, names.ipAddresses) && leaf.checkIssued(parseCertificate(caPem)) && leaf.verify(parseCertificate(caPem).publicKey)) {
        return { certFile, keyFile, caFile, caBundle: Buffer.from(caPem).toString('base64'), generated: false };
      }
    } catch {
      // Unusable files are regenerated below; a dev helper should heal, not refuse to start.
    }
  }

  await mkdir(dir, { recursive: true });
  const caPair = await generateCA({ commonName: `${opts.service}.${opts.namespace} dev CA` });
  const leaf = await issueServingCert(caPair, { ...names, validityDays: opts.validityDays ?? 365 });
  await writeAtomic(caFile, caPair.certPem, 0o644);
  await writeAtomic(caKeyFile, caPair.keyPem, 0o600);
  // Key before cert: a watcher that fires between the two renames sees a mismatched pair and waits.
  await writeAtomic(keyFile, leaf.keyPem, 0o600);
  await writeAtomic(certFile, leaf.certPem, 0o644);
  return { certFile, keyFile, caFile, caBundle: Buffer.from(caPair.certPem).toString('base64'), generated: true };
}
