import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTempDir } from '../tmp.js';

/**
 * The server as a process: health while a large admission runs, resident memory under floods of large and
 * stalled bodies, monitoring on its own port, and a bounded graceful shutdown.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const MiB = 1024 * 1024;
/** The manifests' memory limit. */
const MEMORY_LIMIT = 512 * MiB;

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** Peak resident memory (VmHWM) of a process, from /proc. */
function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

describe('npm start as a process: health, memory, monitoring, shutdown', () => {
  const certs = testTempDir('mesh-admission-lifecycle-');
  let child: ChildProcess;
  let port: number;
  let monPort: number;
  let ca: string;
  let log = '';
  let exited: Promise<number | null>;
  const DRAIN = 1500;
  const SHUTDOWN = 1500;

  beforeAll(async () => {
    port = await freePort();
    monPort = await freePort();
    // What `npm start` and the image run: the compiled server (rebuilt first when a source is newer).
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-if-stale.mjs')], { cwd: ROOT, stdio: 'ignore' });
    child = spawn(
      process.execPath,
      [join(ROOT, 'dist/main.js'), '--port', String(port), '--monitoring-port', String(monPort), '--certs-dir', certs, '--log-level', 'warn',
        '--drain-period', `${DRAIN}ms`, '--shutdown-timeout', `${SHUTDOWN}ms`, '--request-timeout', '30s', '--headers-timeout', '5s',
        // What the manifests' Deployment runs: its 1-CPU limit makes the cgroup quota give one worker.
        '--workers', '1'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    exited = new Promise((ok) => child.on('exit', (code) => ok(code)));
    for (let i = 0; i < 300; i++) {
      try {
        ca = readFileSync(join(certs, 'ca.crt'), 'utf8');
        if ((await get('/healthz')).status === 200) break;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(certs, { recursive: true, force: true });
  });

  function send(method: string, path: string, body?: string | Buffer): Promise<Answer> {
    return new Promise((ok, fail) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port, path, method, ca, servername: 'localhost', agent: false, headers: { 'content-type': 'application/json' } },
        (r) => {
          let b = '';
          r.on('data', (c: Buffer) => (b += c.toString()));
          r.on('end', () => ok({ status: r.statusCode ?? 0, body: b, headers: r.headers }));
        },
      );
      req.on('error', fail);
      req.end(body);
    });
  }
  const get = (path: string) => send('GET', path);
  const review = (uid: string, object: unknown) => JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid, namespace: 'default', operation: 'CREATE', object } });

  /** Worst /healthz latency while `work` runs, polling every 20 ms. */
  async function worstHealthLatency(work: Promise<unknown>): Promise<{ worst: number; polls: number }> {
    let done = false;
    void work.finally(() => (done = true));
    let worst = 0;
    let polls = 0;
    while (!done) {
      const t = performance.now();
      expect((await get('/healthz')).status).toBe(200);
      worst = Math.max(worst, performance.now() - t);
      polls++;
      await new Promise((r) => setTimeout(r, 20));
    }
    return { worst, polls };
  }

  const podWithEnv = (n: number) => ({
    metadata: { name: 'big', annotations: { note: 'x'.repeat(200_000) } },
    spec: { containers: [{ name: 'app', image: 'nginx', env: Array.from({ length: n }, (_, i) => ({ name: `VAR_${i}`, value: `value-${i}` })) }] },
  });
  const routes = (n: number) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'vs', namespace: 'default' },
    spec: { hosts: ['h'], http: Array.from({ length: n }, (_, i) => ({ name: `r${i}`, match: [{ uri: { prefix: `/p${i}` } }], route: [{ destination: { host: 'h', port: { number: 80 } } }] })) },
  });

  async function healthDuring(path: string, uid: string, object: unknown): Promise<number> {
    const body = review(uid, object);
    const work = send('POST', path, body);
    const { worst, polls } = await worstHealthLatency(work);
    expect(JSON.parse((await work).body).response).toMatchObject({ uid, allowed: true });
    console.log(`health during a ${Math.round(body.length / 1024)} KiB admission on ${path}: worst ${Math.round(worst)} ms over ${polls} polls`);
    return worst;
  }

  it('answers /healthz within 1 s while a large pod (5,000 env vars, 200 KiB annotation) is injected', async () => {
    expect(await healthDuring('/inject', 'big-pod', podWithEnv(5_000))).toBeLessThan(1000);
  }, 60_000);

  // Admissions run in a worker thread and cost linear time, so even requests at the value limit leave the HTTP
  // thread free for the kubelet's probes.
  it('answers /healthz within 1 s while admissions at the value limit run', async () => {
    expect(await healthDuring('/inject', 'limit-pod', podWithEnv(30_000))).toBeLessThan(1000);
    expect(await healthDuring('/validate', 'limit-vs', routes(8_000))).toBeLessThan(1000);
  }, 120_000);

  it('stays under the 512 MiB memory limit under floods of 6-7 MiB bodies and 80 stalled 6 MiB bodies', async () => {
    const before = peakRss(child.pid!);
    // 50 concurrent clients, each posting 6-7 MiB bodies (over the 6 MiB limit half of the time), three rounds.
    const statuses = new Map<number, number>();
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const size = (i % 2 === 0 ? 6 * MiB - 1024 : 7 * MiB);
          const body = review(`f${i}`, { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
          const payload = Buffer.alloc(size, 0x20);
          payload.write(body);
          const r = await send('POST', '/inject', payload).catch(() => ({ status: -1, body: '', headers: {} }));
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        }),
      );
    }
    const afterFlood = peakRss(child.pid!);
    // 80 clients that announce 6 MiB, send 1 MiB of it and stall.
    const stalled = await Promise.all(
      Array.from({ length: 80 }, () =>
        new Promise<ReturnType<typeof tlsConnect>>((ok) => {
          const s = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
            s.write(`POST /inject HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${6 * MiB}\r\n\r\n`);
            s.write(Buffer.alloc(MiB, 0x20));
            ok(s);
          });
          s.on('error', () => {});
        }),
      ),
    );
    await new Promise((r) => setTimeout(r, 1500));
    // Health still answers next to them.
    expect((await get('/healthz')).status).toBe(200);
    const afterStalled = peakRss(child.pid!);
    for (const s of stalled) s.destroy();
    console.log(
      `peak RSS: ${Math.round(before / MiB)} MiB before, ${Math.round(afterFlood / MiB)} MiB after 150 bodies of 6-7 MiB at concurrency 50 ` +
        `(statuses ${JSON.stringify(Object.fromEntries(statuses))}), ${Math.round(afterStalled / MiB)} MiB with 80 stalled 6 MiB bodies`,
    );
    expect(statuses.get(500) ?? 0).toBe(0);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    // The requirement is the limit itself; measured 419 MiB for the compiled server (515 MiB under tsx).
    expect(afterStalled).toBeLessThan(MEMORY_LIMIT);
  }, 120_000);

  it('serves /metrics on the monitoring port only', async () => {
    const mon = await new Promise<Answer>((ok, fail) => {
      const req = httpRequest({ host: '127.0.0.1', port: monPort, path: '/metrics' }, (r) => {
        let b = '';
        r.on('data', (c: Buffer) => (b += c.toString()));
        r.on('end', () => ok({ status: r.statusCode ?? 0, body: b, headers: r.headers }));
      });
      req.on('error', fail);
      req.end();
    });
    expect(mon.status).toBe(200);
    expect(mon.body).toContain('sidecar_injection_requests_total');
    expect(mon.body).toContain('mesh_admission_rejected_busy_total');
    expect((await get('/metrics')).status).toBe(404);
    expect((await get('/debug/config')).status).toBe(404);
  });

  it('on SIGTERM drains (answers with Connection: close), then exits within drain + shutdown timeout despite a stalled client', async () => {
    // A client that starts a request and never finishes it (the request timeout is 30 s here).
    const stalled = await new Promise<ReturnType<typeof tlsConnect>>((ok) => {
      const s = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
        s.write(`POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
        ok(s);
      });
      s.on('error', () => {});
    });
    const t0 = performance.now();
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, DRAIN / 3));
    const during = await send('POST', '/inject', review('drain-1', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } }));
    expect(during.status).toBe(200);
    expect(JSON.parse(during.body).response.uid).toBe('drain-1');
    expect(during.headers['connection']).toBe('close');
    expect((await get('/readyz')).status).toBe(503);
    const code = await exited;
    const took = performance.now() - t0;
    stalled.destroy();
    expect(code).toBe(0);
    expect(took).toBeGreaterThan(DRAIN);
    expect(took).toBeLessThan((DRAIN + SHUTDOWN) * 2);
    expect(log).toContain('shutdown timeout: closing the remaining connections');
  }, 30_000);
});
