/**
 * `npx tsx bench/largest.ts`: the CPU time of the largest requests that fit in one 6 MiB
 * AdmissionReview body (the webhook's limit), one shape at a time, through the real engines:
 * createValidationEngine for Istio resources, injectAdmission for pods. Prints one line per shape
 * with the item count, the body size, the CPU time of JSON.parse and of the engine, and the size
 * of the answer (warnings, or patch operations).
 */
import { resolve } from 'node:path';
import type { AdmissionRequest } from '../src/admission/types.js';
import { readRawConfigDir } from '../src/config/dir-source.js';
import { compileInjectionSettings } from '../src/inject/engine.js';
import { injectAdmission } from '../src/inject/webhook.js';
import { createValidationEngine } from '../src/validate/engine.js';
import * as gen from '../test/linear/gen.js';

const LIMIT = 6 * 1024 * 1024;
const validate = createValidationEngine();
const settings = compileInjectionSettings(readRawConfigDir(resolve(import.meta.dirname, '../templates')));

const identicalHosts = (n: number): AdmissionRequest =>
  gen.istioRequest('networking.istio.io/v1', 'VirtualService', {
    hosts: Array.from({ length: n }, () => 'same.example.com'),
    http: [{ route: [{ destination: { host: 'svc' } }] }],
  });
const overlappingPrefixes = (n: number): AdmissionRequest =>
  gen.istioRequest('networking.istio.io/v1', 'VirtualService', {
    hosts: ['example.com'],
    http: Array.from({ length: n }, (_, i) => ({ match: [{ uri: { prefix: `/${'a'.repeat(i % 50)}${i}` } }], route: [{ destination: { host: 'svc' } }] })),
  });

const SHAPES: Array<[string, (n: number) => AdmissionRequest, 'validate' | 'inject']> = [
  ['VirtualService http routes (a warning each)', gen.vsHttpRoutes, 'validate'],
  ['VirtualService duplicate routes (2 warnings each)', gen.vsDuplicateRoutes, 'validate'],
  ['VirtualService overlapping prefixes', overlappingPrefixes, 'validate'],
  ['VirtualService match conditions', gen.vsMatches, 'validate'],
  ['VirtualService hosts + SNI hosts', gen.vsHosts, 'validate'],
  ['VirtualService identical hosts (denied)', identicalHosts, 'validate'],
  ['DestinationRule subsets', gen.drSubsets, 'validate'],
  ['AuthorizationPolicy rules', gen.authzRules, 'validate'],
  ['ServiceEntry hosts', gen.seHosts, 'validate'],
  ['ServiceEntry endpoints', gen.seEndpoints, 'validate'],
  ['Gateway servers', gen.gatewayServers, 'validate'],
  ['Sidecar egress listeners', gen.sidecarEgress, 'validate'],
  ['Pod containers', (n) => gen.podRequest(gen.pod({ containers: n, env: 0, ports: 0 })), 'inject'],
  ['Pod env vars', (n) => gen.podRequest(gen.pod({ env: n })), 'inject'],
  ['Pod container ports', (n) => gen.podRequest(gen.pod({ ports: n })), 'inject'],
  ['Pod volumes', (n) => gen.podRequest(gen.pod({ volumes: n })), 'inject'],
  ['Pod annotations', (n) => gen.podRequest(gen.pod({ annotations: n })), 'inject'],
];

/** The largest n whose review fits in the limit (sizes grow linearly, so estimate then refine). */
function largestFitting(make: (n: number) => AdmissionRequest): number {
  const per = (gen.reviewBytes(make(2000)) - gen.reviewBytes(make(1000))) / 1000;
  let n = Math.floor((LIMIT - gen.reviewBytes(make(0))) / per);
  while (gen.reviewBytes(make(n)) > LIMIT) n = Math.floor(n * 0.99);
  return n;
}

function cpuMs(f: () => void): number {
  const start = process.cpuUsage();
  f();
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

function engine(kind: 'validate' | 'inject'): (r: AdmissionRequest) => { allowed: boolean; warnings?: readonly string[]; patch?: readonly unknown[]; message?: string } {
  return kind === 'validate' ? validate : (r) => injectAdmission(settings, r, '/inject');
}

for (const [name, make, kind] of SHAPES) {
  const run = engine(kind);
  run(make(200)); // warm the JIT on a small one first, as a running server would be
  const n = largestFitting(make);
  const body = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: make(n) });
  let review: { request: AdmissionRequest } = { request: make(0) };
  const parseMs = cpuMs(() => {
    review = JSON.parse(body) as { request: AdmissionRequest };
  });
  let answer: ReturnType<typeof run> = { allowed: false };
  const engineMs = cpuMs(() => {
    answer = run(review.request);
  });
  const size = kind === 'validate' ? `${answer.allowed ? 'allowed' : 'denied'}, ${answer.warnings?.length ?? 0} warnings${answer.message ? `, message ${answer.message.length} chars` : ''}` : `${answer.patch?.length ?? 0} patch ops`;
  console.log(`${name.padEnd(50)} n=${String(n).padStart(7)}  ${(body.length / 1048576).toFixed(2)} MiB  parse ${parseMs.toFixed(0).padStart(4)} ms  engine ${engineMs.toFixed(0).padStart(5)} ms  ${size}`);
}
