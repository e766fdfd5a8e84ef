/**
 * Seeded hostile AdmissionReviews. Case `i` of seed `s` is a pure function of (s, i), so a failure reported by
 * `npm run fuzz` is reproduced by the same seed whatever the concurrency, and can be replayed alone.
 * Each case carries what its answer must look like (see Expectation in client.ts).
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Expectation, Sent } from './client.js';
import { PROJECT_ROOT } from './server-process.js';

export interface FuzzCase {
  /** The kind of hostile input: failures are grouped by it. */
  label: string;
  sent: Sent;
  expect: Expectation;
}

export type Rng = () => number;

/** mulberry32: tiny, fast, and good enough to pick inputs. */
export function rngFor(seed: number, index: number): Rng {
  let a = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

const MIB = 1024 * 1024;
const JSON_CT = 'application/json';
const V1 = 'admission.k8s.io/v1';
const POD_KIND = { group: '', version: 'v1', kind: 'Pod' };
const POD_RESOURCE = { group: '', version: 'v1', resource: 'pods' };

// ---- inputs from the repository and Istio's corpora -------------------------------------------------------

const REALISTIC_POD = JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'test/fixtures/realistic-pod.json'), 'utf8')) as Record<string, unknown>;

export interface IstioDoc {
  apiVersion: string;
  kind: string;
  [k: string]: unknown;
}

const CONFORMANCE = resolve(process.env.MESH_ADMISSION_CONFORMANCE ?? resolve(PROJECT_ROOT, '../shared/conformance'), 'istio-validation');

function loadDocs(dir: string, filter: (file: string) => boolean): IstioDoc[] {
  if (!existsSync(dir)) return [];
  const out: IstioDoc[] = [];
  for (const f of readdirSync(dir).filter(filter).sort()) {
    for (const d of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
      const v = d.toJS() as IstioDoc | null;
      if (v && typeof v.apiVersion === 'string' && typeof v.kind === 'string') {
        delete v['_err'];
        out.push(v);
      }
    }
  }
  return out;
}

/** One valid resource per Istio kind and version: accepted as-is by Istio's webhook rules. */
const VALID_DATASET = loadDocs(join(CONFORMANCE, 'valid-dataset'), (f) => f.endsWith('.yaml'));
/** Schema-level test documents: raw material for mutation (the webhook may accept or deny them). */
const CRD_TESTS = loadDocs(join(CONFORMANCE, 'crd-tests'), (f) => f.endsWith('.yaml'));
const FALLBACK_VS: IstioDoc = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'fuzz' },
  spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] },
};
export const VALID_DOCS = VALID_DATASET.length > 0 ? VALID_DATASET : [FALLBACK_VS];
const MUTABLE_DOCS = [...VALID_DOCS, ...CRD_TESTS];

export function corpusSummary(): string {
  return `${VALID_DATASET.length} valid-dataset and ${CRD_TESTS.length} crd-tests documents from ${CONFORMANCE}${VALID_DATASET.length === 0 ? ' (missing: using a built-in VirtualService)' : ''}`;
}

// ---- building blocks ---------------------------------------------------------------------------------------

const ATOMS: readonly unknown[] = [
  null, true, false, 0, -1, 1.5, -0.0, 1e308, -1e308, 2 ** 53 + 1, '', ' ', 'x', '0', 'true', 'null', '🙂', '\u0000', '\ud800', '{{ .Oops }}',
  '${HOME}', '../../etc/passwd', 'a'.repeat(300), [], {}, [null], ['a', 1], { a: 1 }, { '': '' }, [[[]]], JSON.parse('{"__proto__":{"polluted":1}}'),
];

/** A random JSON value of any type, up to a small depth. */
export function junk(r: Rng, depth = 0): unknown {
  // A copy: atoms are shared, and a later edit inside one must not leak into other cases (or make a cycle).
  if (depth > 3 || r() < 0.4) return copyJson(pick(r, ATOMS));
  if (r() < 0.5) return Array.from({ length: int(r, 0, 4) }, () => junk(r, depth + 1));
  const o: Record<string, unknown> = {};
  const keys = ['metadata', 'spec', 'name', 'containers', 'annotations', 'labels', 'image', 'ports', 'env', 'hosts', 'http', 'route', 'constructor', 'prototype', '__proto__', ''];
  for (let i = int(r, 0, 4); i > 0; i--) Object.defineProperty(o, pick(r, keys), { value: junk(r, depth + 1), enumerable: true, writable: true, configurable: true });
  return o;
}

/** A JSON copy: unlike structuredClone it keeps an own `__proto__` key as a key. */
function copyJson<T>(v: T): T {
  return v === null || typeof v !== 'object' ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** An own property only: a path through `__proto__` or `constructor` must never reach a shared prototype. */
function own(o: unknown, k: string | number): unknown {
  return o !== null && typeof o === 'object' ? Object.getOwnPropertyDescriptor(o, k)?.value : undefined;
}

type Path = Array<string | number>;

/** Every path inside a JSON value (objects and arrays), for picking a place to damage. */
function paths(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (out.length > 5000) return out;
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  let cur = root as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) cur = own(cur, p) as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(cur)) cur.splice(last as number, 1);
    else delete cur[last];
  } else {
    Object.defineProperty(cur, last, { value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

function getAt(root: unknown, path: Path): unknown {
  let cur = root;
  for (const p of path) cur = own(cur, p);
  return cur;
}

/** One to three random edits: a wrong-typed value, a deletion, a duplicated list item, a renamed key. */
function mutate(r: Rng, doc: unknown): unknown {
  let root = copyJson(doc);
  for (let n = int(r, 1, 3); n > 0; n--) {
    const all = paths(root);
    const path = pick(r, all);
    const here = getAt(root, path);
    const op = r();
    if (op < 0.55) root = setAt(root, path, junk(r));
    else if (op < 0.7 && path.length > 0) root = setAt(root, path, undefined);
    else if (op < 0.85 && Array.isArray(here) && here.length > 0) here.push(...Array.from({ length: int(r, 1, 50) }, () => copyJson(pick(r, here))));
    else if (typeof here === 'string') root = setAt(root, path, pick(r, [here.repeat(int(r, 2, 20)), here.toUpperCase(), `${here}\n${here}`, here + pick(r, ['🙂', '\u202e', '\u0000', '\ud800'])]));
    else if (typeof here === 'number') root = setAt(root, path, pick(r, [-here, here + 0.5, here * 1e6, String(here)]));
    else root = setAt(root, path, junk(r));
  }
  return root;
}

function uidFor(seed: number, i: number): string {
  return `fuzz-${seed}-${i}`;
}

export interface ReviewParts {
  uid: unknown;
  object: unknown;
  kind?: unknown;
  resource?: unknown;
  apiVersion?: string;
  extra?: Record<string, unknown>;
}

export function envelope(p: ReviewParts): Record<string, unknown> {
  return {
    apiVersion: p.apiVersion ?? V1,
    kind: 'AdmissionReview',
    request: {
      uid: p.uid,
      kind: p.kind ?? POD_KIND,
      resource: p.resource ?? POD_RESOURCE,
      requestKind: p.kind ?? POD_KIND,
      operation: 'CREATE',
      namespace: 'fuzz',
      userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts'] },
      object: p.object,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
      ...p.extra,
    },
  };
}

export function kindOf(doc: IstioDoc): { kind: Record<string, string>; resource: Record<string, string> } {
  const [group, version] = doc.apiVersion.includes('/') ? doc.apiVersion.split('/') : ['', doc.apiVersion];
  return {
    kind: { group: group!, version: version!, kind: doc.kind },
    resource: { group: group!, version: version!, resource: `${doc.kind.toLowerCase()}s` },
  };
}

export function freshPod(r: Rng): Record<string, unknown> {
  const pod = structuredClone(REALISTIC_POD) as { metadata: Record<string, unknown> };
  pod.metadata.generateName = `reviews-v${int(r, 1, 3)}-${Math.floor(r() * 1e10).toString(36)}-`;
  return pod;
}

/** A review of an object through JSON.stringify, expecting a review answer with `uid`. */
function review(label: string, path: string, parts: ReviewParts, more: Partial<Expectation> = {}): FuzzCase {
  const text = JSON.stringify(envelope(parts));
  // The patch must apply to what the server received, i.e. the object after a JSON round trip.
  const object = more.object !== undefined ? (JSON.parse(text) as { request: { object: unknown } }).request.object : undefined;
  return {
    label,
    sent: { path, body: Buffer.from(text), contentType: JSON_CT },
    expect: { kind: 'review', uid: parts.uid as string, apiVersion: parts.apiVersion ?? V1, ...more, object },
  };
}

/** A review built as text, for what JSON.stringify cannot write; the expectation is read back with JSON.parse. */
function rawReview(label: string, path: string, text: string | Buffer, withObject: boolean): FuzzCase {
  const body = typeof text === 'string' ? Buffer.from(text) : text;
  let expect: Expectation;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { apiVersion?: unknown; request?: { uid?: unknown; object?: unknown } };
    const uid = parsed.request?.uid;
    expect = typeof uid === 'string'
      ? { kind: 'review', uid, apiVersion: parsed.apiVersion as string, object: withObject ? parsed.request?.object : undefined }
      : { kind: 'undecodable' };
  } catch {
    expect = { kind: 'undecodable' };
  }
  return { label, sent: { path, body, contentType: JSON_CT }, expect };
}

/** Where a pod-shaped review goes: mostly the injector, sometimes the validator (which must refuse the kind). */
const webhookPath = (r: Rng): string => (r() < 0.8 ? '/inject' : '/validate');

function istioReview(r: Rng, label: string, doc: unknown, uid: string, more: Partial<Expectation> = {}): FuzzCase {
  const d = doc as IstioDoc;
  const k = typeof d?.apiVersion === 'string' && typeof d?.kind === 'string' ? kindOf(d) : kindOf(FALLBACK_VS);
  return review(label, pick(r, ['/validate', '/validate/']), { uid, object: doc, ...k }, more);
}

/** A review padded to `bytes` with one annotation, written without building the whole string twice. */
function paddedBody(uid: string, bytes: number, annotation: string): Buffer {
  const head = Buffer.from(JSON.stringify(envelope({ uid, object: { metadata: { name: 'pad', annotations: { [annotation]: '' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } })));
  const marker = head.indexOf(`"${annotation}":""`) + annotation.length + 4;
  const fill = Math.max(0, bytes - head.length);
  return Buffer.concat([head.subarray(0, marker), Buffer.alloc(fill, 'x'), head.subarray(marker)]);
}

// ---- the categories ----------------------------------------------------------------------------------------

interface Category {
  label: string;
  /** Relative frequency; the heavy (megabyte) inputs are rare so a 10,000-case run stays minutes long. */
  weight: number;
  make(r: Rng, uid: string): FuzzCase;
}

const ENVELOPE_FIELDS = ['kind', 'resource', 'resource.group', 'resource.version', 'resource.resource', 'requestKind', 'requestResource', 'subResource', 'name', 'namespace', 'operation', 'userInfo', 'userInfo.username', 'userInfo.groups', 'object', 'oldObject', 'dryRun', 'options', 'kind.kind', 'kind.group'];

const CATEGORIES: Category[] = [
  {
    label: 'realistic-pod',
    weight: 20,
    make: (r, uid) => {
      const object = freshPod(r);
      return review('realistic-pod', pick(r, ['/inject', '/inject/', '/inject/cluster/c1/net/n1']), { uid, object }, { object, mustAllow: true });
    },
  },
  {
    label: 'mutated-pod',
    weight: 20,
    make: (r, uid) => {
      const object = mutate(r, freshPod(r));
      // The API server sends objects it re-encoded from Go structs: metadata is always an object and no struct
      // is null. The patch must apply to every object it can send, so it is checked on those.
      const o = object as { metadata?: unknown } | null;
      const checkPatch = !JSON.stringify(object).includes('null') && typeof o === 'object' && !Array.isArray(o) && typeof o?.metadata === 'object';
      return review('mutated-pod', '/inject', { uid, object }, { object: checkPatch ? object : undefined });
    },
  },
  {
    label: 'valid-resource',
    weight: 12,
    make: (r, uid) => istioReview(r, 'valid-resource', structuredClone(pick(r, VALID_DOCS)), uid, { mustAllow: true }),
  },
  {
    label: 'mutated-resource',
    weight: 20,
    make: (r, uid) => istioReview(r, 'mutated-resource', mutate(r, pick(r, MUTABLE_DOCS)), uid),
  },
  {
    label: 'envelope-wrong-type',
    weight: 12,
    make: (r, uid) => {
      const env = envelope({ uid, object: freshPod(r) }) as { request: Record<string, unknown> };
      const field = pick(r, ENVELOPE_FIELDS);
      const [a, b] = field.split('.');
      const value = pick(r, [{ evil: true }, [1, 2], 42, -1.5, true, 'x', null, { group: { nested: 1 } }, ['a'], '']);
      if (b === undefined) env.request[a!] = value;
      else {
        const parent = env.request[a!];
        env.request[a!] = { ...(parent !== null && typeof parent === 'object' ? parent : {}), [b]: value };
      }
      return { label: `envelope-wrong-type:${field}`, sent: { path: webhookPath(r), body: Buffer.from(JSON.stringify(env)), contentType: JSON_CT }, expect: { kind: 'review', uid, apiVersion: V1 } };
    },
  },
  {
    label: 'envelope-wrong-top',
    weight: 4,
    make: (r, uid) => {
      const env = envelope({ uid, object: freshPod(r) });
      const field = pick(r, ['apiVersion', 'kind', 'request', 'request.uid']);
      const value = pick(r, [{ evil: true }, [1], 7, true, '', 'v1', 'admission.k8s.io/v2']);
      if (field === 'request.uid') (env.request as Record<string, unknown>).uid = typeof value === 'string' ? 42 : value;
      // A request that is an object is decodable (uid ''); only non-objects make the review undecodable here.
      else if (field === 'request') env.request = typeof value === 'object' && value !== null && !Array.isArray(value) ? [value] : value;
      else env[field] = value;
      return { label: `envelope-wrong-top:${field}`, sent: { path: webhookPath(r), body: Buffer.from(JSON.stringify(env)), contentType: JSON_CT }, expect: { kind: 'undecodable' } };
    },
  },
  {
    label: 'long-label-values',
    weight: 6,
    make: (r, uid) => {
      // Values that end up in metric labels and log lines if copied unbounded; unique per case.
      const v = (n: number) => `${Math.floor(r() * 1e12).toString(36)}-${'l'.repeat(n)}`;
      const where = pick(r, ['resource', 'kind', 'operation', 'path', 'labels', 'name']);
      const object = freshPod(r) as { metadata: Record<string, unknown> };
      const extra: Record<string, unknown> = {};
      let path = webhookPath(r);
      if (where === 'resource') extra.resource = { group: v(10_000), version: v(10_000), resource: v(10_000) };
      if (where === 'kind') extra.kind = { group: v(10_000), version: v(10_000), kind: v(10_000) };
      if (where === 'operation') extra.operation = v(10_000);
      if (where === 'path') path = `${path}/cluster/${v(10_000)}/net/${v(5_000)}`;
      if (where === 'labels') object.metadata.labels = { app: v(10_000), 'service.istio.io/canonical-name': v(10_000) };
      if (where === 'name') extra.name = v(10_000);
      return review(`long-label-values:${where}`, path, { uid, object, extra }, { object: path.startsWith('/inject') ? object : undefined });
    },
  },
  {
    label: 'unicode',
    weight: 6,
    make: (r, uid) => {
      const s = () => pick(r, ['ünïcødé', '日本語の名前', '🙂🙃👩‍👩‍👧', '\u202eevil', 'zero\u200bwidth', 'nul\u0000byte', 'lone\ud800surrogate', 'e\u0301\u0301\u0301', 'tab\tnew\nline', '\u2028\u2029']);
      const object = freshPod(r) as { metadata: Record<string, unknown>; spec: { containers: Array<Record<string, unknown>> } };
      object.metadata.name = s();
      object.metadata.labels = { [s()]: s(), app: s() };
      object.metadata.annotations = { [s()]: s(), 'sidecar.istio.io/inject': s(), 'proxy.istio.io/config': s() };
      object.spec.containers[0]!.name = s();
      const u = r() < 0.3 ? `${uid}-${s()}` : uid;
      return review('unicode', webhookPath(r), { uid: u, object }, { object });
    },
  },
  {
    label: 'numbers-out-of-range',
    weight: 5,
    make: (r, uid) => {
      const object = freshPod(r) as { spec: { containers: Array<{ ports?: unknown; resources?: unknown }>; [k: string]: unknown } };
      object.spec.containers[0]!.ports = [{ containerPort: '@N0@' }];
      object.spec.terminationGracePeriodSeconds = '@N1@';
      object.spec.priority = '@N2@';
      const lit = () => pick(r, ['1e400', '-1e400', '99999999999999999999999999', '-9223372036854775809', '18446744073709551616', '1.5', '-0', '1e-400', '0.0000000000000000000001', '65536', '-1', '4294967296']);
      let text = JSON.stringify(envelope({ uid, object }));
      for (let k = 0; k < 3; k++) text = text.replace(`"@N${k}@"`, lit());
      return rawReview('numbers-out-of-range', webhookPath(r), text, false);
    },
  },
  {
    label: 'duplicate-keys',
    weight: 4,
    make: (r, uid) => {
      const pod = JSON.stringify(freshPod(r));
      const variants = [
        `{"apiVersion":"${V1}","kind":"AdmissionReview","request":{"uid":"${uid}-first","namespace":"fuzz","operation":"CREATE","object":${pod},"uid":"${uid}"}}`,
        `{"apiVersion":"${V1}","kind":"AdmissionReview","request":{"uid":"${uid}","object":{"metadata":{"name":"a"}},"object":${pod},"namespace":"fuzz","namespace":"other"}}`,
        `{"apiVersion":"${V1}","apiVersion":"${V1}","kind":"Pod","kind":"AdmissionReview","request":{"uid":"${uid}","object":${pod.replace('"metadata":{', '"metadata":{"name":"x","name":"y",')}}}`,
        `{"apiVersion":"${V1}","kind":"AdmissionReview","request":null,"request":{"uid":"${uid}","object":${pod}}}`,
      ];
      return rawReview('duplicate-keys', webhookPath(r), pick(r, variants), true);
    },
  },
  {
    label: 'non-utf8',
    weight: 5,
    make: (r, uid) => {
      const bad = pick(r, [[0xff], [0xfe, 0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x80]]);
      const where = pick(r, ['in-string', 'in-key', 'outside', 'utf16', 'bom']);
      const text = JSON.stringify(envelope({ uid, object: freshPod(r) }));
      if (where === 'utf16') return rawReview('non-utf8:utf16', webhookPath(r), Buffer.from(text, 'utf16le'), false);
      if (where === 'bom') return rawReview('non-utf8:bom', webhookPath(r), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), false);
      const anchor = where === 'in-key' ? '"app":' : where === 'in-string' ? '"reviews"' : '"spec":';
      const at = text.indexOf(anchor) + (where === 'outside' ? anchor.length : 2);
      const body = Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bad), Buffer.from(text.slice(at))]);
      return rawReview(`non-utf8:${where}`, webhookPath(r), body, false);
    },
  },
  {
    label: 'truncated',
    weight: 5,
    make: (r, uid) => {
      const text = Buffer.from(JSON.stringify(envelope({ uid, object: freshPod(r) })));
      return rawReview('truncated', webhookPath(r), text.subarray(0, int(r, 1, text.length - 1)), false);
    },
  },
  {
    label: 'not-a-review',
    weight: 3,
    make: (r) => {
      const body = pick(r, ['null', '[]', '"AdmissionReview"', '123', 'true', '{}', ' ', 'apiVersion: admission.k8s.io/v1\nkind: AdmissionReview\n', '{"kind":"AdmissionReview"}', `{"apiVersion":"${V1}","kind":"AdmissionReview"}`, `{"apiVersion":"${V1}","kind":"AdmissionReview","request":null}`, '\u0000\u0001\u0002', '{"a":1}garbage']);
      return rawReview('not-a-review', webhookPath(r), body, false);
    },
  },
  {
    label: 'content-type',
    weight: 4,
    make: (r, uid) => {
      const object = freshPod(r);
      const body = Buffer.from(JSON.stringify(envelope({ uid, object })));
      const ct = pick(r, ['text/plain', undefined, 'application/yaml', 'APPLICATION/JSON', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-8', 'application/json;charset=UTF-8', 'application/jsonx', '']);
      const tolerable = typeof ct === 'string' && /^application\/json;\s*charset=utf-8$/i.test(ct);
      // istiod accepts exactly application/json; a server may also accept the charset form, and must answer it properly then.
      const expect: Expectation = tolerable ? { kind: 'review', uid, apiVersion: V1, object, statuses: [415] } : { kind: 'envelope', statuses: [415] };
      return { label: 'content-type', sent: { path: webhookPath(r), body, contentType: ct }, expect };
    },
  },
  {
    label: 'empty-body',
    weight: 3,
    make: (r) => ({ label: 'empty-body', sent: { path: webhookPath(r), body: Buffer.alloc(0), contentType: pick(r, [JSON_CT, 'text/plain', undefined]) }, expect: { kind: 'envelope', statuses: [400] } }),
  },
  {
    label: 'method-and-path',
    weight: 2,
    make: (r, uid) => {
      const [method, path] = pick(r, [['GET', '/inject'], ['DELETE', '/validate'], ['PATCH', '/inject'], ['POST', '/'], ['POST', '/injectx'], ['POST', '/healthz'], ['POST', '/../inject']] as const);
      return { label: 'method-and-path', sent: { method, path, body: Buffer.from(JSON.stringify(envelope({ uid, object: freshPod(r) }))), contentType: JSON_CT }, expect: { kind: 'envelope', statuses: [400, 404, 405] } };
    },
  },
  {
    label: 'huge-uid',
    weight: 2,
    make: (r, uid) => {
      const object = freshPod(r);
      // The server never echoes a uid over 256 characters (Kubernetes' are 36): the review is a decode failure.
      return review('huge-uid', webhookPath(r), { uid: `${uid}-${'u'.repeat(int(r, 10_000, 100_000))}`, object }, { kind: 'undecodable' });
    },
  },
  {
    label: 'deep-nesting',
    weight: 2,
    make: (r, uid) => {
      const depth = pick(r, [1_000, 10_000, 100_000]);
      const open = pick(r, ['{"a":', '[']);
      const nest = `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`;
      const where = pick(r, ['spec.extra', 'object', 'annotations', 'istio-spec']);
      let text: string;
      if (where === 'object') text = JSON.stringify(envelope({ uid, object: '@DEEP@' }));
      else if (where === 'istio-spec') text = JSON.stringify(envelope({ uid, object: { ...FALLBACK_VS, spec: { hosts: ['a'], http: '@DEEP@' } }, ...kindOf(FALLBACK_VS) }));
      else if (where === 'annotations') text = JSON.stringify(envelope({ uid, object: { metadata: { name: 'deep', annotations: '@DEEP@' }, spec: { containers: [{ name: 'c', image: 'i' }] } } }));
      else text = JSON.stringify(envelope({ uid, object: { metadata: { name: 'deep' }, spec: { containers: [{ name: 'c', image: 'i' }], extra: '@DEEP@' } } }));
      const path = where === 'istio-spec' ? '/validate' : webhookPath(r);
      return rawReview(`deep-nesting:${where}`, path, text.replace('"@DEEP@"', nest), false);
    },
  },
  // ---- heavy: megabytes or tens of thousands of items in one review --------------------------------------
  {
    label: 'huge-name',
    weight: 0.3,
    make: (r, uid) => {
      const object = freshPod(r) as { metadata: Record<string, unknown> };
      const field = pick(r, ['name', 'generateName', 'namespace']);
      object.metadata[field] = 'n'.repeat(5_000_000);
      return review(`huge-name:${field}`, webhookPath(r), { uid, object }, { object });
    },
  },
  {
    label: 'huge-proxy-config',
    weight: 0.3,
    make: (r, uid) => {
      const object = freshPod(r) as { metadata: { annotations: Record<string, string> } };
      const big = pick(r, [
        `proxyMetadata:\n  BIG: "${'p'.repeat(5_000_000)}"\n`,
        `concurrency: 2\n${'# comment line padding\n'.repeat(220_000)}`,
        `proxyMetadata:\n${Array.from({ length: 150_000 }, (_, k) => `  K${k}: "v${k}"`).join('\n')}\n`,
      ]);
      object.metadata.annotations['proxy.istio.io/config'] = big;
      return review('huge-proxy-config', '/inject', { uid, object }, { object });
    },
  },
  {
    label: 'huge-annotations',
    weight: 0.3,
    make: (r, uid) => {
      const object = freshPod(r) as { metadata: { annotations: Record<string, string> } };
      if (r() < 0.5) for (let k = 0; k < 20_000; k++) object.metadata.annotations[`fuzz.example.com/a${k}`] = `value-${k}`;
      else object.metadata.annotations[pick(r, ['sidecar.istio.io/userVolume', 'sidecar.istio.io/proxyImage', 'traffic.sidecar.istio.io/includeOutboundIPRanges', 'example.com/blob'])] = 'a,'.repeat(2_500_000);
      return review('huge-annotations', webhookPath(r), { uid, object }, { object });
    },
  },
  {
    label: 'many-routes',
    weight: 0.3,
    make: (r, uid) => {
      const n = pick(r, [5_000, 20_000]);
      const doc = {
        ...FALLBACK_VS,
        metadata: { name: 'many-routes', namespace: 'fuzz' },
        spec: { hosts: ['reviews'], http: Array.from({ length: n }, (_, k) => ({ name: `r${k}`, match: [{ uri: { prefix: `/p${k}` } }], route: [{ destination: { host: 'reviews', subset: `v${k % 3}` } }] })) },
      };
      return istioReview(r, `many-routes:${n}`, doc, uid);
    },
  },
  {
    label: 'many-containers',
    weight: 0.3,
    make: (r, uid) => {
      const n = pick(r, [5_000, 20_000, 40_000]);
      const object = freshPod(r) as { spec: Record<string, unknown> };
      const field = pick(r, ['containers', 'initContainers', 'volumes']);
      object.spec[field] = Array.from({ length: n }, (_, k) => (field === 'volumes' ? { name: `v${k}`, emptyDir: {} } : { name: `c${k}`, image: 'nginx', ports: [{ containerPort: 1 + (k % 65535) }] }));
      return review(`many-containers:${field}`, '/inject', { uid, object }, { object });
    },
  },
  {
    label: 'many-env',
    weight: 0.3,
    make: (r, uid) => {
      const object = freshPod(r) as { spec: { containers: Array<Record<string, unknown>> } };
      object.spec.containers[0]!.env = Array.from({ length: pick(r, [20_000, 60_000]) }, (_, k) => ({ name: `E${k}`, value: `v${k}` }));
      return review('many-env', '/inject', { uid, object }, { object });
    },
  },
  {
    label: 'near-limit-body',
    weight: 0.3,
    make: (r, uid) => {
      const body = paddedBody(uid, 6 * MIB - int(r, 64, 4096), 'example.com/padding');
      return { label: 'near-limit-body', sent: { path: webhookPath(r), body, contentType: JSON_CT }, expect: { kind: 'review', uid, apiVersion: V1 } };
    },
  },
  {
    label: 'oversized-body',
    weight: 0.4,
    make: (r, uid) => {
      const body = paddedBody(uid, 6 * MIB + int(r, 1, MIB), 'example.com/padding');
      return { label: 'oversized-body', sent: { path: webhookPath(r), body, contentType: JSON_CT, raw: true }, expect: { kind: 'envelope', statuses: [400, 413] } };
    },
  },
];

export const CATEGORY_LABELS = CATEGORIES.map((c) => c.label);
const TOTAL_WEIGHT = CATEGORIES.reduce((s, c) => s + c.weight, 0);

/**
 * Case `i` of `count`: every category appears at least once (spread evenly through the run, so heavy inputs are
 * not all in flight together), the rest are drawn by weight.
 */
export function fuzzCase(seed: number, i: number, count: number): FuzzCase {
  const r = rngFor(seed, i);
  const stride = Math.max(1, Math.floor(count / CATEGORIES.length));
  let cat: Category | undefined;
  if (i % stride === 0 && i / stride < CATEGORIES.length) cat = CATEGORIES[i / stride];
  if (cat === undefined) {
    let x = r() * TOTAL_WEIGHT;
    cat = CATEGORIES.find((c) => (x -= c.weight) < 0) ?? CATEGORIES[0]!;
  }
  return cat.make(r, uidFor(seed, i));
}
