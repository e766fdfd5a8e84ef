/**
 * `npm run bench`: medians of the pure pipeline stages, then HTTP throughput of the real server
 * against a bare node:https echo server measured in the same run (ratios, since machines are noisy).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { resolve } from 'node:path';
import { injectAdmission } from '../src/inject/webhook.js';
import { validateObject } from '../src/validate/webhook.js';
import { istiodPeerRows } from './istiod-peer.js';
import { AUTHORIZATION_POLICY, VIRTUAL_SERVICE, admissionReview, defaultSettings, envHeavyPod, realisticPod } from './fixtures.js';

const QUICK = process.argv.includes('--quick');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))]!;
}

/** CPU time per call (user+sys), median over batches, so other processes do not inflate it. */
function cpuMedianMs(fn: () => void, batches: number, perBatch: number, warmup = 3000): number {
  // Steady state: let the JIT settle first, as a long-running server does.
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = process.cpuUsage();
    for (let i = 0; i < perBatch; i++) fn();
    const d = process.cpuUsage(start);
    samples.push((d.user + d.system) / 1000 / perBatch);
  }
  return median(samples);
}

const rows: string[][] = [];
const settings = defaultSettings();
const pod = realisticPod();
const heavy = envHeavyPod();
const inject = (object: unknown) => {
  const d = injectAdmission(settings, { uid: 'b', namespace: 'bookinfo', object }, '/inject');
  if (!d.allowed || !d.patch) throw new Error(`bench pod not injected: ${d.message ?? d.reason}`);
};
const realisticMs = cpuMedianMs(() => inject(pod), QUICK ? 5 : 15, 200);
const heavyMs = cpuMedianMs(() => inject(heavy), QUICK ? 3 : 7, 10, 100);
const vsMs = cpuMedianMs(() => validateObject(VIRTUAL_SERVICE), 15, 1000);
const apMs = cpuMedianMs(() => validateObject(AUTHORIZATION_POLICY), 15, 1000);
rows.push(['inject realistic pod (full pipeline, CPU)', `${realisticMs.toFixed(3)} ms`, 'target < 1 ms']);
rows.push(['inject 2000-env pod (full pipeline, CPU)', `${heavyMs.toFixed(2)} ms`, 'target < 20 ms']);
rows.push(['validate VirtualService (CPU)', `${(vsMs * 1000).toFixed(1)} µs`, '']);
rows.push(['validate AuthorizationPolicy (CPU)', `${(apMs * 1000).toFixed(1)} µs`, '']);

/** Resident memory of a process, from /proc (Linux). */
function rssMiB(pid: number | undefined): string {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? (Number(m[1]) / 1024).toFixed(0) : '?';
  } catch {
    return '?';
  }
}

async function startServer(kind: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'servers.ts'), kind], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((ok, fail) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /PORT (\d+)/.exec(buf);
      if (m) ok(Number(m[1]));
    });
    child.on('exit', (code) => fail(new Error(`${kind} server exited with ${code}`)));
  });
  return { child, port };
}

/** Closed-loop load on keep-alive connections (as the API server does), bounded in count. */
async function load(port: number, path: string, body: string, total: number, concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, rejectUnauthorized: false });
  const latencies: number[] = [];
  let next = 0;
  const one = () =>
    new Promise<void>((ok, fail) => {
      const t0 = process.hrtime.bigint();
      const req = request(
        { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 200) fail(new Error(`HTTP ${res.statusCode}`));
            latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            ok();
          });
        },
      );
      req.on('error', fail);
      req.end(body);
    });
  const worker = async () => {
    while (next < total) {
      next++;
      await one();
    }
  };
  for (let i = 0; i < concurrency * 4; i++) await one(); // warm connections and JIT
  latencies.length = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  agent.destroy();
  return { rps: latencies.length / secs, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

const total = QUICK ? 1500 : 6000;
const concurrency = 16;
const echo = await startServer('echo');
const mesh = await startServer('mesh');
try {
  const podReview = admissionReview(pod);
  const vsReview = admissionReview(VIRTUAL_SERVICE, { group: 'networking.istio.io', version: 'v1', kind: 'VirtualService' }, { group: 'networking.istio.io', version: 'v1', resource: 'virtualservices' });
  const apReview = admissionReview(AUTHORIZATION_POLICY, { group: 'security.istio.io', version: 'v1', kind: 'AuthorizationPolicy' }, { group: 'security.istio.io', version: 'v1', resource: 'authorizationpolicies' });
  const base = await load(echo.port, '/', podReview, total, concurrency);
  const inj = await load(mesh.port, '/inject', podReview, total, concurrency);
  const vs = await load(mesh.port, '/validate', vsReview, total, concurrency);
  const ap = await load(mesh.port, '/validate', apReview, total, concurrency);
  const fmt = (r: { rps: number; p50: number; p99: number }) => `${Math.round(r.rps)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`;
  rows.push(['HTTPS baseline: bare node:https echo', fmt(base), '1.00×']);
  rows.push(['HTTPS /inject realistic pod', fmt(inj), `${(inj.rps / base.rps).toFixed(2)}× baseline`]);
  rows.push(['HTTPS /validate VirtualService', fmt(vs), `${(vs.rps / base.rps).toFixed(2)}× baseline (target ≥ 0.5×)`]);
  rows.push(['HTTPS /validate AuthorizationPolicy', fmt(ap), `${(ap.rps / base.rps).toFixed(2)}× baseline (target ≥ 0.5×)`]);
  rows.push(['server RSS after the runs', `${rssMiB(mesh.child.pid)} MiB (echo baseline ${rssMiB(echo.child.pid)} MiB)`, 'peers ship 128–512 MiB limits']);
  // istiod's own handlers (the oracle's serve verb), same requests and templates/ settings.
  const peerRequests = [
    { name: '/inject realistic pod', path: '/inject', body: podReview },
    { name: '/validate VirtualService', path: '/validate', body: vsReview },
  ];
  rows.push(...(await istiodPeerRows({ load, mesh: { port: mesh.port, pid: mesh.child.pid }, requests: peerRequests, total, concurrency })));
} finally {
  echo.child.kill();
  mesh.child.kill();
}

const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log(`mesh-admission benchmark (node ${process.version}, ${total} requests per HTTP run, concurrency ${concurrency}, keep-alive)`);
for (const r of rows) console.log(`  ${r[0]!.padEnd(w[0]!)}  ${r[1]!.padEnd(w[1]!)}  ${r[2]}`);
