import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { admissionError, describeError } from '../errors.js';
import { MAX_REQUEST_BODY_BYTES, decodeReview, encodeDecision, encodeDecodeFailure } from '../admission/review.js';
import type { AdmissionDecision, AdmissionRequest } from '../admission/types.js';
import type { ServerMetrics } from './metrics.js';

/** The engines behind the two webhooks; the server knows nothing of what they decide. */
export interface AdmissionEngines {
  inject(request: AdmissionRequest, path: string): AdmissionDecision;
  validate(request: AdmissionRequest): AdmissionDecision;
}

export interface ServerOptions {
  engines: AdmissionEngines;
  metrics: ServerMetrics;
  logger: Logger;
  /** Omit for plain HTTP (tests, or TLS terminated in front). */
  tls?: { key: string; cert: string };
  ready?: () => boolean;
  /** Extra read-only JSON endpoints, e.g. `/debug/config`. */
  debug?: Record<string, () => unknown>;
}

type WebhookKind = 'inject' | 'validate';

const JSON_CONTENT_TYPE = 'application/json';

export function buildServer(opts: ServerOptions) {
  const { engines, metrics, logger } = opts;
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
        const decoded = decodeReview(body.toString('utf8'));
        if (!decoded.ok) {
          if (kind === 'inject') metrics.injection.failure.inc();
          req.log.warn({ path: req.url, webhook: kind, err: decoded.message }, 'could not decode AdmissionReview');
          return reply.code(200).type(JSON_CONTENT_TYPE).send(JSON.stringify(encodeDecodeFailure(decoded.message)));
        }
        const { review } = decoded;
        let decision: AdmissionDecision;
        try {
          decision = kind === 'inject' ? engines.inject(review.request, req.url) : engines.validate(review.request);
        } catch (e) {
          // An engine bug must still produce an answer the API server can act on.
          req.log.error({ err: e, uid: review.request.uid }, 'admission engine threw');
          decision = { allowed: false, message: admissionError('MA105_INTERNAL', describeError(e)).message, reason: 'internal_error' };
        }
        recordDecision(kind, review.request, decision);
        const out = JSON.stringify(encodeDecision(review, decision));
        const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
        logAdmission(req, kind, review.request, decision, durationMs);
        return reply.code(200).type(JSON_CONTENT_TYPE).send(out);
      } finally {
        if (kind === 'inject') metrics.injection.time.observe(Number(process.hrtime.bigint() - started) / 1e9);
      }
    };
  }

  function recordDecision(kind: WebhookKind, request: AdmissionRequest, d: AdmissionDecision): void {
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
    const labels = {
      group: request.resource?.group ?? '',
      version: request.resource?.version ?? '',
      resource: request.resource?.resource ?? '',
    };
    if (d.allowed && d.reason !== 'unsupported_operation') metrics.validation.passed.inc(labels);
    else if (!request.dryRun) metrics.validation.failed.inc({ ...labels, reason: d.reason });
  }

  function logAdmission(req: FastifyRequest, kind: WebhookKind, r: AdmissionRequest, d: AdmissionDecision, ms: number): void {
    const obj = (r.object ?? {}) as { metadata?: { name?: string; generateName?: string; namespace?: string } };
    const name = r.name || obj.metadata?.name || (obj.metadata?.generateName ? `${obj.metadata.generateName}***** (actual name not yet known)` : '');
    req.log.info(
      {
        webhook: kind,
        path: req.url,
        uid: r.uid,
        kind: r.kind?.kind ?? '',
        operation: r.operation,
        namespace: r.namespace || obj.metadata?.namespace || '',
        name,
        allowed: d.allowed,
        decision: d.reason,
        ...(d.message ? { message: d.message } : {}),
        ...(d.detail ? { detail: d.detail } : {}),
        ...(r.dryRun ? { dryRun: true } : {}),
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
