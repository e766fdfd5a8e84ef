/**
 * A server process for the HTTP benchmarks, on loopback with an ephemeral port it prints as
 * `PORT <n>`. `echo` is the baseline: bare node:https that reads the body, parses it and answers a
 * fixed JSON. `mesh [workers]` is the real mesh-admission server with the default templates, its
 * admissions computed by that many worker threads (0: on the HTTP thread).
 */
import { createServer } from 'node:https';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { generateCA, issueServingCert } from '../src/certs/generate.js';
import { buildServer } from '../src/server/app.js';
import { createMetrics } from '../src/server/metrics.js';
import { injectAdmission } from '../src/inject/webhook.js';
import { validateAdmission } from '../src/validate/webhook.js';
import type { AdmissionEngines } from '../src/admission/answer.js';
import { readRawConfigDir } from '../src/config/dir-source.js';
import { hashRawConfig } from '../src/config/types.js';
import { AdmissionWorkerPool } from '../src/workers/pool.js';
import { BENCH_FEATURES, TEMPLATES_DIR, defaultSettings } from './fixtures.js';

const kind = process.argv[2];
const ca = await generateCA();
const leaf = await issueServingCert(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });

if (kind === 'echo') {
  const server = createServer({ key: leaf.keyPem, cert: leaf.certPem, keepAliveTimeout: 90_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    process.stdout.write(`PORT ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
  });
} else {
  const workers = Number(process.argv[3] ?? '0');
  let engines: AdmissionEngines | AdmissionWorkerPool;
  if (workers > 0) {
    const pool = new AdmissionWorkerPool({ size: workers, features: BENCH_FEATURES });
    const raw = readRawConfigDir(TEMPLATES_DIR);
    pool.activate(await pool.prepare(raw, hashRawConfig(raw)));
    engines = pool;
  } else {
    const settings = defaultSettings();
    engines = {
      inject: (r, path) => injectAdmission(settings, r, path),
      validate: (r) => {
        const o = validateAdmission(r);
        return { allowed: o.allowed, message: o.message, warnings: o.warnings, reason: o.reason ?? 'valid' };
      },
    };
  }
  const app = buildServer({
    engines,
    metrics: createMetrics(new Registry(), false),
    // Production logs one JSON line per admission; pay for it here too, just not to a terminal.
    logger: pino({ level: 'info' }, pino.destination('/dev/null')),
    tls: { key: leaf.keyPem, cert: leaf.certPem },
    // Throughput, not admission control: the load's 50 connections stay below the in-flight bound, which would
    // otherwise answer the 33rd concurrent request 429 (what --max-in-flight does in production).
    limits: { maxInFlight: 64 },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  process.stdout.write(`PORT ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
}
