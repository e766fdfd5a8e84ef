import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { describe, inject } from 'vitest';
import { kubectlPath, paths, readState } from '../cluster/control-plane.js';

/** kubectl against the e2e cluster as the admin; what people type, so what the tests exercise. */

export const skipReason = (): string => inject('e2eSkip');

/** `describe` that is skipped (visibly, with the reason in its name) when the control plane could not run. */
export function describeE2e(name: string, fn: () => void): void {
  const reason = skipReason();
  if (reason) describe.skip(`${name} (skipped: ${reason})`, fn);
  else describe(name, fn);
}

export interface Run {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export function kubectlRun(args: string[], input?: string): Run {
  const r = spawnSync(kubectlPath(), ['--kubeconfig', inject('e2eKubeconfig'), ...args], {
    encoding: 'utf8',
    input,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export function kubectl(args: string[], input?: string): string {
  const r = kubectlRun(args, input);
  if (!r.ok) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

export function getJson<T = Record<string, unknown>>(args: string[]): T {
  return JSON.parse(kubectl([...args, '-o', 'json'])) as T;
}

export function apply(obj: unknown, extra: string[] = []): Run {
  return kubectlRun(['apply', ...extra, '-f', '-'], JSON.stringify(obj));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `fn` returns a value (not undefined); the timeout only bounds a hang, it asserts nothing. */
export async function eventually<T>(what: string, fn: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(300);
  }
}

let counter = 0;
/** A fresh namespace name per test, so tests never see each other's objects. */
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}-${process.pid.toString(36)}-${counter}`;
}

export interface PodLike {
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string }> };
  spec: {
    containers: Array<{ name: string; image?: string; args?: string[]; restartPolicy?: string }>;
    initContainers?: Array<{ name: string; image?: string; args?: string[]; restartPolicy?: string }>;
  };
}

/** Namespace with labels; waits for its `default` ServiceAccount (pods are refused until it exists). */
export async function createNamespace(name: string, labels: Record<string, string> = {}): Promise<void> {
  kubectl(['create', 'namespace', name]);
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  if (pairs.length > 0) kubectl(['label', 'namespace', name, ...pairs]);
  await eventually(`ServiceAccount ${name}/default`, () => (kubectlRun(['get', 'serviceaccount', 'default', '-n', name]).ok ? true : undefined));
}

export function deleteNamespace(name: string): void {
  kubectlRun(['delete', 'namespace', name, '--wait=false']);
}

export const containerNames = (pod: PodLike): { init: string[]; main: string[] } => ({
  init: (pod.spec.initContainers ?? []).map((c) => c.name),
  main: pod.spec.containers.map((c) => c.name),
});

/** Where and how to reach the API server as the admin. */
function adminTarget(): { host: string; port: number; ca: Buffer; cert: Buffer; key: Buffer } {
  const p = paths();
  const s = readState(p);
  if (!s) throw new Error('no cluster state');
  return { host: '127.0.0.1', port: s.ports.apiserver, ca: readFileSync(p.pki.caCert), cert: readFileSync(p.pki.adminCert), key: readFileSync(p.pki.adminKey) };
}

/** A raw HTTPS call to the API server as the admin, for bodies kubectl would change or refuse client-side. */
export function apiRequest(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  const target = adminTarget();
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        ...target,
        method,
        path,
        headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export interface WatchEvent<T> {
  type: string;
  object: T;
  /** Local time the event arrived. */
  at: number;
}

/**
 * A watch on `path` (a collection URL with its query, e.g. a field selector and the resourceVersion to start
 * after): every event arrives, none is lost between polls. Stop it with the returned function.
 */
export function watchApi<T>(path: string, onEvent: (e: WatchEvent<T>) => void): () => void {
  const sep = path.includes('?') ? '&' : '?';
  const req = request({ ...adminTarget(), method: 'GET', path: `${path}${sep}watch=1` }, (res) => {
    let buf = '';
    res.on('data', (c: Buffer) => {
      buf += c.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line !== '') onEvent({ ...(JSON.parse(line) as { type: string; object: T }), at: Date.now() });
      }
    });
  });
  req.on('error', () => {
    // Ends with stop(); a broken watch shows as missing events in the assertions.
  });
  req.end();
  return () => req.destroy();
}
