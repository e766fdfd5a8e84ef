/**
 * One admission request over HTTPS and the checks every answer must pass, shared by the fuzz and soak tools.
 * The checks are the API server's view: a status it can act on, a well-formed AdmissionReview, the same uid,
 * a patch that applies to the object it sent.
 */
import { Agent, request } from 'node:https';
import { connect } from 'node:tls';
import jsonpatch, { type Operation } from 'fast-json-patch';

export interface Sent {
  path: string;
  body: Buffer;
  /** undefined sends no Content-Type header at all. */
  contentType: string | undefined;
  method?: string;
  /**
   * Send on a raw TLS socket and read the answer even if the upload fails, as Go's client (the API server) does:
   * a server may answer an oversized body early and close, and Node's client then reports only EPIPE.
   */
  raw?: boolean;
}

export interface Answer {
  status: number;
  body: Buffer;
  contentType: string;
  ms: number;
  /** A transport error instead of an answer (reset, hang-up, timeout). */
  error?: string;
}

/** `drip` sends the body a few bytes at a time, as a slow client on a bad link would. */
export function send(port: number, ca: string, agent: Agent | false, s: Sent, timeoutMs: number, drip?: { bytes: number; everyMs: number }): Promise<Answer> {
  if (s.raw) return sendRaw(port, ca, s, timeoutMs);
  const started = performance.now();
  return new Promise((ok) => {
    let done = false;
    const finish = (a: Omit<Answer, 'ms'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (dripper) clearInterval(dripper);
      ok({ ...a, ms: performance.now() - started });
    };
    const headers: Record<string, string | number> = { 'content-length': s.body.length };
    if (s.contentType !== undefined) headers['content-type'] = s.contentType;
    const req = request(
      { host: '127.0.0.1', port, path: s.path, method: s.method ?? 'POST', ca, servername: 'localhost', agent, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), contentType: String(res.headers['content-type'] ?? '') }));
        res.on('error', (e) => finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), contentType: '', error: `response: ${e.message}` }));
      },
    );
    // The API server gives a webhook at most 30 s; an answer later than the client's budget is a failure.
    const timer = setTimeout(() => {
      finish({ status: 0, body: Buffer.alloc(0), contentType: '', error: `timeout after ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    // A server may answer an oversized body before reading all of it; the answer counts, a later EPIPE does not.
    req.on('error', (e: NodeJS.ErrnoException) => finish({ status: 0, body: Buffer.alloc(0), contentType: '', error: e.code ?? e.message }));
    let dripper: NodeJS.Timeout | undefined;
    if (drip === undefined) {
      req.end(s.body);
      return;
    }
    let off = 0;
    dripper = setInterval(() => {
      const chunk = s.body.subarray(off, off + drip.bytes);
      off += chunk.length;
      if (off < s.body.length) req.write(chunk);
      else {
        clearInterval(dripper);
        req.end(chunk);
      }
    }, drip.everyMs);
  });
}

function sendRaw(port: number, ca: string, s: Sent, timeoutMs: number): Promise<Answer> {
  const started = performance.now();
  return new Promise((ok) => {
    const chunks: Buffer[] = [];
    let writeError: string | undefined;
    const sock = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      const head = [`${s.method ?? 'POST'} ${s.path} HTTP/1.1`, 'Host: localhost', 'Connection: close', `Content-Length: ${s.body.length}`];
      if (s.contentType !== undefined) head.push(`Content-Type: ${s.contentType}`);
      sock.write(`${head.join('\r\n')}\r\n\r\n`);
      sock.end(s.body);
    });
    const timer = setTimeout(() => sock.destroy(new Error(`timeout after ${timeoutMs} ms`)), timeoutMs);
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', (e: NodeJS.ErrnoException) => (writeError ??= e.code ?? e.message));
    sock.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const m = /^HTTP\/1\.1 (\d{3})/.exec(all.toString('latin1', 0, 16));
      const split = all.indexOf('\r\n\r\n');
      const ct = /^content-type:\s*(.*)$/im.exec(all.toString('latin1', 0, split < 0 ? 0 : split))?.[1]?.trim() ?? '';
      const ms = performance.now() - started;
      if (m === null) ok({ status: 0, body: Buffer.alloc(0), contentType: '', ms, error: writeError ?? 'connection closed without an answer' });
      else ok({ status: Number(m[1]), body: split < 0 ? Buffer.alloc(0) : all.subarray(split + 4), contentType: ct, ms });
    });
  });
}

/** What the sender knows the answer must look like. */
export interface Expectation {
  /**
   * `review`: a decodable AdmissionReview: 200 with a response for `uid`.
   * `undecodable`: a JSON body that is no AdmissionReview (or not JSON): 200 with allowed false and an empty uid, or 400.
   * `envelope`: rejected before decoding: one of `statuses`.
   * Any kind also accepts `statuses` (e.g. a Content-Type a server may accept or refuse with 415).
   */
  kind: 'review' | 'undecodable' | 'envelope';
  uid?: string;
  apiVersion?: string;
  statuses?: readonly number[];
  /** The object the patch must apply to (inject reviews). */
  object?: unknown;
  /** The answer must allow (a realistic pod or a valid resource). */
  mustAllow?: boolean;
}

/** Statuses any request may get: the documented overload answer. */
const OVERLOAD_STATUSES = [429];

export type Verdict =
  | { ok: true; allowed?: boolean; patched?: Record<string, unknown>; overloaded?: boolean }
  | { ok: false; class: 'failed' | '5xx' | 'wrong-uid'; reason: string };

interface ResponseJson {
  apiVersion?: unknown;
  kind?: unknown;
  response?: {
    uid?: unknown;
    allowed?: unknown;
    patch?: unknown;
    patchType?: unknown;
    status?: { message?: unknown; code?: unknown };
    warnings?: unknown;
  };
}

export function judge(a: Answer, e: Expectation): Verdict {
  if (a.error !== undefined) return { ok: false, class: 'failed', reason: a.error };
  if (a.status >= 500) return { ok: false, class: '5xx', reason: `HTTP ${a.status}: ${a.body.toString('utf8', 0, 200)}` };
  if (OVERLOAD_STATUSES.includes(a.status)) return { ok: true, overloaded: true };
  if (e.statuses?.includes(a.status)) return { ok: true };
  if (e.kind === 'envelope') {
    return { ok: false, class: 'failed', reason: `HTTP ${a.status}, want one of ${e.statuses?.join('/')}: ${a.body.toString('utf8', 0, 200)}` };
  }
  if (e.kind === 'undecodable' && a.status === 400) return { ok: true };
  if (a.status !== 200) return { ok: false, class: 'failed', reason: `HTTP ${a.status}, want 200: ${a.body.toString('utf8', 0, 200)}` };
  if (!a.contentType.startsWith('application/json')) return { ok: false, class: 'failed', reason: `200 with content-type '${a.contentType}'` };
  let json: ResponseJson;
  try {
    json = JSON.parse(a.body.toString('utf8')) as ResponseJson;
  } catch (err) {
    return { ok: false, class: 'failed', reason: `200 whose body is not JSON (${(err as Error).message})` };
  }
  const r = json.response;
  if (typeof r !== 'object' || r === null) return { ok: false, class: 'failed', reason: '200 without a response object' };
  if (typeof r.allowed !== 'boolean') return { ok: false, class: 'failed', reason: 'response.allowed is not a boolean' };
  if (r.status !== undefined && (typeof r.status !== 'object' || r.status === null || (r.status.message !== undefined && typeof r.status.message !== 'string'))) {
    return { ok: false, class: 'failed', reason: 'response.status is malformed' };
  }
  if (r.warnings !== undefined && !(Array.isArray(r.warnings) && r.warnings.every((w) => typeof w === 'string'))) {
    return { ok: false, class: 'failed', reason: 'response.warnings is not a list of strings' };
  }
  const wantUid = e.kind === 'review' ? e.uid ?? '' : '';
  const gotUid = r.uid ?? '';
  if (gotUid !== wantUid) {
    return { ok: false, class: 'wrong-uid', reason: `uid ${JSON.stringify(String(gotUid).slice(0, 80))}, want ${JSON.stringify(wantUid.slice(0, 80))}` };
  }
  if (e.kind === 'undecodable') {
    if (r.allowed) return { ok: false, class: 'failed', reason: 'an undecodable review was allowed' };
    return { ok: true, allowed: false };
  }
  // istiod echoes the request's TypeMeta; the API server rejects an answer of another version.
  if (e.apiVersion !== undefined && (json.apiVersion !== e.apiVersion || json.kind !== 'AdmissionReview')) {
    return { ok: false, class: 'failed', reason: `answer is ${String(json.apiVersion)} ${String(json.kind)}, want ${e.apiVersion} AdmissionReview` };
  }
  if (e.mustAllow && !r.allowed) {
    return { ok: false, class: 'failed', reason: `a valid input was denied: ${String(r.status?.message ?? '').slice(0, 300)}` };
  }
  let patched: Record<string, unknown> | undefined;
  if (r.patch !== undefined) {
    if (!r.allowed) return { ok: false, class: 'failed', reason: 'a denial carries a patch' };
    if (r.patchType !== 'JSONPatch' || typeof r.patch !== 'string') return { ok: false, class: 'failed', reason: `patch without patchType JSONPatch` };
    let ops: Operation[];
    try {
      ops = JSON.parse(Buffer.from(r.patch, 'base64').toString('utf8')) as Operation[];
    } catch {
      return { ok: false, class: 'failed', reason: 'patch is not base64 JSON' };
    }
    if (!Array.isArray(ops)) return { ok: false, class: 'failed', reason: 'patch is not a list of operations' };
    if (e.object !== undefined) {
      try {
        patched = jsonpatch.applyPatch(structuredClone(e.object), ops, true, true).newDocument as Record<string, unknown>;
      } catch (err) {
        return { ok: false, class: 'failed', reason: `patch does not apply to the object sent: ${(err as Error).message.slice(0, 200)}` };
      }
    }
  }
  return { ok: true, allowed: r.allowed, patched };
}

/** Counts and worst cases over a run, printed as the tools' one-line summary. */
export class Tally {
  requests = 0;
  failed = 0;
  fiveXx = 0;
  wrongUid = 0;
  overloaded = 0;
  maxLatencyMs = 0;
  slowest = '';
  readonly examples = new Map<string, { count: number; first: string; label: string }>();

  /** `timed` false for clients that are slow on purpose: their answers are checked but not timed. */
  record(label: string, a: Answer, v: Verdict, timed = true): void {
    this.requests++;
    if (timed && a.ms > this.maxLatencyMs) {
      this.maxLatencyMs = a.ms;
      this.slowest = label;
    }
    if (v.ok) {
      if (v.overloaded) this.overloaded++;
      return;
    }
    this.fail(label, v.class, v.reason);
  }

  /** A failure found by a check that is not one answer (e.g. a rotation never seen). */
  fail(label: string, cls: 'failed' | '5xx' | 'wrong-uid', reason: string): void {
    if (cls === 'failed') this.failed++;
    else if (cls === '5xx') this.fiveXx++;
    else this.wrongUid++;
    // Grouped by input kind and the answer's shape, with digits folded so one cause is one line.
    const oneLine = reason.replace(/\s+/g, ' ');
    const key = `${label.replace(/ #\d+$/, '')} -> ${cls}: ${oneLine.replace(/\d+/g, 'N').slice(0, 100)}`;
    const seen = this.examples.get(key);
    if (seen) seen.count++;
    else this.examples.set(key, { count: 1, first: `${cls}: ${oneLine.slice(0, 300)}`, label });
  }

  summary(tool: string, peakRssMib: number, extra: Record<string, string | number> = {}): string {
    const parts = [
      `requests=${this.requests}`,
      `failed=${this.failed}`,
      `5xx=${this.fiveXx}`,
      `wrong-uid=${this.wrongUid}`,
      `max-latency-ms=${Math.round(this.maxLatencyMs)}`,
      `peak-rss-mib=${Math.round(peakRssMib)}`,
      ...Object.entries(extra).map(([k, v]) => `${k}=${v}`),
    ];
    return `${tool}: ${parts.join(' ')}`;
  }

  failureLines(): string[] {
    return [...this.examples.entries()].sort((a, b) => b[1].count - a[1].count).map(([, v]) => `  ${v.count}× ${v.label} -> ${v.first}`);
  }
}
