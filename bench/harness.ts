/**
 * What the HTTP benchmark needs from a server under test, and how it loads one. A server is anything
 * that listens on a loopback port and answers AdmissionReviews: the echo floor, mesh-admission with N
 * workers, or a peer such as istiod; `bench/run.ts` measures every entry of its server list alike.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCA, issueServingCert } from '../src/certs/generate.js';

export interface RunningServer {
  port: number;
  /** The process whose CPU time and memory are measured. */
  pid: number;
  stop(): void;
}

export interface BenchServer {
  name: string;
  /** URL paths of the two webhooks (the echo floor answers any path). */
  injectPath: string;
  validatePath?: string;
  start(): Promise<RunningServer>;
}

/**
 * Start `node <args>` and wait until its stdout matches `ready`: the port is the match's first group, or
 * `port` when the caller chose it. Its stdout is read to the end (a server logging a line per request
 * must never block on a full pipe).
 */
export async function startProcess(args: string[], name: string, ready: RegExp = /PORT (\d+)/, port?: number): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const bound = await new Promise<number>((ok, fail) => {
    let buf = '';
    let done = false;
    child.stdout!.on('data', (d: Buffer) => {
      if (done) return;
      buf += d.toString();
      const m = ready.exec(buf);
      if (m) {
        done = true;
        buf = '';
        ok(port ?? Number(m[1]));
      }
    });
    child.on('exit', (code) => fail(new Error(`${name} server exited with ${code}`)));
  });
  return { port: bound, pid: child.pid!, stop: () => child.kill() };
}

/** A loopback TCP port nobody listens on (for servers that are told their port). */
export async function freePort(): Promise<number> {
  return new Promise<number>((ok) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => ok(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

let certs: Promise<{ cert: string; key: string }> | undefined;

/** One serving certificate for localhost/127.0.0.1, written to a temporary directory, shared by every server. */
export function benchCerts(): Promise<{ cert: string; key: string }> {
  certs ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mesh-admission-bench-'));
    const ca = await generateCA();
    const leaf = await issueServingCert(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const files = { cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key') };
    writeFileSync(files.cert, leaf.certPem);
    writeFileSync(files.key, leaf.keyPem);
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    return files;
  })();
  return certs;
}

/** Resident memory of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** User + system CPU of a whole process (every thread), in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5), counted after the command name: utime, stime.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  /** Server CPU per request (all its threads), ms. */
  cpuMsPerRequest: number;
  /** The load generator's own CPU per request (this process: TLS client, request bookkeeping), ms. */
  clientCpuMsPerRequest: number;
  /**
   * CPUs kept busy by the server and the load generator together ((server + client CPU) / wall time). On a
   * machine with that many CPUs the run is CPU-bound: no server on it can go faster than the generator allows.
   */
  cpusBusy: number;
  rssMiB: number;
}

/** This process's CPU time (user + system, every thread) since `start`, in ms. */
export function ownCpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** `total` calls of `one`, `concurrency` of them outstanding at a time (a closed loop: each lane waits for its answer). */
export async function closedLoop(total: number, concurrency: number, one: () => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < total) {
      next++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

/** Closed-loop load on keep-alive connections (as the API server does), bounded in count. */
export async function load(server: RunningServer, path: string, body: string, total: number, concurrency: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, rejectUnauthorized: false });
  const latencies: number[] = [];
  const one = () =>
    new Promise<void>((ok, fail) => {
      const t0 = process.hrtime.bigint();
      const req = request(
        { host: '127.0.0.1', port: server.port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
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
  // Warm the connections and the JIT, as a long-running server is.
  for (let i = 0; i < Math.max(200, concurrency * 4); i += concurrency) await Promise.all(Array.from({ length: concurrency }, one));
  latencies.length = 0;
  const cpu0 = processCpuMs(server.pid);
  const client0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await closedLoop(total, concurrency, one);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = processCpuMs(server.pid) - cpu0;
  const clientCpu = ownCpuMsSince(client0);
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    requests: sorted.length,
    rps: sorted.length / secs,
    p50: pct(sorted, 50),
    p99: pct(sorted, 99),
    p999: pct(sorted, 99.9),
    cpuMsPerRequest: cpu / sorted.length,
    clientCpuMsPerRequest: clientCpu / sorted.length,
    cpusBusy: (cpu + clientCpu) / 1000 / secs,
    rssMiB: rssMiB(server.pid),
  };
}
