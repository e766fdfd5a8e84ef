import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { buildServer, type AdmissionEngines, type ConnectionLimits, type RawAdmitter } from '../../src/server/app.js';
import { answerReview } from '../../src/admission/answer.js';
import { createMetrics } from '../../src/server/metrics.js';
import { reloadCertificate } from '../../src/server/tls.js';
import { generateCA, issueServingCert } from '../../src/certs/generate.js';
import type { AdmissionDecision } from '../../src/admission/types.js';

const allow: AdmissionEngines = { inject: () => ({ allowed: true, reason: 'injected' }), validate: () => ({ allowed: true, reason: 'valid' }) };

async function listen(limits: Partial<ConnectionLimits>, engines: AdmissionEngines | RawAdmitter = allow) {
  const app = buildServer({ engines, metrics: createMetrics(new Registry(), false), logger: pino({ level: 'silent' }), limits });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  return { app, port };
}

/** A raw connection; resolves `closed` with the time (ms after open) the server closed it. */
function rawConnection(port: number): { socket: Socket; closed: Promise<number>; received: () => string } {
  const socket = netConnect(port, '127.0.0.1');
  const t0 = performance.now();
  let data = '';
  socket.on('data', (d: Buffer) => (data += d.toString()));
  socket.on('error', () => {});
  const closed = new Promise<number>((ok) => socket.on('close', () => ok(performance.now() - t0)));
  return { socket, closed, received: () => data };
}

const head = (len: number) => `POST /inject HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${len}\r\n\r\n`;

function post(port: number, body: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/inject', method: 'POST', headers: { 'content-type': 'application/json' } }, (r) => {
      let b = '';
      r.on('data', (c: Buffer) => (b += c.toString()));
      r.on('end', () => ok({ status: r.statusCode ?? 0, body: b }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

const review = (uid: string) => JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid, object: {} } });

describe('connection timeouts', () => {
  const REQUEST_TIMEOUT = 800;
  let srv: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => (srv = await listen({ requestTimeoutMs: REQUEST_TIMEOUT, headersTimeoutMs: 400, maxInFlight: 100, maxInFlightBodyBytes: 1024 ** 3 })));
  afterAll(() => srv.app.close());

  it('closes stalled 6 MiB bodies, trickling bodies and stalled headers within the request timeout (not held forever)', async () => {
    const stalled = Array.from({ length: 20 }, () => rawConnection(srv.port));
    for (const c of stalled) c.socket.write(head(6 * 1024 * 1024) + 'x'.repeat(64 * 1024));
    const trickle = rawConnection(srv.port);
    trickle.socket.write(head(1000));
    const timer = setInterval(() => !trickle.socket.destroyed && trickle.socket.write('x'), 50);
    const headers = rawConnection(srv.port);
    headers.socket.write('POST /inject HTTP/1.1\r\nHost: x\r\n');
    const silent = rawConnection(srv.port);
    const times = await Promise.all([...stalled, trickle, headers, silent].map((c) => c.closed));
    clearInterval(timer);
    // Every one was closed by the server, after about the timeout and well before 4x of it.
    for (const t of times) expect(t).toBeLessThan(REQUEST_TIMEOUT * 4);
    expect(Math.min(...times.slice(0, 21))).toBeGreaterThan(REQUEST_TIMEOUT * 0.5);
    expect(stalled[0]!.received()).toMatch(/^HTTP\/1.1 408/);
    // The server still answers.
    expect((await post(srv.port, review('after'))).status).toBe(200);
  }, 20_000);
});

describe('in-flight caps', () => {
  it('answers 429 at once, with a catalogue message, when the in-flight admission cap is reached', async () => {
    const waiting: Array<(d: AdmissionDecision) => void> = [];
    // An admitter that answers only when the test says so, as a busy worker pool would.
    const engines: RawAdmitter = {
      admit: (kind, body, path) =>
        new Promise((ok) => waiting.push((d) => ok(answerReview({ ...allow, inject: () => d }, kind, body, path)))),
    };
    const { app, port } = await listen({ maxInFlight: 2 }, engines);
    const first = [post(port, review('a')), post(port, review('b'))];
    while (waiting.length < 2) await new Promise((r) => setTimeout(r, 10));
    // Both engines are still blocked: the third answer cannot have waited for them.
    const third = await post(port, review('c'));
    expect(waiting).toHaveLength(2);
    expect(third.status).toBe(429);
    expect(third.body).toBe('too many admission requests in flight: 2 requests are being answered (limit 2 requests); retry\n');
    for (const w of waiting) w({ allowed: true, reason: 'injected' });
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200]);
    // Capacity comes back once answered.
    const again = post(port, review('d'));
    while (waiting.length < 3) await new Promise((r) => setTimeout(r, 10));
    waiting[2]!({ allowed: true, reason: 'injected' });
    expect((await again).status).toBe(200);
    await app.close();
  });

  it('refuses new large bodies once the in-flight body budget is reserved, and releases it when a connection drops', async () => {
    const { app, port } = await listen({ maxInFlightBodyBytes: 10 * 1024 * 1024, requestTimeoutMs: 5_000 });
    const big = rawConnection(port);
    big.socket.write(head(6 * 1024 * 1024) + 'x'.repeat(1024));
    await new Promise((r) => setTimeout(r, 100));
    const second = rawConnection(port);
    second.socket.write(head(6 * 1024 * 1024));
    await second.closed;
    expect(second.received()).toMatch(/^HTTP\/1.1 429/);
    expect(second.received()).toContain('bytes of request bodies are being read (limit 10485760 bytes)');
    // A small admission still fits next to the stalled one.
    expect((await post(port, review('small'))).status).toBe(200);
    big.socket.destroy();
    await big.closed;
    await new Promise((r) => setTimeout(r, 50));
    const third = rawConnection(port);
    third.socket.write(head(6 * 1024 * 1024) + 'y'.repeat(10));
    await new Promise((r) => setTimeout(r, 100));
    expect(third.received()).toBe('');
    third.socket.destroy();
    await app.close();
  });
});

describe('TLS policy', () => {
  let ca: { certPem: string; keyPem: string };
  let app: ReturnType<typeof buildServer>;
  let port: number;
  beforeAll(async () => {
    ca = await generateCA();
    const leaf = await issueServingCert(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    app = buildServer({ engines: allow, metrics: createMetrics(new Registry(), false), logger: pino({ level: 'silent' }), tls: { key: leaf.keyPem, cert: leaf.certPem } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(() => app.close());

  const handshake = (opts: { ciphers?: string; maxVersion?: 'TLSv1.2' | 'TLSv1.3'; minVersion?: 'TLSv1.2' | 'TLSv1.3' }) =>
    new Promise<string>((ok) => {
      const s = tlsConnect({ host: '127.0.0.1', port, ca: ca.certPem, servername: 'localhost', ...opts }, () => {
        const c = s.getCipher().standardName;
        s.end();
        ok(`ok ${s.getProtocol()} ${c}`);
      });
      s.on('error', (e) => ok(`refused ${e.message}`));
    });

  const check = async () => {
    for (const cbc of ['ECDHE-ECDSA-AES128-SHA', 'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-ECDSA-AES128-SHA256', 'ECDHE-ECDSA-AES128-CCM8']) {
      expect(await handshake({ ciphers: cbc, maxVersion: 'TLSv1.2' }), cbc).toMatch(/^refused/);
    }
    for (const aead of ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305']) {
      expect(await handshake({ ciphers: aead, maxVersion: 'TLSv1.2' }), aead).toMatch(/^ok TLSv1.2/);
    }
    expect(await handshake({ minVersion: 'TLSv1.3' })).toMatch(/^ok TLSv1.3 TLS_(AES|CHACHA20)/);
  };

  it('TLS 1.2 only with ECDHE AEAD suites; TLS 1.3 works', check);

  it('keeps the policy after a certificate reload (setSecureContext)', async () => {
    const leaf = await issueServingCert(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    reloadCertificate(app.server as unknown as import('node:https').Server, { key: leaf.keyPem, cert: leaf.certPem });
    await check();
  });
});
