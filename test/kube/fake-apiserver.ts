/**
 * A small in-memory Kubernetes API server for tests, speaking the real wire protocol well enough for
 * our Kubernetes client (src/kube/rest.ts): reads and lists with resourceVersion, `?watch=true` chunked NDJSON streams with
 * replay from a resourceVersion and 410 after compaction, JSON/merge PATCH, PUT with optimistic concurrency,
 * POST with `?dryRun=All`, DELETE, and Status errors (404, 409, 410, 422...).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jsonpatch from 'fast-json-patch';
import { KubeClient } from '../../src/kube/rest.js';

export type Obj = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> } & Record<
    string,
    unknown
  >;
};

interface ResourcePath {
  /** "" for core, otherwise the API group. */
  group: string;
  version: string;
  namespace: string | undefined;
  resource: string;
  name: string | undefined;
}

interface Event {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Obj;
  rv: number;
  key: string;
}

interface Watcher {
  res: http.ServerResponse;
  matches: (e: Event) => boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  authorization: string | undefined;
  body: unknown;
}

/** Decide a write before it is stored: return a denial to answer like a rejecting admission webhook. */
export type AdmissionHook = (req: {
  operation: 'CREATE' | 'UPDATE';
  path: ResourcePath;
  object: Obj;
  dryRun: boolean;
}) => { code: number; message: string; reason?: string } | undefined;

const KINDS: Record<string, string> = {
  configmaps: 'ConfigMap',
  secrets: 'Secret',
  pods: 'Pod',
  namespaces: 'Namespace',
  nodes: 'Node',
  proxyconfigs: 'ProxyConfig',
  events: 'Event',
  mutatingwebhookconfigurations: 'MutatingWebhookConfiguration',
  validatingwebhookconfigurations: 'ValidatingWebhookConfiguration',
  gateways: 'Gateway',
  customresourcedefinitions: 'CustomResourceDefinition',
};

function parsePath(pathname: string): ResourcePath | undefined {
  const parts = pathname.split('/').filter((p) => p.length > 0);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length < 1 || rest.length > 2) return undefined;
  return { group, version, namespace, resource: rest[0]!, name: rest[1] };
}

function apiVersionOf(p: ResourcePath): string {
  return p.group === '' ? p.version : `${p.group}/${p.version}`;
}

function keyOf(p: ResourcePath, name: string): string {
  return `${p.group}/${p.resource}/${p.namespace ?? ''}/${name}`;
}

function collectionOf(p: ResourcePath): string {
  return `${p.group}/${p.resource}/${p.namespace ?? ''}/`;
}

function statusBody(code: number, reason: string, message: string): Obj {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function parseSelector(sel: string | null): (labels: Record<string, string>) => boolean {
  if (!sel) return () => true;
  const terms = sel.split(',').map((t) => t.trim());
  return (labels) =>
    terms.every((t) => {
      const neq = /^([^!=]+)!=(.*)$/.exec(t);
      if (neq) return labels[neq[1]!] !== neq[2];
      const eq = /^([^=]+)==?(.*)$/.exec(t);
      if (eq) return labels[eq[1]!] === eq[2];
      if (t.startsWith('!')) return !(t.slice(1) in labels);
      return t in labels;
    });
}

function parseFieldSelector(sel: string | null): (o: Obj) => boolean {
  if (!sel) return () => true;
  const terms = sel.split(',').map((t) => /^([^=]+)==?(.*)$/.exec(t.trim()));
  return (o) =>
    terms.every((m) => {
      if (!m) return false;
      if (m[1] === 'metadata.name') return o.metadata?.name === m[2];
      if (m[1] === 'metadata.namespace') return o.metadata?.namespace === m[2];
      return false;
    });
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete base[k];
    else base[k] = mergePatch(base[k], v);
  }
  return base;
}

export class FakeApiServer {
  private server: http.Server;
  private store = new Map<string, Obj>();
  private history: Event[] = [];
  /** Events at or below this resourceVersion are forgotten; watches from older versions get 410 Gone. */
  private compactedRv = 0;
  private rv = 1000;
  private watchers = new Set<Watcher>();
  readonly requests: RecordedRequest[] = [];
  admission: AdmissionHook | undefined;
  /** Fail the next requests matching method+path regex with a status, once per entry. */
  private injected: Array<{ method: string; path: RegExp; code: number; message: string }> = [];
  port = 0;

  constructor() {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        try {
          this.handle(req, res, body);
        } catch (e) {
          this.send(res, 500, statusBody(500, 'InternalError', e instanceof Error ? e.message : String(e)));
        }
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** A client for this server with a bearer token, like a ServiceAccount would have. */
  kubeConfig(): KubeClient {
    return new KubeClient({ server: `http://127.0.0.1:${this.port}`, skipTLSVerify: true, auth: { kind: 'token', token: 'test-token' } });
  }

  /** The same as a kubeconfig file's text, for commands that take --kubeconfig. */
  kubeconfigYaml(): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: fake`,
      `  cluster: {server: 'http://127.0.0.1:${this.port}', insecure-skip-tls-verify: true}`,
      'users:',
      '- name: u',
      '  user: {token: test-token}',
      'contexts:',
      '- name: c',
      '  context: {cluster: fake, user: u}',
      'current-context: c',
      '',
    ].join('\n');
  }

  // ---- direct manipulation, as another client (kubectl) would do ----

  /** Create or replace an object directly, emitting the watch event. `path` is the collection path. */
  put(collectionPath: string, obj: Obj): Obj {
    const p = parsePath(collectionPath);
    if (!p) throw new Error(`bad path ${collectionPath}`);
    const name = obj.metadata?.name;
    if (!name) throw new Error('object needs metadata.name');
    const existed = this.store.has(keyOf(p, name));
    return this.commit(p, name, structuredClone(obj), existed ? 'MODIFIED' : 'ADDED');
  }

  get(collectionPath: string, name: string): Obj | undefined {
    const p = parsePath(collectionPath);
    if (!p) throw new Error(`bad path ${collectionPath}`);
    const o = this.store.get(keyOf(p, name));
    return o === undefined ? undefined : structuredClone(o);
  }

  remove(collectionPath: string, name: string): void {
    const p = parsePath(collectionPath);
    if (!p) throw new Error(`bad path ${collectionPath}`);
    const o = this.store.get(keyOf(p, name));
    if (!o) return;
    this.store.delete(keyOf(p, name));
    this.emit(p, name, 'DELETED', { ...o, metadata: { ...o.metadata, resourceVersion: String(++this.rv) } });
  }

  /** End every open watch cleanly (like the apiserver's watch timeout). */
  endWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  /** Kill every open watch connection abruptly (like a network drop). */
  destroyWatches(): void {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
  }

  /** Forget history so a watch resuming from any older resourceVersion is told 410 Gone. */
  compact(): void {
    this.compactedRv = this.rv;
    this.history = [];
  }

  failNext(method: string, path: RegExp, code: number, message = 'injected failure'): void {
    this.injected.push({ method, path, code, message });
  }

  openWatchCount(): number {
    return this.watchers.size;
  }

  // ---- HTTP ----

  private send(res: http.ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private commit(p: ResourcePath, name: string, obj: Obj, type: 'ADDED' | 'MODIFIED'): Obj {
    const metadata = { ...(obj.metadata ?? {}), name, resourceVersion: String(++this.rv) } as NonNullable<Obj['metadata']>;
    if (p.namespace !== undefined) metadata.namespace = p.namespace;
    if (metadata['creationTimestamp'] === undefined) metadata['creationTimestamp'] = new Date().toISOString();
    if (metadata['uid'] === undefined) metadata['uid'] = `uid-${this.rv}`;
    const stored: Obj = {
      ...obj,
      apiVersion: obj.apiVersion ?? apiVersionOf(p),
      kind: obj.kind ?? KINDS[p.resource] ?? 'Unknown',
      metadata,
    };
    this.store.set(keyOf(p, name), stored);
    this.emit(p, name, type, stored);
    return structuredClone(stored);
  }

  private emit(p: ResourcePath, name: string, type: Event['type'], object: Obj): void {
    const ev: Event = { type, object: structuredClone(object), rv: this.rv, key: keyOf(p, name) };
    this.history.push(ev);
    for (const w of this.watchers) {
      if (w.matches(ev)) w.res.write(`${JSON.stringify({ type: ev.type, object: ev.object })}\n`);
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, rawBody: string): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    let body: unknown;
    try {
      body = rawBody.length > 0 ? JSON.parse(rawBody) : undefined;
    } catch {
      return this.send(res, 400, statusBody(400, 'BadRequest', 'body is not JSON'));
    }
    this.requests.push({
      method,
      path: url.pathname,
      query: url.searchParams,
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      body,
    });
    const inj = this.injected.findIndex((i) => i.method === method && i.path.test(url.pathname));
    if (inj >= 0) {
      const f = this.injected.splice(inj, 1)[0]!;
      return this.send(res, f.code, statusBody(f.code, 'InternalError', f.message));
    }
    const p = parsePath(url.pathname);
    if (!p) return this.send(res, 404, statusBody(404, 'NotFound', 'the server could not find the requested resource'));
    const kindName = KINDS[p.resource];
    if (kindName === undefined) {
      return this.send(res, 404, statusBody(404, 'NotFound', 'the server could not find the requested resource'));
    }
    const dryRun = url.searchParams.get('dryRun') === 'All';

    if (method === 'GET' && p.name === undefined) {
      if (url.searchParams.get('watch') === 'true') return this.watch(p, url, res);
      return this.list(p, url, res);
    }
    if (method === 'GET') {
      const o = this.store.get(keyOf(p, p.name!));
      if (!o) return this.notFound(res, p);
      return this.send(res, 200, o);
    }
    if (method === 'POST' && p.name === undefined) {
      const obj = body as Obj | undefined;
      const name = obj?.metadata?.name;
      if (!obj || !name) return this.send(res, 422, statusBody(422, 'Invalid', 'metadata.name: Required value'));
      const target = { ...p, name };
      if (this.store.has(keyOf(p, name))) {
        return this.send(res, 409, statusBody(409, 'AlreadyExists', `${p.resource} "${name}" already exists`));
      }
      const denied = this.admission?.({ operation: 'CREATE', path: target, object: obj, dryRun });
      if (denied) return this.send(res, denied.code, statusBody(denied.code, denied.reason ?? 'BadRequest', denied.message));
      if (dryRun) return this.send(res, 201, { ...obj, metadata: { ...obj.metadata, resourceVersion: '' } });
      return this.send(res, 201, this.commit(p, name, obj, 'ADDED'));
    }
    if (p.name === undefined) return this.send(res, 405, statusBody(405, 'MethodNotAllowed', 'method not allowed'));
    const key = keyOf(p, p.name);
    const existing = this.store.get(key);
    if (method === 'PUT') {
      const obj = body as Obj | undefined;
      if (!obj) return this.send(res, 400, statusBody(400, 'BadRequest', 'empty body'));
      if (!existing) return this.notFound(res, p);
      const want = obj.metadata?.resourceVersion;
      if (want !== undefined && want !== '' && want !== existing.metadata?.resourceVersion) {
        return this.conflict(res, p);
      }
      const denied = this.admission?.({ operation: 'UPDATE', path: p, object: obj, dryRun });
      if (denied) return this.send(res, denied.code, statusBody(denied.code, denied.reason ?? 'BadRequest', denied.message));
      if (dryRun) return this.send(res, 200, obj);
      return this.send(res, 200, this.commit(p, p.name, obj, 'MODIFIED'));
    }
    if (method === 'PATCH') {
      if (!existing) return this.notFound(res, p);
      const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      let patched: Obj;
      if (ct === 'application/json-patch+json') {
        if (!Array.isArray(body)) return this.send(res, 400, statusBody(400, 'BadRequest', 'json patch must be an array'));
        try {
          patched = jsonpatch.applyPatch(structuredClone(existing), body as jsonpatch.Operation[], true, false)
            .newDocument as Obj;
        } catch (e) {
          return this.send(res, 422, statusBody(422, 'Invalid', `the server rejected our request: ${String(e)}`));
        }
      } else if (ct === 'application/merge-patch+json') {
        patched = mergePatch(existing, body) as Obj;
      } else {
        return this.send(res, 415, statusBody(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json`));
      }
      const want = patched.metadata?.resourceVersion;
      if (want !== undefined && want !== existing.metadata?.resourceVersion) return this.conflict(res, p);
      if (dryRun) return this.send(res, 200, patched);
      return this.send(res, 200, this.commit(p, p.name, patched, 'MODIFIED'));
    }
    if (method === 'DELETE') {
      if (!existing) return this.notFound(res, p);
      this.remove(`${url.pathname.slice(0, url.pathname.lastIndexOf('/'))}`, p.name);
      return this.send(res, 200, existing);
    }
    return this.send(res, 405, statusBody(405, 'MethodNotAllowed', 'method not allowed'));
  }

  private notFound(res: http.ServerResponse, p: ResourcePath): void {
    const gr = p.group === '' ? p.resource : `${p.resource}.${p.group}`;
    this.send(res, 404, statusBody(404, 'NotFound', `${gr} "${p.name}" not found`));
  }

  private conflict(res: http.ServerResponse, p: ResourcePath): void {
    const gr = p.group === '' ? p.resource : `${p.resource}.${p.group}`;
    this.send(
      res,
      409,
      statusBody(409, 'Conflict', `Operation cannot be fulfilled on ${gr} "${p.name}": the object has been modified; please apply your changes to the latest version and try again`),
    );
  }

  private matcher(p: ResourcePath, url: URL): (key: string, o: Obj) => boolean {
    const coll = collectionOf(p);
    const allNs = p.namespace === undefined;
    const prefix = `${p.group}/${p.resource}/`;
    const labels = parseSelector(url.searchParams.get('labelSelector'));
    const fields = parseFieldSelector(url.searchParams.get('fieldSelector'));
    return (key, o) =>
      (allNs ? key.startsWith(prefix) : key.startsWith(coll)) && labels(o.metadata?.labels ?? {}) && fields(o);
  }

  private list(p: ResourcePath, url: URL, res: http.ServerResponse): void {
    const match = this.matcher(p, url);
    let entries = [...this.store.entries()].filter(([k, o]) => match(k, o)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // Paging as the real server does it: `limit`, then `continue` with an opaque token naming the snapshot's
    // resourceVersion and the last key sent (this fake reads later pages from the current store).
    let rv = String(this.rv);
    const token = url.searchParams.get('continue');
    if (token) {
      const t = JSON.parse(Buffer.from(token, 'base64url').toString()) as { rv: string; after: string };
      rv = t.rv;
      entries = entries.filter(([k]) => k > t.after);
    }
    const limit = Number(url.searchParams.get('limit') ?? 0);
    const page = limit > 0 ? entries.slice(0, limit) : entries;
    const more = page.length < entries.length;
    this.send(res, 200, {
      kind: `${KINDS[p.resource]}List`,
      apiVersion: apiVersionOf(p),
      metadata: {
        resourceVersion: rv,
        ...(more ? { continue: Buffer.from(JSON.stringify({ rv, after: page.at(-1)![0] })).toString('base64url'), remainingItemCount: entries.length - page.length } : {}),
      },
      items: page.map(([, o]) => o),
    });
  }

  private watch(p: ResourcePath, url: URL, res: http.ServerResponse): void {
    const match = this.matcher(p, url);
    const fromRaw = url.searchParams.get('resourceVersion');
    const from = fromRaw === null || fromRaw === '' ? this.rv : Number(fromRaw);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    if (from < this.compactedRv) {
      // The real apiserver answers an expired resourceVersion with a 200 stream carrying one ERROR Status event.
      res.write(
        `${JSON.stringify({ type: 'ERROR', object: statusBody(410, 'Expired', `too old resource version: ${from} (${this.compactedRv})`) })}\n`,
      );
      res.end();
      return;
    }
    const watcher: Watcher = { res, matches: (e) => match(e.key, e.object) };
    for (const ev of this.history) {
      if (ev.rv > from && watcher.matches(ev)) res.write(`${JSON.stringify({ type: ev.type, object: ev.object })}\n`);
    }
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
  }
}

export const CONFIGMAPS = (ns: string): string => `/api/v1/namespaces/${ns}/configmaps`;
export const SECRETS = (ns: string): string => `/api/v1/namespaces/${ns}/secrets`;
export const MWC = '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations';
export const VWC = '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations';
export const GATEWAYS = (ns: string): string => `/apis/networking.istio.io/v1/namespaces/${ns}/gateways`;
