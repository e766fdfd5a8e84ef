import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../kube/harness.js';
import { testTempDir } from '../tmp.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** `npm start -- --injection-policy FILE` as a process: the policy denies, reloads live, keeps the last good one. */
describe('--injection-policy on the server', () => {
  const dir = testTempDir('mesh-admission-policy-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('denies a violating pod, keeps the policy through an invalid edit, and applies a valid one', async () => {
    const policyFile = join(dir, 'policy.yaml');
    writeFileSync(policyFile, 'maxProxyResources: {memory: 4Gi}\n');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', '--port', '0', '--certs-dir', dir, '--injection-policy', policyFile, '--log-level', 'info'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    try {
      await until(() => log.includes('mesh-admission listening'), 30_000, 100);
      // Port 0: the kernel picked one; Fastify logs the address it bound.
      const target = Number(/127\.0\.0\.1:(\d+)/.exec(log)?.[1]);
      expect(target).toBeGreaterThan(0);
      const ca = readFileSync(join(dir, 'ca.crt'), 'utf8');
      const admit = (uid: string) =>
        new Promise<{ allowed: boolean; status?: { message?: string } }>((ok, fail) => {
          const review = JSON.stringify({
            apiVersion: 'admission.k8s.io/v1',
            kind: 'AdmissionReview',
            request: {
              uid,
              namespace: 'default',
              operation: 'CREATE',
              object: { metadata: { name: 'web', annotations: { 'sidecar.istio.io/proxyMemory': '1000Ti' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
            },
          });
          const req = request({ host: '127.0.0.1', port: target, path: '/inject', method: 'POST', ca, servername: 'localhost', headers: { 'content-type': 'application/json' } }, (r) => {
            let b = '';
            r.on('data', (c: Buffer) => (b += c.toString()));
            r.on('end', () => ok(JSON.parse(b).response));
          });
          req.on('error', fail);
          req.end(review);
        });
      expect(log).toContain('injection policy activated');
      const denied = await admit('p-1');
      expect(denied.allowed).toBe(false);
      expect(denied.status?.message).toContain('annotation sidecar.istio.io/proxyMemory sets istio-proxy resources.requests.memory to 1000Ti, above maxProxyResources memory 4Gi');

      writeFileSync(policyFile, 'maxProxyResources: {memory: lots}\n');
      await until(() => log.includes('injection policy rejected; keeping the last good one'), 10_000, 50);
      expect(log).toContain('maxProxyResources.memory: lots');
      expect((await admit('p-2')).allowed).toBe(false);

      writeFileSync(policyFile, 'maxProxyResources: {memory: 2000Ti}\n');
      await until(() => log.split('injection policy activated').length === 3, 10_000, 50);
      expect((await admit('p-3')).allowed).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);

  it('refuses to start with an invalid policy file', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'denyPrivilegedProxy: sometimes\n');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--port', '0', '--certs-dir', dir, '--injection-policy', bad], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((ok) => child.on('exit', ok));
    expect(code).toBe(1);
    expect(err).toContain(`invalid initial injection policy: invalid injection policy ${bad}: denyPrivilegedProxy: must be true or false`);
  }, 30_000);
});
