import type { Rng } from './rng.js';

/**
 * Seeded mutations of Istio's valid-dataset resources (every kind and version), field by field:
 * each case takes one resource and changes one to three places in it (a leaf to another value or
 * type, a field removed, an array emptied or duplicated, an unknown field added, metadata broken,
 * the version swapped), so both webhooks judge near-valid inputs where rules are easiest to get
 * subtly wrong.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = Array<string | number>;

const STRINGS = [
  '', '*', 'bad value!', '1.2.3.4/33', '10.0.0.0/8', '-1', 'a'.repeat(300), 'foo.bar.svc.cluster.local', '*.example.com',
  'example.com', '0s', '1ms', '10s', '-5s', '99999', 'http', 'HTTPS', 'TCP', 'GRPC', 'ISTIO_MUTUAL', 'SIMPLE', 'MUTUAL',
  'ROUND_ROBIN', 'ALLOW', 'DENY', 'CUSTOM', 'STRICT', 'PERMISSIVE', 'UNKNOWN_ENUM', 'v1', '/path', 'regex[', '^a.*$',
  '1.2.3.4', '::1', 'spiffe://cluster.local/ns/x/sa/y', 'cluster.local/ns/x/sa/y', 'outbound|80||a.b', 'Foo_Bar',
  '0.0.0.0/0', 'https://example.com/jwks', '%invalid', 'unix:///var/run/sock', 'mirror', 'x-header',
  // Quoted numbers as jsonpb reads them (quotes stripped, the rest through encoding/json's scanner), and
  // texts whose first bytes json.Marshal escapes or encodes as UTF-8.
  '1e', '1e+', '-', '01', '1.', '0x1F', ' 80 ', 'null', 'true', 'tru', '"80"', '8080 9090', '<8', 'é', '1.5e3', 'YWJj', 'a$b',
  'configmap://x', 'configmap://default/cm', 'configmap:///cm', 'Infinity', 'NaN',
];
const NUMBERS = [-1, 0, 1, 80, 443, 65535, 65536, 1.5, 100, 101, 4294967296, 0.00005, 150.5, 1e21];

function leafPaths(v: Json, path: Path, out: Path[], containers: Path[]): void {
  if (Array.isArray(v)) {
    containers.push(path);
    v.forEach((x, i) => leafPaths(x, [...path, i], out, containers));
  } else if (v !== null && typeof v === 'object') {
    containers.push(path);
    for (const [k, x] of Object.entries(v)) leafPaths(x, [...path, k], out, containers);
  } else out.push(path);
}

function getAt(root: Json, path: Path): Json | undefined {
  let cur: Json | undefined = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, Json>)[p as never];
  }
  return cur;
}

function setAt(root: Json, path: Path, value: Json | undefined): void {
  if (path.length === 0) return;
  const parent = getAt(root, path.slice(0, -1));
  const key = path.at(-1)!;
  if (Array.isArray(parent) && typeof key === 'number') {
    if (value === undefined) parent.splice(key, 1);
    else parent[key] = value;
  } else if (parent !== null && typeof parent === 'object' && !Array.isArray(parent)) {
    if (value === undefined) delete (parent as Record<string, Json>)[key as string];
    else (parent as Record<string, Json>)[key as string] = value;
  }
}

function otherLeaf(rng: Rng, old: Json): Json {
  const r = rng.next();
  if (typeof old === 'number') return r < 0.7 ? rng.pick(NUMBERS) : r < 0.85 ? String(old) : rng.pick(STRINGS);
  if (typeof old === 'boolean') return r < 0.5 ? !old : r < 0.75 ? String(old) : 1;
  if (typeof old === 'string') {
    if (r < 0.75) return rng.pick(STRINGS);
    if (r < 0.85) return old.toUpperCase();
    if (r < 0.93) return `${old}x`;
    return rng.pick(NUMBERS);
  }
  return rng.pick(STRINGS);
}

export interface ValidateCaseSpec {
  source: string;
  object: Json;
  mutations: string[];
}

export interface DatasetResource {
  file: string;
  object: Json;
}

/** apiVersions each group serves, for version swaps (an unknown version is tried too). */
const VERSIONS: Record<string, readonly string[]> = {
  'networking.istio.io': ['v1alpha3', 'v1beta1', 'v1'],
  'security.istio.io': ['v1beta1', 'v1'],
  'telemetry.istio.io': ['v1alpha1', 'v1'],
  'extensions.istio.io': ['v1alpha1'],
};

function mutate(rng: Rng, obj: Json): string {
  const leaves: Path[] = [];
  const containers: Path[] = [];
  leafPaths(obj, [], leaves, containers);
  const specLeaves = leaves.filter((p) => p[0] === 'spec');
  const specContainers = containers.filter((p) => p[0] === 'spec' && p.length > 1);
  const r = rng.next();
  const root = obj as Record<string, Json>;
  const meta = (root.metadata ??= {}) as Record<string, Json>;
  if (r < 0.45 && specLeaves.length > 0) {
    const p = rng.pick(specLeaves);
    const v = otherLeaf(rng, getAt(obj, p) ?? null);
    setAt(obj, p, v);
    return `set ${p.join('.')} = ${JSON.stringify(v)}`;
  }
  if (r < 0.6 && specLeaves.length > 0) {
    const p = rng.pick([...specLeaves, ...specContainers]);
    setAt(obj, p, undefined);
    return `delete ${p.join('.')}`;
  }
  if (r < 0.72 && specContainers.length > 0) {
    const p = rng.pick(specContainers);
    const v = getAt(obj, p);
    if (Array.isArray(v)) {
      if (rng.chance(0.5) || v.length === 0) {
        setAt(obj, p, []);
        return `empty ${p.join('.')}`;
      }
      v.push(structuredClone(v[0]!));
      return `duplicate ${p.join('.')}[0]`;
    }
    if (rng.chance(0.3)) {
      setAt(obj, p, null);
      return `null ${p.join('.')}`;
    }
    (v as Record<string, Json>).bogusField = 1;
    return `unknown field ${p.join('.')}.bogusField`;
  }
  if (r < 0.8) {
    const choice = rng.int(0, 5);
    if (choice === 0) meta.name = rng.pick(['Bad_Name', '', 'a'.repeat(260), 'ok-name', 'dots.are.ok']);
    else if (choice === 1) meta.namespace = rng.pick(['', 'Bad_NS', 'istio-system']);
    else if (choice === 2) meta.annotations = { ...(meta.annotations as object | null), 'internal.istio.io/webhook-always-reject': 'true' };
    else if (choice === 3) meta.labels = { 'bad label!': 'x' };
    else if (choice === 4) root.extraTopLevel = { a: 1 };
    else root.status = { conditions: [] };
    return `metadata/top-level change ${choice}`;
  }
  if (r < 0.88) {
    const av = String(root.apiVersion ?? '');
    const group = av.slice(0, av.lastIndexOf('/'));
    const v = rng.pick([...(VERSIONS[group] ?? []), 'v9']);
    root.apiVersion = `${group}/${v}`;
    return `apiVersion ${root.apiVersion}`;
  }
  if (r < 0.94) {
    root.spec = rng.pick([{}, [] as Json, 'x', null]);
    return `spec = ${JSON.stringify(root.spec)}`;
  }
  const leaf = rng.pick(leaves.length > 0 ? leaves : [['spec']]);
  setAt(obj, leaf, rng.pick(STRINGS));
  return `set ${leaf.join('.')} (any)`;
}

export function generateValidateCase(rng: Rng, dataset: readonly DatasetResource[]): ValidateCaseSpec {
  const base = rng.pick(dataset);
  const object = structuredClone(base.object);
  const mutations: string[] = [];
  const n = rng.chance(0.08) ? 0 : rng.int(1, 3);
  for (let i = 0; i < n; i++) mutations.push(mutate(rng, object));
  return { source: base.file, object, mutations };
}
