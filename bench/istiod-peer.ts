/**
 * istiod's own webhook as a benchmark peer: the oracle's `serve` verb (Istio's injection and
 * validation handlers from istio.io/istio, pinned in test/oracle/go.mod) over HTTPS, with the same
 * templates/ settings as the mesh-admission server, loaded with the same requests in the same run.
 * CPU per request is the server process' user+system time (from /proc) over the run, divided by
 * the requests served, so a noisy machine inflates latency but not that figure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateCA, issueServingCert } from '../src/certs/generate.js';
import { ensureOracle, goAvailable } from '../test/oracle/oracle.js';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
}
export type LoadFn = (port: number, path: string, body: string, total: number, concurrency: number) => Promise<LoadResult>;

export interface PeerRequest {
  name: string;
  path: string;
  body: string;
}

const TEMPLATES = resolve(import.meta.dirname, '../templates');

/** User+system CPU seconds of a process so far, from /proc/<pid>/stat (Linux, clock ticks of 1/100 s). */
function cpuSeconds(pid: number | undefined): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function startIstiod(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const { path } = ensureOracle((s) => process.stderr.write(s));
  const ca = await generateCA();
  const leaf = await issueServingCert(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  writeFileSync(join(dir, 'tls.crt'), leaf.certPem);
  writeFileSync(join(dir, 'tls.key'), leaf.keyPem);
  // Port 0 is not accepted by every caller; pick a free one by letting the kernel choose first.
  const { createServer } = await import('node:net');
  const port = await new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => ok(typeof a === 'object' && a ? a.port : 0));
    });
  });
  const args = ['serve', '--port', String(port), '--tls-cert-file', join(dir, 'tls.crt'), '--tls-key-file', join(dir, 'tls.key'),
    '--injectConfigFile', join(TEMPLATES, 'config'), '--valuesFile', join(TEMPLATES, 'values'), '-r', 'default', '--native-sidecars', 'true'];
  const child = spawn(path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((ok, fail) => {
    let buf = '';
    child.stderr!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('oracle serving')) ok();
    });
    child.on('exit', (code) => fail(new Error(`istiod peer exited with ${code}: ${buf.slice(-500)}`)));
  });
  return { child, port };
}

/**
 * Rows for the bench table: each request against mesh-admission and istiod, with req/s, p50/p99,
 * CPU per request and the ratio mesh-admission / istiod. Returns one explanatory row when Go or the
 * oracle build is unavailable, so `npm run bench` still completes.
 */
export async function istiodPeerRows(opts: {
  load: LoadFn;
  mesh: { port: number; pid: number | undefined };
  requests: readonly PeerRequest[];
  total: number;
  concurrency: number;
}): Promise<string[][]> {
  if (!goAvailable()) return [['istiod peer', 'skipped: no Go toolchain on PATH', '']];
  const dir = mkdtempSync(join(tmpdir(), 'istiod-peer-'));
  let istiod: { child: ChildProcess; port: number } | undefined;
  try {
    try {
      istiod = await startIstiod(dir);
    } catch (e) {
      return [['istiod peer', `skipped: ${e instanceof Error ? e.message : String(e)}`.slice(0, 200), '']];
    }
    const rows: string[][] = [];
    for (const r of opts.requests) {
      const measure = async (port: number, pid: number | undefined) => {
        const c0 = cpuSeconds(pid);
        const res = await opts.load(port, r.path, r.body, opts.total, opts.concurrency);
        // The load includes a warm-up of concurrency*4 requests before the timed part.
        const cpuMs = ((cpuSeconds(pid) - c0) * 1000) / (opts.total + opts.concurrency * 4);
        return { ...res, cpuMs };
      };
      const m = await measure(opts.mesh.port, opts.mesh.pid);
      const i = await measure(istiod.port, istiod.child.pid);
      const fmt = (x: LoadResult & { cpuMs: number }) =>
        `${Math.round(x.rps)} req/s, p50 ${x.p50.toFixed(2)} ms, p99 ${x.p99.toFixed(2)} ms, ${x.cpuMs.toFixed(2)} ms CPU/req`;
      rows.push([`${r.name}: mesh-admission`, fmt(m), '']);
      rows.push([`${r.name}: istiod (Istio's handler)`, fmt(i), `mesh-admission/istiod: ${(m.rps / i.rps).toFixed(2)}× req/s, ${(m.cpuMs / i.cpuMs).toFixed(2)}× CPU/req`]);
    }
    return rows;
  } finally {
    istiod?.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
