import { describe, it, expect, afterEach } from 'vitest';
import { writeFileSync, mkdirSync, symlinkSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import https from 'node:https';
import { X509Certificate } from 'node:crypto';
import Fastify from 'fastify';
import { generateCA, issueServingCert, type PemPair } from '../../src/certs/generate.js';
import { watchCertFiles, type CertKeyPair } from '../../src/certs/watch.js';
import { testTempDir } from '../tmp.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function tempDir(): string {
  const d = testTempDir('certwatch-');
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Lay out files the way the kubelet does for Secret volumes: name -> ..data/name, ..data -> ..<timestamp>. */
function kubeletWrite(dir: string, files: Record<string, string>, generation: number): void {
  const stamp = join(dir, `..gen_${generation}`);
  mkdirSync(stamp);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(stamp, name), content);
  const tmpLink = join(dir, '..data_tmp');
  symlinkSync(`..gen_${generation}`, tmpLink);
  renameSync(tmpLink, join(dir, '..data'));
  for (const name of Object.keys(files)) {
    try {
      symlinkSync(join('..data', name), join(dir, name));
    } catch {
      // already linked from an earlier generation
    }
  }
}

function waitFor<T>(pred: () => T | undefined, timeoutMs = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = (): void => {
      const v = pred();
      if (v !== undefined) return resolve(v);
      if (Date.now() - start > timeoutMs) return reject(new Error('timed out waiting'));
      setTimeout(tick, 20);
    };
    tick();
  });
}

async function pairFor(ca: PemPair, cn: string): Promise<PemPair> {
  return issueServingCert(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], commonName: cn });
}

describe('watchCertFiles', () => {
  it('follows a kubelet ..data symlink swap and debounces into one callback', async () => {
    const dir = tempDir();
    const ca = await generateCA();
    const a = await pairFor(ca, 'a');
    const b = await pairFor(ca, 'b');
    kubeletWrite(dir, { 'tls.crt': a.certPem, 'tls.key': a.keyPem }, 1);
    const seen: CertKeyPair[] = [];
    const errors: Error[] = [];
    const w = watchCertFiles(join(dir, 'tls.crt'), join(dir, 'tls.key'), (p) => seen.push(p), (e) => errors.push(e));
    cleanups.push(() => w.close());
    kubeletWrite(dir, { 'tls.crt': b.certPem, 'tls.key': b.keyPem }, 2);
    await waitFor(() => (seen.length > 0 ? true : undefined));
    await new Promise((r) => setTimeout(r, 250));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.cert).toBe(b.certPem);
    expect(seen[0]!.key).toBe(b.keyPem);
  });

  it('never emits a half-written pair, then emits once the key lands', async () => {
    const dir = tempDir();
    const ca = await generateCA();
    const a = await pairFor(ca, 'a');
    const b = await pairFor(ca, 'b');
    writeFileSync(join(dir, 'tls.crt'), a.certPem);
    writeFileSync(join(dir, 'tls.key'), a.keyPem);
    const seen: CertKeyPair[] = [];
    const errors: Error[] = [];
    const w = watchCertFiles(join(dir, 'tls.crt'), join(dir, 'tls.key'), (p) => seen.push(p), (e) => errors.push(e), {
      debounceMs: 30,
    });
    cleanups.push(() => w.close());
    writeFileSync(join(dir, 'tls.crt'), b.certPem); // new cert, old key: mismatched
    await waitFor(() => (errors.length > 0 ? true : undefined));
    expect(seen).toHaveLength(0);
    expect(errors[0]!.message).toMatch(/does not match/);
    // An editor-style replace (write elsewhere, rename over) for the key.
    writeFileSync(join(dir, 'tls.key.new'), b.keyPem);
    renameSync(join(dir, 'tls.key.new'), join(dir, 'tls.key'));
    await waitFor(() => (seen.length > 0 ? true : undefined));
    expect(seen[0]!.cert).toBe(b.certPem);
  });

  it('reports a missing file as an error without emitting', async () => {
    const dir = tempDir();
    const ca = await generateCA();
    const a = await pairFor(ca, 'a');
    writeFileSync(join(dir, 'tls.crt'), a.certPem);
    writeFileSync(join(dir, 'tls.key'), a.keyPem);
    const seen: CertKeyPair[] = [];
    const errors: Error[] = [];
    const w = watchCertFiles(join(dir, 'tls.crt'), join(dir, 'tls.key'), (p) => seen.push(p), (e) => errors.push(e), {
      debounceMs: 20,
    });
    cleanups.push(() => w.close());
    rmSync(join(dir, 'tls.key'));
    await waitFor(() => (errors.length > 0 ? true : undefined));
    expect(errors[0]!.message).toMatch(/cannot read certificate .*tls\.key/);
    expect(seen).toHaveLength(0);
  });
});

interface Probe {
  fingerprint: string;
  reused: boolean;
  body: string;
}

function get(port: string | number, agent: https.Agent, ca: string): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path: '/ping', agent, ca, servername: 'localhost' }, (res) => {
      const sock = res.socket as import('node:tls').TLSSocket;
      const fingerprint = sock.getPeerCertificate().fingerprint256;
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ fingerprint, reused: req.reusedSocket, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('hot TLS reload on a fastify HTTPS server', () => {
  it('serves the new cert on new connections while an open keep-alive connection keeps working', async () => {
    const dir = tempDir();
    const ca = await generateCA();
    const a = await pairFor(ca, 'cert-a');
    const b = await pairFor(ca, 'cert-b');
    kubeletWrite(dir, { 'tls.crt': a.certPem, 'tls.key': a.keyPem }, 1);
    const app = Fastify({ https: { key: a.keyPem, cert: a.certPem } });
    app.get('/ping', async () => 'pong');
    await app.listen({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => app.close());
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const port = address.port;

    let reloads = 0;
    const w = watchCertFiles(
      join(dir, 'tls.crt'),
      join(dir, 'tls.key'),
      (p) => {
        (app.server as import('node:https').Server).setSecureContext({ cert: p.cert, key: p.key });
        reloads++;
      },
      () => undefined,
    );
    cleanups.push(() => w.close());

    const fpA = new X509Certificate(a.certPem).fingerprint256;
    const fpB = new X509Certificate(b.certPem).fingerprint256;
    const keepAlive = new https.Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(() => keepAlive.destroy());
    const before = await get(port, keepAlive, ca.certPem);
    expect(before.fingerprint).toBe(fpA);

    kubeletWrite(dir, { 'tls.crt': b.certPem, 'tls.key': b.keyPem }, 2);
    await waitFor(() => (reloads > 0 ? true : undefined));

    const fresh = new https.Agent({ keepAlive: false });
    cleanups.push(() => fresh.destroy());
    const after = await get(port, fresh, ca.certPem);
    expect(after.fingerprint).toBe(fpB);
    expect(after.body).toBe('pong');

    const old = await get(port, keepAlive, ca.certPem);
    expect(old.reused).toBe(true);
    expect(old.fingerprint).toBe(fpA);
    expect(old.body).toBe('pong');
  });
});
