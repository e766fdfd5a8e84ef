import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { REQUEST_LIMITS, checkRequestLimits } from '../../src/admission/limits.js';
import { checkEnvelope } from '../../src/admission/envelope.js';
import { MAX_LOG_STRING, MAX_MESSAGE_CHARS, MAX_WARNINGS, MAX_WARNING_CHARS, capString, capWarnings } from '../../src/admission/caps.js';
import { buildServer, type AdmissionEngines, type RawAdmitter } from '../../src/server/app.js';
import { createMetrics } from '../../src/server/metrics.js';
import { answerReview } from '../../src/admission/answer.js';

const pod = (meta: Record<string, unknown> = {}, spec: unknown = { containers: [{ name: 'c', image: 'i' }] }) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', ...meta },
  spec,
});

describe('request limits (checkRequestLimits)', () => {
  it('passes an ordinary pod and one with 2000 env vars', () => {
    expect(checkRequestLimits({ object: pod() })).toBeUndefined();
    const env = Array.from({ length: 2000 }, (_, i) => ({ name: `E${i}`, value: `v${i}` }));
    expect(checkRequestLimits({ object: pod({}, { containers: [{ name: 'c', image: 'i', env }] }) })).toBeUndefined();
  });

  it.each([
    ['name', { name: 'n'.repeat(254) }, 'object.metadata.name is 254 characters (limit 253 characters)'],
    ['generateName', { generateName: 'g'.repeat(300) }, 'object.metadata.generateName is 300 characters'],
    ['namespace', { namespace: 'x'.repeat(254) }, 'object.metadata.namespace is 254 characters'],
    ['label value', { labels: { app: 'v'.repeat(64) } }, 'object.metadata.labels["app"] is 64 characters (limit 63 characters)'],
    ['label value syntax', { labels: { app: '-bad' } }, 'object.metadata.labels["app"]: Invalid value: "-bad"'],
    ['label key name part', { labels: { ['k'.repeat(64)]: 'v' } }, 'name part must be no more than 63 characters'],
    ['label key prefix', { labels: { 'Bad_Prefix/app': 'v' } }, 'prefix part must be a lowercase RFC 1123 subdomain'],
    ['label key slashes', { labels: { 'a/b/c': 'v' } }, 'a qualified name must consist of'],
    ['annotation key', { annotations: { '': 'v' } }, 'object.metadata.annotations: Invalid value: ""'],
    ['annotations total', { annotations: { a: 'x'.repeat(200_000), b: 'y'.repeat(70_000) } }, 'object.metadata.annotations are more than 262144 bytes in total'],
  ])('denies %s beyond Kubernetes limits, naming the field and the limit', (_n, meta, message) => {
    expect(checkRequestLimits({ object: pod(meta) })).toContain(message);
  });

  it('accepts values exactly at the limits', () => {
    const meta = {
      name: 'n'.repeat(253),
      labels: { [`${'a'.repeat(253)}/${'b'.repeat(63)}`]: 'v'.repeat(63), empty: '' },
      annotations: { a: 'x'.repeat(REQUEST_LIMITS.annotationBytes - 1) },
    };
    expect(checkRequestLimits({ object: pod(meta) })).toBeUndefined();
  });

  it('checks request.name/namespace and oldObject too', () => {
    expect(checkRequestLimits({ name: 'n'.repeat(254) })).toContain('request.name is 254 characters');
    expect(checkRequestLimits({ namespace: 'n'.repeat(254) })).toContain('request.namespace');
    expect(checkRequestLimits({ object: pod(), oldObject: pod({ name: 'n'.repeat(300) }) })).toContain('oldObject.metadata.name');
  });

  it('bounds nesting depth and value count without recursion', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(checkRequestLimits({ object: { spec: deep } })).toContain(`nested more than ${REQUEST_LIMITS.depth} levels deep`);
    let ok: unknown = 'leaf';
    for (let i = 0; i < REQUEST_LIMITS.depth - 2; i++) ok = [ok];
    expect(checkRequestLimits({ object: { spec: ok } })).toBeUndefined();
    const wide = { spec: Array.from({ length: REQUEST_LIMITS.values }, (_, i) => i) };
    expect(checkRequestLimits({ object: wide })).toContain(`more than ${REQUEST_LIMITS.values} JSON values`);
    const fits = { spec: Array.from({ length: REQUEST_LIMITS.values - 2 }, (_, i) => i) };
    expect(checkRequestLimits({ object: fits })).toBeUndefined();
  });
});

describe('envelope types (checkEnvelope)', () => {
  it.each([
    [{ uid: 5 }, 'uid', 'string', 'number'],
    [{ kind: 'Pod' }, 'kind', 'object', 'string'],
    [{ kind: { kind: 1 } }, 'kind.kind', 'string', 'number'],
    [{ resource: { group: {} } }, 'resource.group', 'string', 'object'],
    [{ resource: [] }, 'resource', 'object', 'array'],
    [{ requestKind: { version: true } }, 'requestKind.version', 'string', 'boolean'],
    [{ subResource: 1 }, 'subResource', 'string', 'number'],
    [{ operation: ['CREATE'] }, 'operation', 'string', 'array'],
    [{ name: {} }, 'name', 'string', 'object'],
    [{ namespace: 7 }, 'namespace', 'string', 'number'],
    [{ userInfo: 'me' }, 'userInfo', 'object', 'string'],
    [{ userInfo: { groups: 'g' } }, 'userInfo.groups', 'string[]', 'string'],
    [{ userInfo: { groups: ['a', 1] } }, 'userInfo.groups', 'string[]', 'array'],
    [{ userInfo: { extra: { k: 'v' } } }, 'userInfo.extra', 'map of string[]', 'object'],
    [{ dryRun: 'true' }, 'dryRun', 'boolean', 'string'],
    [{ object: 'pod' }, 'object', 'object', 'string'],
    [{ oldObject: [1] }, 'oldObject', 'object', 'array'],
    [{ options: 3 }, 'options', 'object', 'number'],
  ])('%j: %s must be %s, got %s', (req, field, want, got) => {
    expect(checkEnvelope(req as Record<string, unknown>)).toEqual({ field, want, got });
  });

  it('accepts a full, well-typed request and nulls for absent fields', () => {
    const req = {
      uid: 'u', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' },
      requestKind: { group: '', version: 'v1', kind: 'Pod' }, name: 'p', namespace: 'n', operation: 'CREATE',
      userInfo: { username: 'u', uid: 'x', groups: ['g'], extra: { k: ['v'] } }, object: {}, oldObject: null, dryRun: false, options: {},
      subResource: null,
    };
    expect(checkEnvelope(req)).toBeUndefined();
  });
});

describe('caps', () => {
  it('capString keeps short strings and marks how much was cut', () => {
    expect(capString('abc', 5)).toBe('abc');
    expect(capString('x'.repeat(300))).toBe(`${'x'.repeat(MAX_LOG_STRING)}…(44 more)`);
  });
  it('capWarnings: each ≤ 120 characters, a bounded count, then "and N more"', () => {
    const ws = Array.from({ length: 50 }, (_, i) => `w${i} ${'z'.repeat(500)}`);
    const out = capWarnings(ws);
    expect(out).toHaveLength(MAX_WARNINGS + 1);
    for (const w of out) expect(w.length).toBeLessThanOrEqual(MAX_WARNING_CHARS);
    expect(out.at(-1)).toBe(`and ${50 - MAX_WARNINGS} more warnings`);
    expect(capWarnings(['a', 'b'])).toEqual(['a', 'b']);
  });
});

/** A server whose engines count calls and echo request strings, with logs captured. */
function harness(engines?: Partial<AdmissionEngines>, admitter?: RawAdmitter) {
  const lines: string[] = [];
  const sink = new Writable({ write: (c: Buffer, _e, cb) => (lines.push(...c.toString().split('\n').filter(Boolean)), cb()) });
  const calls = { n: 0 };
  const metrics = createMetrics(new Registry(), false);
  const app = buildServer({
    engines: admitter ?? {
      inject: (r) => (calls.n++, { allowed: true, reason: 'injected', warnings: [`echo ${r.namespace}`] }),
      validate: (r) => (calls.n++, { allowed: false, reason: 'invalid_resource', message: `bad ${JSON.stringify(r.object)}` }),
      ...engines,
    },
    metrics,
    logger: pino({ level: 'info' }, sink),
  });
  const post = (url: string, request: unknown) =>
    app.inject({
      method: 'POST',
      url,
      payload: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request }),
      headers: { 'content-type': 'application/json' },
    });
  return { app, post, lines, calls, metrics };
}

describe('ingress checks in the server', () => {
  it('answers a pod with a 5-million-character name with a small denial and no engine work', async () => {
    const h = harness();
    const res = await h.post('/inject', { uid: 'big-name', object: pod({ name: 'n'.repeat(5_000_000) }) });
    expect(res.statusCode).toBe(200);
    expect(res.json().response).toMatchObject({ uid: 'big-name', allowed: false });
    expect(res.json().response.status.message).toContain('object.metadata.name is 5000000 characters (limit 253 characters)');
    expect(res.body.length).toBeLessThan(1000);
    expect(h.calls.n).toBe(0);
    expect(Math.max(...h.lines.map((l) => l.length))).toBeLessThan(4 * MAX_LOG_STRING + 2000);
    await h.app.close();
  });

  it('a non-string request.resource.group is a 200 denial, and the metric label is `other`', async () => {
    const h = harness();
    const res = await h.post('/validate', { uid: 'g', operation: 'CREATE', resource: { group: { evil: 1 }, version: 'v1', resource: 'x' }, object: {} });
    expect(res.statusCode).toBe(200);
    expect(res.json().response).toEqual({
      uid: 'g',
      allowed: false,
      status: { metadata: {}, message: 'could not decode body: request.resource.group must be string, got object' },
    });
    expect(await h.metrics.registry.metrics()).toContain('galley_validation_failed{group="other",version="v1",resource="other",reason="invalid_envelope"} 1');
    await h.app.close();
  });

  it('metric labels take only known values, so /metrics does not grow with request strings', async () => {
    const h = harness({ validate: () => ({ allowed: true, reason: 'valid' }) });
    for (let i = 0; i < 50; i++) {
      await h.post('/validate', { uid: `u${i}`, operation: 'CREATE', resource: { group: `g${i}${'x'.repeat(1000)}`, version: `x${i}`, resource: `r${i}` }, object: {} });
    }
    await h.post('/validate', { uid: 'vs', operation: 'CREATE', resource: { group: 'networking.istio.io', version: 'v1', resource: 'virtualservices' }, object: {} });
    const text = await h.metrics.registry.metrics();
    expect(text).toContain('galley_validation_passed{group="other",version="other",resource="other"} 50');
    expect(text).toContain('galley_validation_passed{group="networking.istio.io",version="v1",resource="virtualservices"} 1');
    expect(text.length).toBeLessThan(5000);
    await h.app.close();
  });

  it('caps every request-supplied string in the admission log line, the message and the warnings', async () => {
    const h = harness();
    const huge = 'q'.repeat(100_000);
    await h.post('/validate', { uid: 'u'.repeat(200), operation: huge, kind: { kind: huge }, object: { spec: huge } });
    const validateLine = h.lines.find((l) => l.includes('"msg":"admission"'))!;
    expect(validateLine.length).toBeLessThan(3000);
    expect(validateLine).toContain('…(99744 more)');
    const res = await h.post('/validate', { uid: 'm', operation: 'CREATE', object: { spec: huge } });
    expect(res.json().response.status.message.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS + 30);
    const inj = await h.post('/inject/x', { uid: 'w', namespace: 'n'.repeat(200), object: pod() });
    expect(inj.json().response.warnings[0].length).toBeLessThanOrEqual(MAX_WARNING_CHARS);
    await h.app.close();
  });

  it('refuses an over-long uid rather than echoing it', async () => {
    const h = harness();
    const res = await h.post('/inject', { uid: 'u'.repeat(10_000), object: pod() });
    expect(res.json().response.uid).toBe('');
    expect(res.json().response.status.message).toContain('request.uid is 10000 characters');
    await h.app.close();
  });

  it('awaits an admitter that answers asynchronously (a worker pool)', async () => {
    const engines: AdmissionEngines = {
      inject: () => ({ allowed: true, reason: 'injected', patch: [{ op: 'add', path: '/x', value: 1 }] }),
      validate: () => ({ allowed: true, reason: 'valid' }),
    };
    const h = harness(undefined, { admit: async (kind, body, path) => answerReview(engines, kind, body, path) });
    const res = await h.post('/inject', { uid: 'async', object: pod() });
    expect(res.json().response).toMatchObject({ uid: 'async', allowed: true, patchType: 'JSONPatch' });
    await h.app.close();
  });
});

describe('envelope fuzz: every decodable review gets an AdmissionReview, never a 5xx', () => {
  it('3,000 seeded mutations of a full envelope', async () => {
    let seed = 90210;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const ATOMS: unknown[] = [null, true, false, 0, -1, 1.5, '', 'x', 'x'.repeat(300), [], {}, ['a'], [1], { a: 1 }, { a: ['b'] }, { group: {} }];
    const h = harness();
    const base = (): Record<string, unknown> => ({
      uid: 'u', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: 'networking.istio.io', version: 'v1', resource: 'virtualservices' },
      subResource: '', requestKind: { group: '', version: 'v1', kind: 'Pod' }, requestResource: { group: '', version: 'v1', resource: 'pods' },
      name: 'p', namespace: 'n', operation: 'CREATE', userInfo: { username: 'u', uid: 'i', groups: ['g'], extra: { k: ['v'] } },
      object: pod(), oldObject: null, dryRun: false, options: {},
    });
    let denied = 0;
    for (let i = 0; i < 3000; i++) {
      const req = base();
      for (let m = 0; m < 1 + Math.floor(rnd() * 3); m++) {
        const key = pick(Object.keys(req));
        const v = req[key];
        if (v && typeof v === 'object' && !Array.isArray(v) && rnd() < 0.5) {
          const inner = v as Record<string, unknown>;
          const k2 = pick([...Object.keys(inner), 'extra']);
          inner[k2] = structuredClone(pick(ATOMS));
        } else req[key] = structuredClone(pick(ATOMS));
      }
      const url = pick(['/inject', '/validate']);
      const res = await h.post(url, req);
      expect(res.statusCode, JSON.stringify(req).slice(0, 300)).toBe(200);
      const r = res.json().response as { uid: string; allowed: boolean; status?: { message: string } };
      expect(typeof r.allowed).toBe('boolean');
      if (!r.allowed) denied++;
      expect(r.status?.message ?? '').not.toMatch(/internal error|Cannot read|is not a function|\[object Object\]/);
    }
    expect(denied).toBeGreaterThan(600);
    await h.app.close();
  }, 60_000);
});

describe('object metadata that Go could not decode', () => {
  it('refuses metadata that is not an object, naming the field and its JSON type', () => {
    expect(checkRequestLimits({ object: { metadata: [] } })).toBe('could not decode body: request.object.metadata must be object, got array');
    expect(checkRequestLimits({ oldObject: { metadata: 'x' } })).toBe('could not decode body: request.oldObject.metadata must be object, got string');
    expect(checkRequestLimits({ object: { metadata: null } })).toBeUndefined();
    expect(checkRequestLimits({ object: { metadata: { name: 'ok' } } })).toBeUndefined();
  });
});
