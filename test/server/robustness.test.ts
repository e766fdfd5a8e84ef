import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { readRawConfigDir } from '../../src/config/dir-source.js';
import { compileInjectionSettings } from '../../src/inject/engine.js';
import { injectAdmission } from '../../src/inject/webhook.js';
import { buildServer } from '../../src/server/app.js';
import { createMetrics } from '../../src/server/metrics.js';
import { createValidationEngine } from '../../src/validate/engine.js';

/**
 * Malformed and hostile input must always be answered: every request gets a well-formed HTTP answer
 * and a 200 always carries an AdmissionReview response, whatever the object looks like.
 */
const settings = compileInjectionSettings(readRawConfigDir(resolve(import.meta.dirname, '../../templates')));
const app = buildServer({
  engines: { inject: (r, p) => injectAdmission(settings, r, p), validate: createValidationEngine() },
  metrics: createMetrics(new Registry(), false),
  logger: pino({ level: 'silent' }),
});
beforeAll(() => app.ready());
afterAll(() => app.close());

let seed = 20261123;
const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

const ATOMS: unknown[] = [null, true, false, 0, -1, 1.5, 1e308, '', 'x', '🙂', '{{ .Oops', '\u0000', [], {}, ['a'], { a: 1 }];
function junk(depth: number): unknown {
  if (depth > 3 || rnd() < 0.35) return pick(ATOMS);
  if (rnd() < 0.5) return Array.from({ length: Math.floor(rnd() * 4) }, () => junk(depth + 1));
  const o: Record<string, unknown> = {};
  const keys = ['metadata', 'spec', 'containers', 'initContainers', 'annotations', 'labels', 'name', 'ports', 'containerPort', 'env', 'resources', 'hostNetwork', 'apiVersion', 'kind', 'selector', 'hosts', 'http', 'servers', '__proto__'];
  for (let i = 0; i < Math.floor(rnd() * 5); i++) o[pick(keys)] = junk(depth + 1);
  return o;
}

/** A pod-shaped object with random damage in one place. */
function damagedPod(): unknown {
  const pod: Record<string, unknown> = {
    metadata: { name: 'p', namespace: 'n', labels: { app: 'a' }, annotations: {} as Record<string, unknown> },
    spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] },
  };
  const where = pick(['metadata', 'spec', 'containers', 'annotation', 'label', 'port', 'whole']);
  const meta = pod.metadata as Record<string, Record<string, unknown>>;
  const spec = pod.spec as { containers: Array<Record<string, unknown>> };
  if (where === 'metadata') pod.metadata = junk(0);
  else if (where === 'spec') pod.spec = junk(0);
  else if (where === 'containers') spec.containers = junk(0) as never;
  else if (where === 'annotation') meta.annotations![pick(['sidecar.istio.io/inject', 'proxy.istio.io/config', 'inject.istio.io/templates', 'status.sidecar.istio.io/port', 'sidecar.istio.io/status', 'proxy.istio.io/overrides', 'prometheus.io/port', 'traffic.sidecar.istio.io/includeOutboundIPRanges'])] = junk(2);
  else if (where === 'label') meta.labels![pick(['sidecar.istio.io/inject', 'app', 'topology.istio.io/network'])] = junk(2);
  else if (where === 'port') spec.containers[0]!.ports = junk(1);
  else return junk(0);
  return pod;
}

describe('robustness: random and damaged input is always answered', () => {
  it('answers 600 random AdmissionReviews on both webhooks with a well-formed review', async () => {
    for (let i = 0; i < 600; i++) {
      const url = pick(['/inject', '/validate']);
      const kind = rnd() < 0.8 ? 'AdmissionReview' : pick(['Pod', '', 'Review']);
      const request = rnd() < 0.9 ? { uid: `u${i}`, operation: pick(['CREATE', 'UPDATE', 'DELETE', undefined]), namespace: pick(['n', '', undefined]), object: url === '/inject' ? damagedPod() : junk(0) } : junk(0);
      const payload = rnd() < 0.05 ? '{"apiVersion":' : JSON.stringify({ apiVersion: pick(['admission.k8s.io/v1', 'admission.k8s.io/v1beta1', 'v1']), kind, request });
      const res = await app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
      expect([200, 400]).toContain(res.statusCode);
      if (res.statusCode === 200) {
        const body = res.json() as { response: { uid: string; allowed: boolean; patch?: string } };
        expect(typeof body.response.allowed).toBe('boolean');
        if (body.response.patch) expect(() => JSON.parse(Buffer.from(body.response.patch!, 'base64').toString())).not.toThrow();
      }
    }
  }, 60_000);

  it('answers damaged pods with specific messages, never an engine crash (MA105) or a leaked JS error', async () => {
    const crashes: string[] = [];
    for (let i = 0; i < 400; i++) {
      const object = damagedPod();
      const res = await app.inject({
        method: 'POST',
        url: '/inject',
        payload: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'x', namespace: 'n', object } }),
        headers: { 'content-type': 'application/json' },
      });
      const msg = (res.json() as { response: { status?: { message?: string } } }).response.status?.message ?? '';
      if (msg.startsWith('internal error') || /Cannot read|undefined|is not a function|is not iterable|Maximum call stack/.test(msg)) {
        crashes.push(`${msg} for ${JSON.stringify(object).slice(0, 200)}`);
      }
    }
    expect(crashes).toEqual([]);
  }, 60_000);
});

describe('robustness: damaged Istio resources get specific validation messages', () => {
  it('2,000 mutated VirtualServices and AuthorizationPolicies never leak a JS error', async () => {
    const { AUTHORIZATION_POLICY, VIRTUAL_SERVICE } = await import('../../bench/fixtures.js');
    const { validateObject } = await import('../../src/validate/webhook.js');
    const mutate = (v: unknown, depth = 0): unknown => {
      if (depth > 5 || v === null || typeof v !== 'object') return rnd() < 0.5 ? junk(1) : v;
      if (Array.isArray(v)) {
        if (v.length === 0) return junk(1);
        const c = [...v];
        const i = Math.floor(rnd() * c.length);
        c[i] = mutate(c[i], depth + 1);
        return c;
      }
      const keys = Object.keys(v);
      if (keys.length === 0) return junk(1);
      const k = pick(keys);
      return { ...v, [k]: mutate((v as Record<string, unknown>)[k], depth + 1) };
    };
    const leaks: string[] = [];
    let denied = 0;
    for (let i = 0; i < 2000; i++) {
      const doc = structuredClone(pick([VIRTUAL_SERVICE, AUTHORIZATION_POLICY])) as { spec: unknown };
      doc.spec = mutate(doc.spec);
      const r = validateObject(doc);
      if (!r.allowed) denied++;
      if (/Cannot read|undefined|is not a function|is not iterable|Maximum call stack|\[object Object\]/.test(r.message ?? '')) {
        leaks.push(`${r.message} for ${JSON.stringify(doc.spec).slice(0, 200)}`);
      }
    }
    expect(leaks).toEqual([]);
    // The mutations are real: a good share of them must be rejected.
    expect(denied).toBeGreaterThan(200);
  }, 60_000);
});
