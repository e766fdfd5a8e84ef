import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { admissionError, describeError } from '../errors.js';
import { MAX_REQUEST_BODY_BYTES } from '../admission/review.js';
import { answerReview, type AdmissionAnswer, type AdmissionEngines, type AdmissionSummary, type WebhookKind } from '../admission/answer.js';
import type { ServerMetrics } from './metrics.js';

export type { AdmissionEngines } from '../admission/answer.js';

/** Computes answers off the HTTP thread (a worker pool): the raw body in, answer text and summary out. */
export interface RawAdmitter {
  admit(kind: WebhookKind, body: string, path: string): Promise<AdmissionAnswer>;
}

export interface ServerOptions {
  /** The engines, run inline; or a RawAdmitter that runs them elsewhere. The server knows nothing of what they decide. */
  engines: AdmissionEngines | RawAdmitter;
  metrics: ServerMetrics;
  logger: Logger;
  /** Omit for plain HTTP (tests, or TLS terminated in front). */
  tls?: { key: string; cert: string };
  ready?: () => boolean;
  /** Extra read-only JSON endpoints, e.g. `/debug/config`. */
  debug?: Record<string, () => unknown>;
}

const JSON_CONTENT_TYPE = 'application/json';

export function buildServer(opts: ServerOptions) {
  const { engines, metrics, logger } = opts;
  const admit: RawAdmitter['admit'] =
    'admit' in engines ? (kind, body, path) => engines.admit(kind, body, path) : async (kind, body, path) => answerReview(engines, kind, body, path);
  const app = Fastify({
    loggerInstance: logger,
    // One structured line per admission is logged by the handler itself.
    logController: new LogController({ disableRequestLogging: true }),
    // One byte over Istio's limit so the parser, not Fastify, owns the error text and status.
    bodyLimit: MAX_REQUEST_BODY_BYTES,
    // The API server reuses connections; Istio's idle timeout is 90 s.
    keepAliveTimeout: 90_000,
    forceCloseConnections: 'idle',
    return503OnClosing: false,
    ...(opts.tls ? { https: { key: opts.tls.key, cert: opts.tls.cert, minVersion: 'TLSv1.2' as const } } : {}),
  });

  // The webhooks read the raw body themselves: Istio checks size, emptiness and Content-Type in that
  // order and answers each with its own status, which Fastify's parsers would pre-empt.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    const kind = webhookOf(req.url);
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const e = admissionError('MA101_BODY_TOO_LARGE', MAX_REQUEST_BODY_BYTES);
      countHttpError(kind, e.httpStatus);
      return reply.code(e.httpStatus).type('text/plain; charset=utf-8').send(`${e.message}\n`);
    }
    req.log.error({ err }, 'request failed');
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    countHttpError(kind, status);
    return reply.code(status).type('text/plain; charset=utf-8').send(`${err.message}\n`);
  });

  function countHttpError(kind: WebhookKind | undefined, status: number): void {
    if (kind === 'inject') metrics.injection.failure.inc();
    if (kind === 'validate') metrics.validation.httpError.inc({ status: String(status) });
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
          return reply.code(e.httpStatus).type('text/plain; charset=utf-8').send(`${e.message}\n`);
        }
        if (req.headers['content-type'] !== JSON_CONTENT_TYPE) {
          const e = admissionError('MA102_BAD_CONTENT_TYPE');
          countHttpError(kind, e.httpStatus);
          req.log.warn({ path: req.url, contentType: req.headers['content-type'] }, e.message);
          return reply.code(e.httpStatus).type('text/plain; charset=utf-8').send(`${e.message}\n`);
        }
        let answer: AdmissionAnswer;
        try {
          answer = await admit(kind, body.toString('utf8'), req.url);
        } catch (e) {
          // The worker computing this answer was stuck past its deadline or died: no review to echo a uid into.
          const message = describeError(e);
          countHttpError(kind, 500);
          req.log.error({ path: req.url, webhook: kind, err: message }, 'admission not computed');
          return reply.code(500).type('text/plain; charset=utf-8').send(`${message}\n`);
        }
        const summary = answer.summary;
        if (!summary.decoded) {
          if (kind === 'inject') metrics.injection.failure.inc();
          req.log.warn({ path: req.url, webhook: kind, err: summary.message }, 'could not decode AdmissionReview');
          return reply.code(200).type(JSON_CONTENT_TYPE).send(answer.body);
        }
        if (summary.engineError !== undefined) req.log.error({ err: summary.engineError, uid: summary.uid }, 'admission engine threw');
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
        metrics.injection.skipByReason.inc({ reason: d.reason.slice('skipped:'.length) || 'unknown' });
      }
      if (!d.allowed) metrics.injection.failure.inc();
      return;
    }
    const labels = d.resource;
    if (d.allowed && d.reason !== 'unsupported_operation') metrics.validation.passed.inc(labels);
    else if (!d.dryRun) metrics.validation.failed.inc({ ...labels, reason: d.reason });
  }

  function logAdmission(req: FastifyRequest, kind: WebhookKind, d: Decided, ms: number): void {
    req.log.info(
      {
        webhook: kind,
        path: req.url,
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
    const ok = opts.ready ? opts.ready() : true;
    return reply.code(ok ? 200 : 503).type('text/plain').send(ok ? 'ready' : 'not ready');
  });
  app.get('/metrics', async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  for (const [path, fn] of Object.entries(opts.debug ?? {})) {
    app.get(path, async (_req, reply) => reply.type(JSON_CONTENT_TYPE).send(JSON.stringify(fn(), null, 2)));
  }
  return app;
}

function webhookOf(url: string): WebhookKind | undefined {
  if (url === '/inject' || url.startsWith('/inject/')) return 'inject';
  if (url === '/validate' || url.startsWith('/validate/')) return 'validate';
  return undefined;
}

export type AdmissionApp = ReturnType<typeof buildServer>;
