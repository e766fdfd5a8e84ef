import { execFileSync } from 'node:child_process';
/**
 * The real server (`src/main.ts`) as a child process for the fuzz and soak tools: its own CA and serving
 * certificate in a temporary directory, a free loopback port, and the figures the tools report measured from
 * outside (resident memory from /proc, /metrics wherever the server serves it), so they stay true whatever the
 * server's internals become.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateCA, issueServingCert, type PemPair } from '../../src/certs/generate.js';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

export function tempDir(prefix: string): string {
  const root = process.env.MESH_ADMISSION_TEST_TMP ?? tmpdir();
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, prefix));
}

/**
 * Write `files` into `dir` the way the kubelet updates a ConfigMap or Secret volume: a fresh timestamped
 * directory, a `..data_tmp` symlink to it renamed over `..data` (one atomic step), and top-level symlinks
 * `name -> ..data/name`. Returns the new directory's name; the previous one is removed.
 */
export function atomicWriteDir(dir: string, files: Record<string, string>, generation: number, previous?: string): string {
  const name = `..${new Date().toISOString().replace(/[:.]/g, '_')}.${generation}`;
  mkdirSync(join(dir, name));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, name, file), text);
  rmSync(join(dir, '..data_tmp'), { force: true });
  symlinkSync(name, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const file of Object.keys(files)) {
    try {
      symlinkSync(join('..data', file), join(dir, file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  if (previous !== undefined) rmSync(join(dir, previous), { recursive: true, force: true });
  return name;
}

export interface ServerProcessOptions {
  /** An inject config directory (config + values); default the project's templates/. */
  injectConfigDir?: string;
  logLevel?: string;
  /** Admission worker threads (default 1, what the manifests' 1-CPU limit gives). */
  workers?: number;
  /** More flags, and a kubeconfig for the ones that reach a cluster (the process then ignores an in-cluster env). */
  extraArgs?: string[];
  kubeconfig?: string;
}

export interface ServerProcess {
  readonly port: number;
  readonly pid: number;
  readonly ca: PemPair;
  readonly dir: string;
  /** Where the serving certificate lives (a `..data` layout); rotate() rewrites it. */
  readonly certDir: string;
  /** Bytes the server wrote to stdout + stderr (its JSON logs). */
  logBytes(): number;
  /** The last few KiB of the server's output, for error reports. */
  logTail(): string;
  /** Current and peak (VmHWM) resident set in MiB, read from /proc; 0 when unreadable. */
  rss(): { current: number; peak: number };
  /** The size in bytes of one /metrics scrape, from whichever port serves it; undefined if none does. */
  metricsBytes(): Promise<number | undefined>;
  /** Issue a new serving certificate from the same CA and swap it in atomically. Returns its serial. */
  rotate(): Promise<string>;
  exited(): boolean;
  stop(): Promise<number | null>;
}

/**
 * Whether this build has --monitoring-port. Read from the option parser's source rather than `--help`, which
 * would load the whole server once more (seconds on a busy 2-core machine).
 */
function hasMonitoringPortFlag(): boolean {
  try {
    return readdirSync(join(PROJECT_ROOT, 'src/server')).some((f) => f.endsWith('.ts') && readFileSync(join(PROJECT_ROOT, 'src/server', f), 'utf8').includes("'monitoring-port'"));
  } catch {
    return false;
  }
}

const TAIL_BYTES = 16 * 1024;

// Every server this process started, so none outlives it (a test that times out still reaches afterAll or exit).
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** Kill every server still running (for a test's afterAll after a timeout). */
export function killAllServers(): void {
  for (const c of live) c.kill('SIGKILL');
  live.clear();
}
const SERVER_NAMES = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };

export async function startServerProcess(opts: ServerProcessOptions = {}): Promise<ServerProcess> {
  const dir = tempDir('mesh-admission-robustness-');
  const certDir = join(dir, 'tls');
  mkdirSync(certDir);
  const ca = await generateCA();
  let certGeneration = 0;
  let certData = atomicWriteDir(certDir, await leafFiles(ca), certGeneration);
  const port = await freePort();
  // What `npm start` and the image run: the compiled server (rebuilt first when a source is newer).
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts/build-if-stale.mjs')], { cwd: PROJECT_ROOT, stdio: 'ignore' });
  const args = [
    join(PROJECT_ROOT, 'dist/main.js'),
    '--port', String(port),
    '--host', '127.0.0.1',
    '--tls-cert-file', join(certDir, 'tls.crt'),
    '--tls-key-file', join(certDir, 'tls.key'),
    '--certs-dir', join(dir, 'dev-certs'),
    '--log-level', opts.logLevel ?? 'info',
    // The manifests' 1-CPU limit gives one admission worker; the memory limit is stated for that shape.
    '--workers', String(opts.workers ?? 1),
  ];
  if (opts.injectConfigDir !== undefined) args.push('--inject-config-dir', opts.injectConfigDir);
  args.push(...(opts.extraArgs ?? []));
  const env = { ...process.env };
  if (opts.kubeconfig !== undefined) {
    env['KUBECONFIG'] = opts.kubeconfig;
    delete env['KUBERNETES_SERVICE_HOST'];
  }
  // Once monitoring moves off the webhook port its default (15014) would clash between parallel runs.
  let monitoringPort: number | undefined;
  if (hasMonitoringPortFlag()) {
    monitoringPort = await freePort();
    args.push('--monitoring-port', String(monitoringPort));
  }
  const child: ChildProcess = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let bytes = 0;
  let tail = '';
  let listening = false;
  const onOutput = (d: Buffer): void => {
    bytes += d.length;
    tail = (tail + d.toString('utf8', 0, Math.min(d.length, TAIL_BYTES))).slice(-TAIL_BYTES);
    if (!listening && tail.includes('mesh-admission listening')) listening = true;
  };
  child.stdout!.on('data', onOutput);
  child.stderr!.on('data', onOutput);
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((ok) =>
    child.on('exit', (code) => {
      live.delete(child);
      ok((exitCode = code));
    }),
  );
  for (let i = 0; i < 600 && !listening && exitCode === undefined; i++) await sleep(50);
  if (!listening) {
    child.kill('SIGKILL');
    await exit;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`server did not start (exit ${exitCode}):\n${tail}`);
  }
  const pid = child.pid!;
  const agent = new Agent({ keepAlive: false });

  const get = (url: string): Promise<{ status: number; bytes: number } | undefined> =>
    new Promise((ok) => {
      const u = new URL(url);
      const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
        { host: u.hostname, port: u.port, path: u.pathname, method: 'GET', ca: ca.certPem, servername: 'localhost', agent: u.protocol === 'https:' ? agent : undefined, timeout: 5_000 },
        (res) => {
          let n = 0;
          res.on('data', (c: Buffer) => (n += c.length));
          res.on('end', () => ok({ status: res.statusCode ?? 0, bytes: n }));
          res.on('error', () => ok(undefined));
        },
      );
      req.on('timeout', () => req.destroy());
      req.on('error', () => ok(undefined));
      req.end();
    });

  return {
    port,
    pid,
    ca,
    dir,
    certDir,
    logBytes: () => bytes,
    logTail: () => tail,
    rss: () => readRss(pid),
    async metricsBytes() {
      const urls = [
        ...(monitoringPort !== undefined ? [`http://127.0.0.1:${monitoringPort}/metrics`, `https://127.0.0.1:${monitoringPort}/metrics`] : []),
        `https://127.0.0.1:${port}/metrics`,
      ];
      for (const url of urls) {
        const r = await get(url);
        if (r?.status === 200) return r.bytes;
      }
      return undefined;
    },
    async rotate() {
      certGeneration++;
      const files = await leafFiles(ca);
      certData = atomicWriteDir(certDir, files, certGeneration, certData);
      return new (await import('node:crypto')).X509Certificate(files['tls.crt']!).serialNumber;
    },
    exited: () => exitCode !== undefined,
    async stop() {
      agent.destroy();
      if (exitCode === undefined) {
        child.kill('SIGTERM');
        // A drain period and stalled clients may hold a graceful exit; do not wait on them forever.
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exit;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
      return exitCode ?? null;
    },
  };
}

async function leafFiles(ca: PemPair): Promise<Record<string, string>> {
  const leaf = await issueServingCert(ca, SERVER_NAMES);
  return { 'tls.crt': leaf.certPem, 'tls.key': leaf.keyPem };
}

function readRss(pid: number): { current: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { current: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
  } catch {
    return { current: 0, peak: 0 };
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll the server's memory so the peak is known even if the process dies before the end. */
export function watchRss(server: ServerProcess, everyMs = 200): { peak(): number; stop(): void } {
  let peak = 0;
  const sample = () => {
    const r = server.rss();
    peak = Math.max(peak, r.current, r.peak);
  };
  sample();
  const t = setInterval(sample, everyMs);
  return {
    peak: () => {
      sample();
      return peak;
    },
    stop: () => clearInterval(t),
  };
}
