import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { KubeConnection, ExecPlugin } from './kubeconfig.js';

/** An answer outside 2xx, with the body as sent (usually a Status object, whose message the error carries). */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${code}: ${statusMessage(body)}`);
    this.name = 'KubeApiError';
  }
}

function statusMessage(body: string): string {
  try {
    const status = JSON.parse(body) as { message?: unknown };
    if (typeof status.message === 'string') return status.message;
  } catch {
    // not a Status; the start of the text says more than nothing
  }
  return body.length > 200 ? `${body.slice(0, 200)}...` : body || '(no body)';
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Defaults to application/json; PATCH callers name their patch type. */
  contentType?: string;
}

export interface KubeClientLimits {
  /** Whole-request deadline for everything but watches. */
  requestTimeoutMs: number;
  /** Largest response body accepted (a cluster-wide pod list in the CLI is the big one). */
  maxResponseBytes: number;
  /** Largest single watch event; etcd's own object limit is 1.5 MiB. */
  maxWatchLineBytes: number;
}

const DEFAULT_LIMITS: KubeClientLimits = {
  requestTimeoutMs: 30_000,
  maxResponseBytes: 512 * 1024 * 1024,
  maxWatchLineBytes: 16 * 1024 * 1024,
};

/** The projected token is re-read when the file changes, at most this often checked. */
const TOKEN_FILE_RECHECK_MS = 10_000;
const EXEC_TIMEOUT_MS = 30_000;
/** An exec credential is renewed this long before it says it expires. */
const EXEC_EARLY_MS = 10_000;

interface Credentials {
  authorization?: string;
  cert?: Buffer;
  key?: Buffer;
}

export type WatchEventHandler = (type: string, object: unknown) => void;
export type WatchDoneHandler = (err: Error | null) => void;

export interface WatchHandle {
  abort(): void;
}

function abortError(): Error {
  const e = new Error('watch aborted');
  e.name = 'AbortError';
  return e;
}

function queryString(q: Query | undefined): string {
  if (q === undefined) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
}

/**
 * A Kubernetes REST client for the few calls this service makes: JSON requests and watch streams over
 * node:http(s) with keep-alive, bearer/file/exec/basic/client-certificate auth, and a deadline and size cap
 * on every answer. Written instead of using @kubernetes/client-node, whose generated models cost ~75 MiB of
 * RSS on import, most of the idle footprint of a server that needs six resource types.
 */
export class KubeClient {
  readonly server: string;
  private readonly limits: KubeClientLimits;
  private agent: http.Agent | undefined;
  private agentCert: Buffer | undefined;
  private tokenCache: { value: string; mtimeMs: number; checkedAt: number } | undefined;
  private execCache: { creds: Credentials; expiresAt: number } | undefined;
  private execRunning: Promise<Credentials> | undefined;

  constructor(
    readonly connection: KubeConnection,
    limits: Partial<KubeClientLimits> = {},
  ) {
    this.server = connection.server;
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** One JSON request; a non-2xx answer rejects with KubeApiError. */
  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const creds = await this.credentials();
    const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    const what = `${method} ${path}`;
    return new Promise<T>((resolve, reject) => {
      const req = this.send(method, path + queryString(opts.query), creds, payload, opts.contentType);
      // Rejected first, then the socket dropped without an error: an error destroy after the answer ended would
      // land on a socket back in the agent's pool, where nothing listens for it.
      const fail = (e: Error): void => {
        clearTimeout(deadline);
        reject(e);
        req.destroy();
      };
      const deadline = setTimeout(() => fail(new Error(`${what}: no answer within ${this.limits.requestTimeoutMs} ms`)), this.limits.requestTimeoutMs);
      req.on('error', (e) => {
        clearTimeout(deadline);
        reject(e);
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.limits.maxResponseBytes) {
            fail(new Error(`${what}: answer larger than ${this.limits.maxResponseBytes} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          clearTimeout(deadline);
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) return reject(new KubeApiError(status, text, what));
          if (text === '') return resolve({} as T);
          try {
            resolve(JSON.parse(text) as T);
          } catch {
            reject(new Error(`${what}: the answer is not JSON`));
          }
        });
        res.on('error', (e) => {
          clearTimeout(deadline);
          reject(e);
        });
        res.on('close', () => {
          if (res.complete) return;
          clearTimeout(deadline);
          reject(new Error(`${what}: the connection closed before the answer was complete`));
        });
      });
      req.end(payload);
    });
  }

  /**
   * A watch stream: `onEvent` per line, then `onDone` exactly once (null on a clean end, an AbortError after
   * `abort()`, a KubeApiError for a non-200 answer).
   */
  async watch(path: string, query: Query, onEvent: WatchEventHandler, onDone: WatchDoneHandler): Promise<WatchHandle> {
    let finished = false;
    const done = (e: Error | null): void => {
      if (finished) return;
      finished = true;
      onDone(e);
    };
    const creds = await this.credentials();
    const what = `watch ${path}`;
    const req = this.send('GET', path + queryString({ ...query, watch: true }), creds, undefined, undefined);
    // The server ends a watch after timeoutSeconds; a connection silent well past that is dead.
    const serverSeconds = typeof query['timeoutSeconds'] === 'number' ? query['timeoutSeconds'] : 300;
    const hardMs = serverSeconds * 1000 + 30_000;
    // Reported first, then the socket dropped without an error (see request()).
    const fail = (e: Error): void => {
      done(e);
      req.destroy();
    };
    const hard = setTimeout(() => fail(new Error(`${what}: still open ${hardMs} ms after the server should have ended it`)), hardMs);
    let aborted = false;
    req.on('close', () => clearTimeout(hard));
    req.on('error', (e) => done(aborted ? abortError() : e));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if ((size += c.length) <= this.limits.maxWatchLineBytes) chunks.push(c);
        });
        res.on('end', () => done(new KubeApiError(status, Buffer.concat(chunks).toString('utf8'), what)));
        res.on('error', (e) => done(aborted ? abortError() : e));
        return;
      }
      let pending: Buffer[] = [];
      let pendingSize = 0;
      const line = (buf: Buffer): void => {
        const text = buf.toString('utf8').trim();
        if (text === '') return;
        let ev: { type?: unknown; object?: unknown };
        try {
          ev = JSON.parse(text) as typeof ev;
        } catch {
          fail(new Error(`${what}: an event is not JSON`));
          return;
        }
        if (typeof ev.type !== 'string') return;
        try {
          onEvent(ev.type, ev.object);
        } catch (e) {
          // A handler that cannot take an event must not take the process down from a socket callback.
          fail(new Error(`${what}: an event could not be handled: ${e instanceof Error ? e.message : String(e)}`));
        }
      };
      res.on('data', (chunk: Buffer) => {
        let start = 0;
        for (let nl = chunk.indexOf(10); nl !== -1 && !finished && !aborted; nl = chunk.indexOf(10, start)) {
          const piece = chunk.subarray(start, nl);
          line(pending.length === 0 ? piece : Buffer.concat([...pending, piece]));
          pending = [];
          pendingSize = 0;
          start = nl + 1;
        }
        if (start < chunk.length) {
          pendingSize += chunk.length - start;
          if (pendingSize > this.limits.maxWatchLineBytes) {
            fail(new Error(`${what}: an event larger than ${this.limits.maxWatchLineBytes} bytes`));
            return;
          }
          pending.push(chunk.subarray(start));
        }
      });
      res.on('end', () => {
        if (pendingSize > 0) line(Buffer.concat(pending));
        done(aborted ? abortError() : null);
      });
      res.on('error', (e) => done(aborted ? abortError() : e));
      res.on('close', () => done(aborted ? abortError() : null));
    });
    req.end();
    return {
      abort: () => {
        if (finished) return;
        aborted = true;
        req.destroy();
        done(abortError());
      },
    };
  }

  /** Drop idle keep-alive connections (for a clean exit). */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  private send(method: string, pathAndQuery: string, creds: Credentials, payload: Buffer | undefined, contentType: string | undefined): http.ClientRequest {
    const url = new URL(this.server + pathAndQuery);
    const headers: http.OutgoingHttpHeaders = { accept: 'application/json', 'user-agent': 'mesh-admission' };
    if (creds.authorization !== undefined) headers['authorization'] = creds.authorization;
    if (payload !== undefined) {
      headers['content-type'] = contentType ?? 'application/json';
      headers['content-length'] = payload.length;
    }
    const options: https.RequestOptions = { method, headers, agent: this.agentFor(url.protocol, creds) };
    return url.protocol === 'https:' ? https.request(url, options) : http.request(url, options);
  }

  private agentFor(protocol: string, creds: Credentials): http.Agent {
    const cert = creds.cert ?? this.connection.cert;
    if (this.agent !== undefined && this.agentCert === cert) return this.agent;
    this.agent?.destroy();
    this.agentCert = cert;
    const c = this.connection;
    this.agent =
      protocol === 'https:'
        ? new https.Agent({
            keepAlive: true,
            ...(c.ca !== undefined ? { ca: c.ca } : {}),
            ...(cert !== undefined ? { cert, key: creds.key ?? c.key } : {}),
            rejectUnauthorized: !c.skipTLSVerify,
            ...(c.tlsServerName !== undefined ? { servername: c.tlsServerName } : {}),
          })
        : new http.Agent({ keepAlive: true });
    return this.agent;
  }

  private async credentials(): Promise<Credentials> {
    const auth = this.connection.auth;
    switch (auth.kind) {
      case 'none':
        return {};
      case 'token':
        return { authorization: `Bearer ${auth.token}` };
      case 'basic':
        return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
      case 'tokenFile':
        return { authorization: `Bearer ${this.fileToken(auth.path)}` };
      case 'exec': {
        const cached = this.execCache;
        if (cached !== undefined && Date.now() < cached.expiresAt) return cached.creds;
        this.execRunning ??= runExecPlugin(auth.exec, this.server).then(
          ({ creds, expiresAt }) => {
            this.execCache = { creds, expiresAt };
            this.execRunning = undefined;
            return creds;
          },
          (e: unknown) => {
            this.execRunning = undefined;
            throw e;
          },
        );
        return this.execRunning;
      }
    }
  }

  private fileToken(path: string): string {
    const now = Date.now();
    const c = this.tokenCache;
    if (c !== undefined && now - c.checkedAt < TOKEN_FILE_RECHECK_MS) return c.value;
    const mtimeMs = statSync(path).mtimeMs;
    if (c !== undefined && c.mtimeMs === mtimeMs) {
      c.checkedAt = now;
      return c.value;
    }
    const value = readFileSync(path, 'utf8').trim();
    this.tokenCache = { value, mtimeMs, checkedAt: now };
    return value;
  }
}

/** Run a credential plugin the way client-go does (ExecCredential on stdin-less exec, JSON on stdout). */
export function runExecPlugin(exec: ExecPlugin, server: string): Promise<{ creds: Credentials; expiresAt: number }> {
  const info = { apiVersion: exec.apiVersion, kind: 'ExecCredential', spec: { interactive: false } };
  const env: NodeJS.ProcessEnv = { ...process.env, KUBERNETES_EXEC_INFO: JSON.stringify(info) };
  for (const e of exec.env) env[e.name] = e.value;
  return new Promise((resolve, reject) => {
    execFile(exec.command, exec.args, { env, timeout: EXEC_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const why = stderr.trim().split('\n').slice(-1)[0] || err.message;
        return reject(new Error(`credential plugin ${exec.command} for ${server} failed: ${why}`));
      }
      let status: Record<string, unknown> | undefined;
      try {
        status = (JSON.parse(stdout) as { status?: Record<string, unknown> }).status;
      } catch {
        return reject(new Error(`credential plugin ${exec.command} printed no ExecCredential JSON`));
      }
      const token = status?.['token'];
      const cert = status?.['clientCertificateData'];
      const key = status?.['clientKeyData'];
      const creds: Credentials = {};
      if (typeof token === 'string' && token !== '') creds.authorization = `Bearer ${token}`;
      if (typeof cert === 'string' && typeof key === 'string') {
        creds.cert = Buffer.from(cert);
        creds.key = Buffer.from(key);
      }
      if (creds.authorization === undefined && creds.cert === undefined) {
        return reject(new Error(`credential plugin ${exec.command} returned neither a token nor a client certificate`));
      }
      const exp = status?.['expirationTimestamp'];
      const at = typeof exp === 'string' ? Date.parse(exp) : NaN;
      resolve({ creds, expiresAt: Number.isFinite(at) ? at - EXEC_EARLY_MS : Number.POSITIVE_INFINITY });
    });
  });
}
