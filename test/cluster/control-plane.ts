import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensurePki, pkiPaths, type ClusterPki } from './pki.js';

/**
 * A real control plane (embedded etcd, kube-apiserver, kube-controller-manager) as background processes on
 * 127.0.0.1, for people, CI and the e2e suite alike. Everything it starts is recorded by PID in one state file
 * so `down` stops exactly those processes and nothing else.
 */

export const MODULE_DIR = resolve(import.meta.dirname);
export const PROJECT_ROOT = resolve(MODULE_DIR, '../..');

/**
 * The compiled server and CLI (dist/, what the image and the `mesh-admission` bin run), started with this Node:
 * they are ready in a fraction of the time the TypeScript loader takes. `ensureCompiled` rebuilds dist/ when a
 * source is newer.
 */
export const SERVER_JS = join(PROJECT_ROOT, 'dist/main.js');
export const CLI_JS = join(PROJECT_ROOT, 'dist/cli/bin.js');
export function ensureCompiled(): void {
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts/build-if-stale.mjs')], { cwd: PROJECT_ROOT, stdio: 'inherit' });
}

export function binDir(): string {
  const cache = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(cache, 'mesh-admission', 'cluster', 'bin');
}
export const binary = (): string => join(binDir(), 'cluster');
/** The same binary under the name kubectl (it dispatches on its name): kubectl at the API server's release. */
export const kubectlPath = (): string => join(binDir(), 'kubectl');

/** Outside the work tree; one fixed place per user so `up` is idempotent and `down` finds what `up` started. */
export function stateDir(): string {
  return process.env['MESH_ADMISSION_CLUSTER_DIR'] || join(tmpdir(), 'mesh-admission-cluster');
}

export type Component = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'mesh-admission';

export interface ClusterState {
  ports: { etcd: number; etcdPeer: number; apiserver: number; controllerManager: number; webhook?: number };
  pids: Partial<Record<Component, number>>;
}

export interface Paths {
  dir: string;
  state: string;
  logs: string;
  kubeconfig: string;
  saKubeconfig: string;
  pki: ClusterPki;
}

export function paths(): Paths {
  const dir = stateDir();
  return {
    dir,
    state: join(dir, 'state.json'),
    logs: join(dir, 'logs'),
    kubeconfig: join(dir, 'admin.kubeconfig'),
    saKubeconfig: join(dir, 'mesh-admission.kubeconfig'),
    pki: pkiPaths(join(dir, 'pki')),
  };
}

export function readState(p: Paths): ClusterState | undefined {
  if (!existsSync(p.state)) return undefined;
  return JSON.parse(readFileSync(p.state, 'utf8')) as ClusterState;
}

export function writeState(p: Paths, s: ClusterState): void {
  writeFileSync(p.state, `${JSON.stringify(s, null, 2)}\n`);
}

const log = (msg: string): void => {
  process.stderr.write(`cluster: ${msg}\n`);
};

/** Alive and still the process we started (PIDs are reused): its command line names what we launched. */
export function alive(pid: number | undefined, marker: string): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie (exited, not yet reaped) still answers kill(0).
    if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return true;
  }
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const f of readdirSync(dir)) {
    if (f.endsWith('.go') || f === 'go.mod' || f === 'go.sum') newest = Math.max(newest, statSync(join(dir, f)).mtimeMs);
  }
  return newest;
}

/** `go build` when the binary is missing or older than the module's sources; Go's cache makes a rebuild cheap. */
export function ensureBuilt(): void {
  const bin = binary();
  if (existsSync(bin) && statSync(bin).mtimeMs >= newestSource(MODULE_DIR)) {
    linkKubectl();
    return;
  }
  mkdirSync(binDir(), { recursive: true });
  log(`building ${bin} (kube-apiserver, kube-controller-manager, etcd from pinned modules; the first build takes many minutes)`);
  const started = Date.now();
  const r = spawnSync('go', ['build', '-o', bin, '.'], { cwd: MODULE_DIR, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`go build failed (exit ${r.status ?? r.signal})`);
  log(`built in ${Math.round((Date.now() - started) / 1000)}s`);
  linkKubectl();
}

function linkKubectl(): void {
  if (!existsSync(kubectlPath())) symlinkSync('cluster', kubectlPath());
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** Start a detached background process whose output goes to logs/<name>.log; returns its PID. */
export function startBackground(p: Paths, name: Component, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  mkdirSync(p.logs, { recursive: true });
  const fd = openSync(join(p.logs, `${name}.log`), 'a');
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd], env, cwd: PROJECT_ROOT });
  closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  return child.pid;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** GET an https URL on 127.0.0.1 trusting `ca`; resolves with status and body, never throws on HTTP errors. */
export function httpsGet(url: string, ca: string, cert?: { cert: string; key: string }): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = request(url, { ca: readFileSync(ca), ...(cert ? { cert: readFileSync(cert.cert), key: readFileSync(cert.key) } : {}), timeout: 5000 }, (r) => {
      let body = '';
      r.on('data', (c: Buffer) => (body += c.toString()));
      r.on('end', () => res({ status: r.statusCode ?? 0, body }));
    });
    req.on('error', rej);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  logFile?: string,
  pid?: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A process that already exited will never become ready: fail now, with its last words.
    const dead = pid !== undefined && !alive(pid, '');
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (dead || Date.now() > deadline) {
      const tail = logFile && existsSync(logFile) ? `\n--- last lines of ${logFile}:\n${readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n')}` : '';
      throw new Error(`${dead ? 'process exited while waiting' : 'timed out waiting'} for ${what}${tail}`);
    }
    await sleep(500);
  }
}

export function kubectl(p: Paths, args: string[], input?: string): string {
  return execFileSync(kubectlPath(), ['--kubeconfig', p.kubeconfig, ...args], {
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

function writeKubeconfig(file: string, server: string, ca: string, user: Record<string, string>): void {
  const userLines = Object.entries(user).map(([k, v]) => `    ${k}: ${v}`);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: e2e',
      '  cluster:',
      `    server: ${server}`,
      `    certificate-authority: ${ca}`,
      'users:',
      '- name: e2e',
      '  user:',
      ...userLines,
      'contexts:',
      '- name: e2e',
      '  context: {cluster: e2e, user: e2e}',
      'current-context: e2e',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
}

export function writeServiceAccountKubeconfig(p: Paths, state: ClusterState, token: string): void {
  writeKubeconfig(p.saKubeconfig, `https://127.0.0.1:${state.ports.apiserver}`, p.pki.caCert, { token });
}

export function apiserverArgs(p: Paths, s: ClusterState): string[] {
  return [
    'kube-apiserver',
    `--etcd-servers=http://127.0.0.1:${s.ports.etcd}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${s.ports.apiserver}`,
    `--tls-cert-file=${p.pki.apiserverCert}`,
    `--tls-private-key-file=${p.pki.apiserverKey}`,
    `--client-ca-file=${p.pki.caCert}`,
    `--service-account-key-file=${p.pki.saPub}`,
    `--service-account-signing-key-file=${p.pki.saKey}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--authorization-mode=Node,RBAC',
    '--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,ResourceQuota,NodeRestriction,MutatingAdmissionWebhook,ValidatingAdmissionWebhook',
    '--allow-privileged=true',
    // The advertise address is loopback, which the `kubernetes` Service's endpoints may not hold.
    '--endpoint-reconciler-type=none',
    '--profiling=false',
    // Two cores are shared with the tests; priority-and-fairness bookkeeping buys nothing here.
    '--enable-priority-and-fairness=false',
    '--v=1',
  ];
}

function controllerManagerArgs(p: Paths, s: ClusterState): string[] {
  return [
    'kube-controller-manager',
    `--kubeconfig=${p.kubeconfig}`,
    `--authentication-kubeconfig=${p.kubeconfig}`,
    `--authorization-kubeconfig=${p.kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${s.ports.controllerManager}`,
    `--service-account-private-key-file=${p.pki.saKey}`,
    `--root-ca-file=${p.pki.caCert}`,
    '--leader-elect=false',
    '--profiling=false',
    '--v=1',
  ];
}

export async function apiserverReady(p: Paths, s: ClusterState): Promise<boolean> {
  const r = await httpsGet(`https://127.0.0.1:${s.ports.apiserver}/readyz`, p.pki.caCert, { cert: p.pki.adminCert, key: p.pki.adminKey });
  return r.status === 200 && r.body.trim() === 'ok';
}

export async function startApiserver(p: Paths, s: ClusterState): Promise<void> {
  s.pids['kube-apiserver'] = startBackground(p, 'kube-apiserver', binary(), apiserverArgs(p, s));
  writeState(p, s);
  await waitFor('kube-apiserver /readyz', () => apiserverReady(p, s), 120_000, join(p.logs, 'kube-apiserver.log'), s.pids['kube-apiserver']);
}

export async function up(): Promise<Paths> {
  ensureBuilt();
  const p = paths();
  mkdirSync(p.dir, { recursive: true });
  let s = readState(p);
  const bin = binary();
  if (s && alive(s.pids['kube-apiserver'], bin) && alive(s.pids.etcd, bin) && alive(s.pids['kube-controller-manager'], bin)) {
    if (await apiserverReady(p, s).catch(() => false)) {
      log(`already running (state in ${p.dir})`);
      return p;
    }
  }
  if (s) await down({ keepState: true });
  s = {
    ports: { etcd: await freePort(), etcdPeer: await freePort(), apiserver: await freePort(), controllerManager: await freePort() },
    pids: {},
  };
  log(`state, certificates and logs in ${p.dir}`);
  ensurePki(p.pki.dir);
  rmSync(join(p.dir, 'etcd'), { recursive: true, force: true });
  s.pids.etcd = startBackground(p, 'etcd', bin, ['etcd', `--data-dir=${join(p.dir, 'etcd')}`, `--client-port=${s.ports.etcd}`, `--peer-port=${s.ports.etcdPeer}`]);
  writeState(p, s);
  await waitFor(
    'etcd',
    async () => (await fetch(`http://127.0.0.1:${s.ports.etcd}/health`)).ok,
    60_000,
    join(p.logs, 'etcd.log'),
    s.pids.etcd,
  );
  writeKubeconfig(p.kubeconfig, `https://127.0.0.1:${s.ports.apiserver}`, p.pki.caCert, {
    'client-certificate': p.pki.adminCert,
    'client-key': p.pki.adminKey,
  });
  await startApiserver(p, s);
  s.pids['kube-controller-manager'] = startBackground(p, 'kube-controller-manager', bin, controllerManagerArgs(p, s));
  writeState(p, s);
  // The ServiceAccount controller creating `default` proves the controller-manager is working: the
  // ServiceAccount admission plugin refuses pods until their namespace has it.
  await waitFor(
    'kube-controller-manager (ServiceAccount default/default)',
    () => {
      kubectl(p, ['get', 'serviceaccount', 'default', '-n', 'default']);
      return true;
    },
    120_000,
    join(p.logs, 'kube-controller-manager.log'),
    s.pids['kube-controller-manager'],
  );
  return p;
}

async function stop(pid: number | undefined, marker: string, name: string): Promise<void> {
  if (!alive(pid, marker) || pid === undefined) return;
  // Negative PID: the whole process group we created with `detached` (tsx runs node as a child).
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // gone
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + 15_000;
  while (alive(pid, marker) && Date.now() < deadline) await sleep(200);
  if (alive(pid, marker)) signal('SIGKILL');
  log(`stopped ${name} (pid ${pid})`);
}

export async function stopComponent(p: Paths, s: ClusterState, name: Component): Promise<void> {
  await stop(s.pids[name], name === 'mesh-admission' ? 'dist/main.js' : binary(), name);
  delete s.pids[name];
  writeState(p, s);
}

export async function down(opts: { keepState?: boolean } = {}): Promise<void> {
  const p = paths();
  const s = readState(p);
  if (s) {
    for (const name of ['mesh-admission', 'kube-controller-manager', 'kube-apiserver', 'etcd'] as const) await stopComponent(p, s, name);
  }
  if (!opts.keepState) {
    rmSync(p.dir, { recursive: true, force: true });
    log(`removed ${p.dir}`);
  }
}
