import Fastify, { LogController } from 'fastify';
import type { Logger } from 'pino';
import { admissionError } from '../errors.js';
import type { ServerMetrics } from './metrics.js';

export interface MonitoringOptions {
  metrics: ServerMetrics;
  logger: Logger;
  /** Read-only JSON endpoints, e.g. `/debug/config`. */
  debug?: Record<string, () => unknown>;
}

/**
 * `/metrics` and `/debug/*` on their own plain-HTTP port (istiod's 15014), never on the webhook port: the
 * webhook port is reachable by whatever reaches the Service, and these answers are for operators.
 */
export function buildMonitoringServer(opts: MonitoringOptions) {
  const app = Fastify({
    loggerInstance: opts.logger,
    logController: new LogController({ disableRequestLogging: true }),
    requestTimeout: 10_000,
    connectionTimeout: 30_000,
    forceCloseConnections: true,
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).type('text/plain; charset=utf-8').send(`${admissionError('MA107_NOT_FOUND').message}\n`));
  app.get('/metrics', async (_req, reply) => reply.type(opts.metrics.registry.contentType).send(await opts.metrics.registry.metrics()));
  for (const [path, fn] of Object.entries(opts.debug ?? {})) {
    app.get(path, async (_req, reply) => reply.type('application/json').send(JSON.stringify(fn(), null, 2)));
  }
  return app;
}
