import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { admissionError, describeError } from '../errors.js';
import { MAX_REQUEST_BODY_BYTES } from '../admission/review.js';
import { answerReview, type AdmissionAnswer, type AdmissionEngines, type AdmissionSummary, type WebhookKind } from '../admission/answer.js';
import { capString, logValue } from '../admission/caps.js';
import { httpStatusLabel, skipReasonLabel, validationLabels, validationReasonLabel, type ServerMetrics } from './metrics.js';
import { tlsServerOptions } from './tls.js';

export type { AdmissionEngines } from '../admission/answer.js';

/** Computes answers off the HTTP thread (a worker pool): the raw body in, answer text and summary out. */
export interface RawAdmitter {
  admit(kind: WebhookKind, body: string, path: string): Promise<AdmissionAnswer>;
}

/** Bounds on connections and on work in flight (see the README's "Limits" table). */
export interface ConnectionLimits {
  /** A request (headers and body) not received within this is answered 408 and its connection closed. */
  requestTimeoutMs: number;
  /** Headers not received within this (and a TLS handshake not finished within it) close the connection. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** A connection with no traffic in either direction for this long is closed. */
  connectionTimeoutMs: number;
  /** Admissions being read or answered at once; more are answered 429 at once. */
  maxInFlight: number;
  /** Bytes of request bodies being read or answered at once (Content-Length, or the body limit when unknown). */
  maxInFlightBodyBytes: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  requestTimeoutMs: 10_000,
  headersTimeoutMs: 5_000,
  // The API server reuses connections; Istio's idle timeout is 90 s.
  keepAliveTimeoutMs: 90_000,
  connectionTimeoutMs: 30_000,
  maxInFlight: 32,
  maxInFlightBodyBytes: 32 * 1024 * 1024,
};

export interface ServerOptions {
  /** The engines, run inline; or a RawAdmitter that runs them elsewhere. The server knows nothing of what they decide. */
  engines: AdmissionEngines | RawAdmitter;
  metrics: ServerMetrics;
  logger: Logger;
  /** Omit for plain HTTP (tests, or TLS terminated in front). */
  tls?: { key: string; cert: string };
  ready?: () => boolean;
  limits?: Partial<ConnectionLimits>;
  /** True while the process drains before shutdown: answers carry `Connection: close`. */
  draining?: () => boolean;
}

const JSON_CONTENT_TYPE = 'application/json';
const TEXT = 'text/plain; charset=utf-8';

/** An http(s) server with every timeout set; Node checks request/headers timeouts every `interval`. */
function serverFactory(tls: ServerOptions['tls'], limits: ConnectionLimits) {
  return (handler: (req: IncomingMessage, res: ServerResponse) => void): HttpServer => {
    const headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
    const common = {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node's default is 30 s, which would let a stalled body live three times the request timeout.
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(headersTimeout / 4))),
    };
    const server = tls ? createHttpsServer({ ...tlsServerOptions(tls, headersTimeout), ...common }, handler) : createHttpServer(common, handler);
    server.setTimeout(limits.connectionTimeoutMs);
    return server as HttpServer;
  };
}

export function buildServer(opts: ServerOptions) {
  const { engines, metrics, logger } = opts;
  const admit: RawAdmitter['admit'] =
    'admit' in engines ? (kind, body, path) => engines.admit(kind, body, path) : async (kind, body, path) => answerReview(engines, kind, body, path);
  const limits: ConnectionLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const app = Fastify({
    loggerInstance: logger,
    // One structured line per admission is logged by the handler itself.
    logController: new LogController({ disableRequestLogging: true }),
    // One byte over Istio's limit so the parser, not Fastify, owns the error text and status.
    bodyLimit: MAX_REQUEST_BODY_BYTES,
    forceCloseConnections: 'idle',
    return503OnClosing: false,
    serverFactory: serverFactory(opts.tls, limits),
  });

  // The webhooks read the raw body themselves: Istio checks size, emptiness and Content-Type in that
  // order and answers each with its own status, which Fastify's parsers would pre-empt.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // Admission control: counted when the headers arrive, before any body byte is buffered, so floods of
  // large or stalled bodies are refused at once instead of filling memory.
  let inFlight = 0;
  let inFlightBytes = 0;
  app.addHook('onRequest', async (req, reply) => {
    if (opts.draining?.()) reply.header('connection', 'close');
    const kind = webhookOf(req.url);
    if (!kind) return;
    const declared = Number(req.headers['content-length']);
    // Over the body limit: Fastify answers 400 without reading, so nothing is reserved.
    if (Number.isFinite(declared) && declared > MAX_REQUEST_BODY_BYTES) return;
    const bytes = Number.isFinite(declared) && declared >= 0 ? declared : MAX_REQUEST_BODY_BYTES;
    let busy: ReturnType<typeof admissionError> | undefined;
    if (inFlight >= limits.maxInFlight) {
      busy = admissionError('MA106_TOO_BUSY', `${inFlight} requests are being answered`, `${limits.maxInFlight} requests`);
      metrics.server.rejectedBusy.inc({ limit: 'requests' });
    } else if (inFlightBytes + bytes > limits.maxInFlightBodyBytes && inFlight > 0) {
      busy = admissionError('MA106_TOO_BUSY', `${inFlightBytes} bytes of request bodies are being read`, `${limits.maxInFlightBodyBytes} bytes`);
      metrics.server.rejectedBusy.inc({ limit: 'body_bytes' });
    }
    if (busy) {
      countHttpError(kind, busy.httpStatus);
      // The body is not read: close the connection rather than drain it.
      return reply.code(busy.httpStatus).header('connection', 'close').header('retry-after', '1').type(TEXT).send(`${busy.message}\n`);
    }
    inFlight++;
    inFlightBytes += bytes;
    metrics.server.inFlight.set(inFlight);
    metrics.server.inFlightBodyBytes.set(inFlightBytes);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inFlight--;
      inFlightBytes -= bytes;
      metrics.server.inFlight.set(inFlight);
      metrics.server.inFlightBodyBytes.set(inFlightBytes);
    };
    // 'close' fires on a finished answer and on a dropped connection (timeout, reset) alike.
    reply.raw.once('close', release);
    reply.raw.once('finish', release);
  });

  app.setNotFoundHandler((_req, reply) => {
    const e = admissionError('MA107_NOT_FOUND');
    return reply.code(e.httpStatus).type(TEXT).send(`${e.message}\n`);
  });

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    const kind = webhookOf(req.url);
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const e = admissionError('MA101_BODY_TOO_LARGE', MAX_REQUEST_BODY_BYTES);
      countHttpError(kind, e.httpStatus);
      // Read and discard the rest of the body first, as Go's server does: a client still sending would
      // otherwise see a reset instead of the 400. Nothing is kept, and the request timeout bounds the wait.
      afterBody(req.raw, () => reply.code(e.httpStatus).header('connection', 'close').type(TEXT).send(`${e.message}\n`));
      return reply;
    }
    req.log.error({ err: capString(describeError(err)), code: err.code, path: logValue(req.url) }, 'request failed');
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    countHttpError(kind, status);
    return reply.code(status).type(TEXT).send(`${capString(err.message)}\n`);
  });

  function countHttpError(kind: WebhookKind | undefined, status: number): void {
    if (kind === 'inject') metrics.injection.failure.inc();
    if (kind === 'validate') metrics.validation.httpError.inc({ status: httpStatusLabel(status) });
  }

  function handle(kind: WebhookKind) {
    return async (req: FastifyRequest, reply: FastifyReply) => {
      const started = process.hrtime.bigint();
      if (kind === 'inject') metrics.injection.requests.inc();
      try {
        const body = req.body instanceof Buffer ? req.body : Buffer.alloc(0);
        if (body.length === 0) {
          const e = admissionError('MA100_EMPTY_BODY');
          countHttpError(kind, e.httpStatus);
          return reply.code(e.httpStatus).type(TEXT).send(`${e.message}\n`);
        }
        if (req.headers['content-type'] !== JSON_CONTENT_TYPE) {
          const e = admissionError('MA102_BAD_CONTENT_TYPE');
          countHttpError(kind, e.httpStatus);
          req.log.warn({ path: logValue(req.url), contentType: logValue(req.headers['content-type']) }, e.message);
          return reply.code(e.httpStatus).type(TEXT).send(`${e.message}\n`);
        }
        let answer: AdmissionAnswer;
        try {
          answer = await admit(kind, body.toString('utf8'), req.url);
        } catch (e) {
          // The worker computing this answer was stuck past its deadline or died: no review to echo a uid into.
          const message = capString(describeError(e));
          countHttpError(kind, 500);
          req.log.error({ path: logValue(req.url), webhook: kind, err: message }, 'admission not computed');
          return reply.code(500).type(TEXT).send(`${message}\n`);
        }
        const summary = answer.summary;
        if (!summary.decoded) {
          if (kind === 'inject') metrics.injection.failure.inc();
          req.log.warn({ path: logValue(req.url), webhook: kind, err: capString(summary.message) }, 'could not decode AdmissionReview');
          return reply.code(200).type(JSON_CONTENT_TYPE).send(answer.body);
        }
        if (summary.engineError !== undefined) req.log.error({ err: capString(summary.engineError), uid: logValue(summary.uid) }, 'admission engine threw');
        recordDecision(kind, summary);
        const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
        logAdmission(req, kind, summary, durationMs);
        return reply.code(200).type(JSON_CONTENT_TYPE).send(answer.body);
      } finally {
        if (kind === 'inject') metrics.injection.time.observe(Number(process.hrtime.bigint() - started) / 1e9);
      }
    };
  }

  type Decided = Extract<AdmissionSummary, { decoded: true }>;

  function recordDecision(kind: WebhookKind, d: Decided): void {
    if (kind === 'inject') {
      // Istio counts every answered review as a success, including skips and denials.
      metrics.injection.success.inc();
      if (d.reason.startsWith('skipped')) {
        metrics.injection.skip.inc();
        metrics.injection.skipByReason.inc({ reason: skipReasonLabel(d.reason.slice('skipped:'.length)) });
      }
      if (!d.allowed) metrics.injection.failure.inc();
      if (d.memo !== undefined) metrics.injection.answerMemo.inc({ result: d.memo });
      return;
    }
    const labels = validationLabels(d.resource);
    if (d.allowed && d.reason !== 'unsupported_operation') metrics.validation.passed.inc(labels);
    else if (!d.dryRun) metrics.validation.failed.inc({ ...labels, reason: validationReasonLabel(d.reason) });
  }

  function logAdmission(req: FastifyRequest, kind: WebhookKind, d: Decided, ms: number): void {
    // The summary's request-supplied strings were capped where it was built (answerReview), on whichever thread.
    req.log.info(
      {
        webhook: kind,
        path: logValue(req.url),
        uid: d.uid,
        kind: d.objectKind,
        operation: d.operation,
        namespace: d.namespace,
        name: d.name,
        allowed: d.allowed,
        decision: d.reason,
        ...(d.message ? { message: d.message } : {}),
        ...(d.detail ? { detail: d.detail } : {}),
        ...(d.dryRun ? { dryRun: true } : {}),
        ...(d.memo === 'hit' ? { memo: 'hit' } : {}),
        durationMs: Math.round(ms * 1000) / 1000,
      },
      'admission',
    );
  }

  for (const kind of ['inject', 'validate'] as const) {
    // Istio's mux never checks the method; the API server only POSTs.
    app.route({ method: ['POST', 'PUT'], url: `/${kind}`, handler: handle(kind) });
    app.route({ method: ['POST', 'PUT'], url: `/${kind}/*`, handler: handle(kind) });
  }

  app.get('/healthz', async (_req, reply) => reply.type('text/plain').send('ok'));
  app.get('/readyz', async (_req, reply) => {
    const ok = (opts.ready ? opts.ready() : true) && !opts.draining?.();
    return reply.code(ok ? 200 : 503).type('text/plain').send(ok ? 'ready' : 'not ready');
  });
  return app;
}

/** Run `fn` once the request's body has been read to its end (discarding it) or its connection is gone. */
function afterBody(req: IncomingMessage, fn: () => void): void {
  if (req.complete) return fn();
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    fn();
  };
  req.once('end', once);
  req.once('close', once);
  req.once('error', once);
  req.resume();
}

function webhookOf(url: string): WebhookKind | undefined {
  if (url === '/inject' || url.startsWith('/inject/') || url.startsWith('/inject?')) return 'inject';
  if (url === '/validate' || url.startsWith('/validate/') || url.startsWith('/validate?')) return 'validate';
  return undefined;
}

export type AdmissionApp = ReturnType<typeof buildServer>;
