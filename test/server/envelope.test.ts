import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { buildServer, type AdmissionEngines } from '../../src/server/app.js';
import { createMetrics } from '../../src/server/metrics.js';
import { buildMonitoringServer } from '../../src/server/monitoring.js';
import { AnswerMemo } from '../../src/admission/answer-memo.js';
import { MAX_REQUEST_BODY_BYTES } from '../../src/admission/review.js';
import type { AdmissionRequest } from '../../src/admission/types.js';
import { generateCA, issueServingCert } from '../../src/certs/generate.js';

/** Engines that record what they were asked and answer in a recognisable way. */
function recordingEngines() {
  const seen: { inject: Array<{ req: AdmissionRequest; path: string }>; validate: AdmissionRequest[] } = { inject: [], validate: [] };
  const engines: AdmissionEngines = {
    inject(req, path) {
      seen.inject.push({ req, path });
      if ((req.object as { spec?: { hostNetwork?: boolean } })?.spec?.hostNetwork) return { allowed: true, reason: 'skipped:hostNetwork' };
      return { allowed: true, reason: 'injected', patch: [{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }] };
    },
    validate(req) {
      seen.validate.push(req);
      if (req.operation === 'DELETE') return { allowed: true, reason: 'unsupported_operation' };
      return { allowed: false, reason: 'invalid_resource', message: 'configuration is invalid: nope', warnings: ['dropped on deny'] };
    },
  };
  return { engines, seen };
}

function review(apiVersion: string, request: unknown) {
  return JSON.stringify({ apiVersion, kind: 'AdmissionReview', request });
}

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'i' }] } };

describe('AdmissionReview envelope (in-process)', () => {
  const { engines, seen } = recordingEngines();
  const metrics = createMetrics(new Registry(), false);
  const app = buildServer({ engines, metrics, logger: pino({ level: 'silent' }) });
  beforeAll(() => app.ready());
  afterAll(() => app.close());

  const post = (url: string, payload: string | Buffer, contentType = 'application/json') =>
    app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });

  it('answers v1 with apiVersion/kind echoed, uid copied and a base64 JSON patch', async () => {
    const res = await post('/inject', review('admission.k8s.io/v1', { uid: 'u-1', object: pod, namespace: 'ns' }));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.apiVersion).toBe('admission.k8s.io/v1');
    expect(body.kind).toBe('AdmissionReview');
    expect(body.request).toBeUndefined();
    expect(body.response.uid).toBe('u-1');
    expect(body.response.allowed).toBe(true);
    expect(body.response.patchType).toBe('JSONPatch');
    expect(JSON.parse(Buffer.from(body.response.patch, 'base64').toString())).toEqual([
      { op: 'add', path: '/metadata/labels', value: { a: 'b' } },
    ]);
  });

  it('accepts v1beta1 and echoes it', async () => {
    const res = await post('/inject', review('admission.k8s.io/v1beta1', { uid: 'u-2', object: pod }));
    expect(res.json().apiVersion).toBe('admission.k8s.io/v1beta1');
    expect(res.json().response.uid).toBe('u-2');
  });

  it('passes the path with its cluster/network parameters to the engine', async () => {
    await post('/inject/cluster/c1/net/n1', review('admission.k8s.io/v1', { uid: 'u-3', object: pod }));
    expect(seen.inject.at(-1)?.path).toBe('/inject/cluster/c1/net/n1');
  });

  it('a skip is allowed with no patch', async () => {
    const res = await post('/inject', review('admission.k8s.io/v1', { uid: 'u-4', object: { ...pod, spec: { hostNetwork: true } } }));
    expect(res.json().response).toEqual({ uid: 'u-4', allowed: true });
  });

  it('empty body is 400 no body found', async () => {
    const res = await post('/inject', '');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('no body found');
  });

  it(`body over ${MAX_REQUEST_BODY_BYTES} bytes is 400 with Istio's message`, async () => {
    const res = await post('/validate', Buffer.alloc(MAX_REQUEST_BODY_BYTES + 10, 0x20));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`Request entity too large: limit is ${MAX_REQUEST_BODY_BYTES}`);
  });

  it('a body of exactly the limit is read', async () => {
    const padded = review('admission.k8s.io/v1', { uid: 'big', object: pod });
    const res = await post('/inject', padded + ' '.repeat(MAX_REQUEST_BODY_BYTES - padded.length));
    expect(res.statusCode).toBe(200);
    expect(res.json().response.uid).toBe('big');
  });

  it.each(['text/plain', 'application/json; charset=utf-8', 'application/yaml'])('Content-Type %s is 415', async (ct) => {
    const res = await post('/inject', review('admission.k8s.io/v1', { uid: 'x', object: pod }), ct);
    expect(res.statusCode).toBe(415);
    expect(res.body).toContain('invalid Content-Type, want `application/json`');
  });

  it('a missing Content-Type is 415', async () => {
    const res = await app.inject({ method: 'POST', url: '/validate', payload: '{}' });
    expect(res.statusCode).toBe(415);
  });

  it.each([
    ['not JSON', '{nope', 'could not decode body: '],
    ['a JSON array', '[]', 'could not decode body: body is not a JSON object'],
    ['no apiVersion', JSON.stringify({ kind: 'AdmissionReview', request: {} }), "Object 'Kind' or 'apiVersion' is missing"],
    ['wrong kind', JSON.stringify({ apiVersion: 'v1', kind: 'Pod' }), 'unsupported type v1, Kind=Pod'],
    ['request null', review('admission.k8s.io/v1', null), 'AdmissionReview has no request'],
    ['request missing', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }), 'AdmissionReview has no request'],
  ])('undecodable review (%s) is 200 allowed:false with a clear message', async (_name, payload, message) => {
    const res = await post('/inject', payload);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.apiVersion).toBeUndefined();
    expect(body.response.uid).toBe('');
    expect(body.response.allowed).toBe(false);
    expect(body.response.status.metadata).toEqual({});
    expect(body.response.status.message).toContain(message);
  });

  it('validation denial carries status.message and drops warnings', async () => {
    const res = await post('/validate/anything', review('admission.k8s.io/v1', { uid: 'v-1', operation: 'CREATE', object: {} }));
    expect(res.json().response).toEqual({
      uid: 'v-1',
      allowed: false,
      status: { metadata: {}, message: 'configuration is invalid: nope' },
    });
  });

  it('counts injection metrics with Istio names', async () => {
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/sidecar_injection_requests_total \d+/);
    expect(text).toMatch(/sidecar_injection_skip_total 1/);
    expect(text).toMatch(/mesh_admission_injection_skip_total\{reason="hostNetwork"\} 1/);
    expect(text).toMatch(/galley_validation_failed\{.*reason="invalid_resource"\} \d/);
  });

  it('serves health and readiness on the webhook port, and nothing else outside the webhooks', async () => {
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    for (const url of ['/metrics', '/debug/config', '/', '/injectx', '/x'.repeat(1000)]) {
      const r = await app.inject({ url });
      expect(r.statusCode, url).toBe(404);
      expect(r.body).toBe('404 page not found\n');
    }
    expect((await app.inject({ method: 'GET', url: '/inject' })).statusCode).toBe(404);
  });

  it('serves Prometheus metrics and /debug/* on the monitoring server only', async () => {
    const mon = buildMonitoringServer({ metrics, logger: pino({ level: 'silent' }), debug: { '/debug/config': () => ({ hash: 'h1' }) } });
    const m = await mon.inject({ url: '/metrics' });
    expect(m.statusCode).toBe(200);
    expect(m.body).toContain('# TYPE sidecar_injection_time_seconds histogram');
    expect((await mon.inject({ url: '/debug/config' })).json()).toEqual({ hash: 'h1' });
    expect((await mon.inject({ method: 'POST', url: '/inject' })).statusCode).toBe(404);
    await mon.close();
  });
});

describe('the answer memo as the server counts it', () => {
  it('counts misses and hits, and a hit does not reach the engine', async () => {
    const { engines, seen } = recordingEngines();
    const memo = new AnswerMemo();
    const metrics = createMetrics(new Registry(), false);
    const app = buildServer({ engines: { ...engines, injectMemo: () => memo }, metrics, logger: pino({ level: 'silent' }) });
    await app.ready();
    const post = (uid: string) =>
      app.inject({ method: 'POST', url: '/inject', headers: { 'content-type': 'application/json' }, payload: review('admission.k8s.io/v1', { uid, operation: 'CREATE', namespace: 'ns', object: pod }) });
    const [a, b] = [await post('u1'), await post('u2')];
    expect(b.json().response).toEqual({ ...a.json().response, uid: 'u2' });
    expect(seen.inject).toHaveLength(1);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/mesh_admission_answer_memo_total\{result="miss"\} 1/);
    expect(text).toMatch(/mesh_admission_answer_memo_total\{result="hit"\} 1/);
    await app.close();
  });
});

describe('AdmissionReview envelope over real HTTPS', () => {
  let ca: { certPem: string; keyPem: string };
  let app: ReturnType<typeof buildServer>;
  beforeAll(async () => {
    ca = await generateCA();
    const leaf = await issueServingCert(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    app = buildServer({
      engines: recordingEngines().engines,
      metrics: createMetrics(new Registry(), false),
      logger: pino({ level: 'silent' }),
      tls: { key: leaf.keyPem, cert: leaf.certPem },
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('answers a v1 review', async () => {
    const res = await request(app.server)
      .post('/inject')
      .ca(ca.certPem)
      .set('content-type', 'application/json')
      .send(review('admission.k8s.io/v1', { uid: 'tls-1', object: pod }));
    expect(res.status).toBe(200);
    expect(res.body.response.uid).toBe('tls-1');
  });

  it('rejects a wrong Content-Type with 415 and an empty body with 400', async () => {
    const r1 = await request(app.server).post('/validate').ca(ca.certPem).set('content-type', 'text/plain').send('x');
    expect(r1.status).toBe(415);
    const r2 = await request(app.server).post('/validate').ca(ca.certPem).set('content-type', 'application/json').send('');
    expect(r2.status).toBe(400);
  });

  it('undecodable review over HTTPS is still a 200 denial', async () => {
    const res = await request(app.server).post('/inject').ca(ca.certPem).set('content-type', 'application/json').send('{"request":null}');
    expect(res.status).toBe(200);
    expect(res.body.response.allowed).toBe(false);
  });
});
