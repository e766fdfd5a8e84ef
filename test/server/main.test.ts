import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from 'node:https';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testTempDir } from '../tmp.js';

const ROOT = resolve(import.meta.dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

describe('npm start (src/main.ts) as a process', () => {
  const certs = testTempDir('mesh-admission-main-');
  afterAll(() => rmSync(certs, { recursive: true, force: true }));

  it('generates dev certs, injects over HTTPS with templates/, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--port', String(port), '--monitoring-port', '0', '--drain-period', '200ms', '--certs-dir', certs], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    for (let i = 0; i < 200 && !log.includes('mesh-admission listening'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(log).toContain('mesh-admission listening');
    expect(log).toContain('caBundle');

    const ca = readFileSync(join(certs, 'ca.crt'), 'utf8');
    const review = JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { uid: 'main-1', namespace: 'default', operation: 'CREATE', object: { metadata: { name: 'web' }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
    });
    const res = await new Promise<{ status: number; body: string }>((ok, fail) => {
      const req = request({ host: '127.0.0.1', port, path: '/inject', method: 'POST', ca, servername: 'localhost', headers: { 'content-type': 'application/json' } }, (r) => {
        let b = '';
        r.on('data', (c: Buffer) => (b += c.toString()));
        r.on('end', () => ok({ status: r.statusCode ?? 0, body: b }));
      });
      req.on('error', fail);
      req.end(review);
    });
    expect(res.status).toBe(200);
    const response = JSON.parse(res.body).response as { uid: string; allowed: boolean; patch: string };
    expect(response.uid).toBe('main-1');
    expect(response.allowed).toBe(true);
    const patch = Buffer.from(response.patch, 'base64').toString();
    expect(patch).toContain('docker.io/istio/proxyv2');
    expect(patch).toContain('mesh-admission.io/template-hash');
    // The admission is logged as one structured line.
    await new Promise((r) => setTimeout(r, 100));
    expect(log).toMatch(/"uid":"main-1".*"decision":"injected"/);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 40_000);

  it('refuses bad flags with a usage message and exit 1', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--port', 'many'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((ok) => child.on('exit', ok));
    expect(code).toBe(1);
    expect(err).toContain('--port must be an integer');
  }, 20_000);
});
