import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The Istio oracle: a Go program in this folder built against istio.io/istio (pinned in go.mod).
 * It is built on first use into a cache outside the work tree, keyed by a hash of its sources, so a
 * changed go.mod or .go file rebuilds and an unchanged one starts at once.
 */
export const ORACLE_SRC = import.meta.dirname;

export function oracleCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mesh-admission', 'oracle');
}

function sourceHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(ORACLE_SRC).sort()) {
    if (f.endsWith('.go') || f === 'go.mod' || f === 'go.sum') h.update(f).update(readFileSync(join(ORACLE_SRC, f)));
  }
  return h.digest('hex').slice(0, 16);
}

export interface OracleBinary {
  path: string;
  /** Seconds the build took; 0 when the cached binary was used. */
  builtSeconds: number;
}

/** Path of the oracle binary, building it first if needed (go must be on PATH). */
export function ensureOracle(log: (s: string) => void = (s) => process.stderr.write(s)): OracleBinary {
  const dir = oracleCacheDir();
  const bin = join(dir, `oracle-${sourceHash()}`);
  if (existsSync(bin)) return { path: bin, builtSeconds: 0 };
  mkdirSync(dir, { recursive: true });
  log(`oracle: building Istio's code into ${bin} (first use; istio's module tree is large, this takes minutes)\n`);
  const t0 = process.hrtime.bigint();
  const tmp = `${bin}.tmp-${process.pid}`;
  const r = spawnSync('go', ['build', '-buildvcs=false', '-o', tmp, '.'], { cwd: ORACLE_SRC, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw new Error(`oracle: cannot run go: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`oracle: go build failed (exit ${r.status})`);
  renameSync(tmp, bin);
  const builtSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  log(`oracle: built in ${builtSeconds.toFixed(1)} s\n`);
  return { path: bin, builtSeconds };
}

export function goAvailable(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

/** The settings every inject verb takes, as file contents. */
export interface OracleSettings {
  config: string;
  values: string;
  mesh: string;
  revision: string;
  native: boolean;
  /** Istio's COMPLIANCE_POLICY feature flag, e.g. "fips-140-3". */
  compliancePolicy?: string;
}

export interface OracleAnswer {
  id?: unknown;
  stdout?: string;
  stderr?: string;
  code: number;
  status?: number;
  body?: unknown;
  text?: string;
  error?: string;
}

export type OracleRequest =
  | { verb: 'kube-inject'; settings: OracleSettings; input: string }
  | { verb: 'webhook'; settings: OracleSettings; path?: string; review: unknown }
  | { verb: 'validate'; review: unknown }
  | { verb: 'validate-file'; input: string; namespace?: string };

/**
 * One long-lived `oracle batch` process: requests go out as JSON lines and answers come back in
 * order, so thousands of cases cost one process start (and one template parse per settings).
 */
export class OracleBatch {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<{ resolve: (a: OracleAnswer) => void; reject: (e: Error) => void }> = [];
  private stderrTail = '';
  private closed = false;

  constructor(binary: string) {
    this.child = spawn(binary, ['batch'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const lines = createInterface({ input: this.child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => {
      const w = this.waiting.shift();
      if (!w) return;
      try {
        w.resolve(JSON.parse(line) as OracleAnswer);
      } catch (e) {
        w.reject(new Error(`oracle: unreadable answer: ${String(e)}`));
      }
    });
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-4000);
    });
    this.child.on('exit', (code) => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w.reject(new Error(`oracle batch exited (${code}): ${this.stderrTail}`));
    });
  }

  ask(req: OracleRequest): Promise<OracleAnswer> {
    if (this.closed) return Promise.reject(new Error(`oracle batch has exited: ${this.stderrTail}`));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(`${JSON.stringify(req)}\n`);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const done = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.stdin.end();
    await done;
  }
}
