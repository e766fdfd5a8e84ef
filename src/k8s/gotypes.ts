/**
 * Typed view of GO_TYPE_TABLE: parsed once, on first use, into descriptors that normalize.ts and
 * smp.ts walk. Kept separate from the table so the table stays pure data.
 */
import { K8sError } from './errors.js';
import { GO_TYPE_TABLE } from './gotypes-table.js';

export type GoScalar = 'string' | 'bool' | 'int32' | 'int64' | 'int' | 'float64';

export type GoType =
  | { readonly k: 'scalar'; readonly go: GoScalar }
  | { readonly k: 'quantity' }
  | { readonly k: 'intOrString' }
  | { readonly k: 'time' }
  | { readonly k: 'raw' }
  | { readonly k: 'bytes' }
  | { readonly k: 'ptr'; readonly elem: GoType }
  | { readonly k: 'list'; readonly elem: GoType }
  | { readonly k: 'map'; readonly elem: GoType }
  | { readonly k: 'struct'; readonly name: string };

export interface GoField {
  readonly json: string;
  readonly type: GoType;
  /** Without omitempty Go always emits the field (zero value included). */
  readonly omitempty: boolean;
  readonly omitzero: boolean;
  /** patchStrategy tag values, e.g. ['merge', 'retainKeys']. */
  readonly strategies: readonly string[];
  readonly mergeKey: string | undefined;
  /**
   * For a field promoted from an inlined struct, that struct as the outer type embeds it (the first
   * `...Name` on the way down): what sigs.k8s.io/yaml takes as the field's target when it converts
   * YAML scalars.
   */
  readonly embeddedIn?: string;
}

export interface GoStruct {
  readonly name: string;
  readonly fields: readonly GoField[];
  readonly byJson: ReadonlyMap<string, GoField>;
  /** encoding/json falls back to a case-insensitive match when no field matches exactly. */
  readonly byLowerJson: ReadonlyMap<string, GoField>;
}

const SCALARS: ReadonlySet<string> = new Set(['string', 'bool', 'int32', 'int64', 'int', 'float64']);
const SIMPLE: Readonly<Record<string, GoType>> = {
  q: { k: 'quantity' },
  ios: { k: 'intOrString' },
  t: { k: 'time' },
  raw: { k: 'raw' },
  bytes: { k: 'bytes' },
};

function parseType(expr: string, owner: string): GoType {
  if (expr.startsWith('*')) return { k: 'ptr', elem: parseType(expr.slice(1), owner) };
  if (expr.startsWith('[') && expr.endsWith(']')) return { k: 'list', elem: parseType(expr.slice(1, -1), owner) };
  if (expr.startsWith('{') && expr.endsWith('}')) return { k: 'map', elem: parseType(expr.slice(1, -1), owner) };
  if (SCALARS.has(expr)) return { k: 'scalar', go: expr as GoScalar };
  const simple = SIMPLE[expr];
  if (simple) return simple;
  if (!Object.hasOwn(GO_TYPE_TABLE, expr)) {
    throw new K8sError('type', `type table: ${owner} refers to unknown type ${expr}`);
  }
  return { k: 'struct', name: expr };
}

const FIELD_RE = /^([A-Za-z0-9$_-]+)([!~]*):([^/@]+)(?:\/([^@]+))?(?:@(.+))?$/;

function parseFields(name: string, seen: Set<string>, depth = 0, embeddedIn?: string): (GoField & { depth: number })[] {
  const spec = GO_TYPE_TABLE[name];
  if (spec === undefined) throw new K8sError('type', `unknown Go type ${name}`);
  if (seen.has(name)) throw new K8sError('type', `type table: ${name} inlines itself`);
  seen.add(name);
  const out: (GoField & { depth: number })[] = [];
  for (const tok of spec.split(' ').filter((t) => t.length > 0)) {
    if (tok.startsWith('...')) {
      out.push(...parseFields(tok.slice(3), seen, depth + 1, embeddedIn ?? tok.slice(3)));
      continue;
    }
    const m = FIELD_RE.exec(tok);
    if (!m) throw new K8sError('type', `type table: cannot read field "${tok}" of ${name}`);
    const flags = m[2] ?? '';
    out.push({
      json: m[1]!,
      type: parseType(m[3]!, name),
      omitempty: !flags.includes('!'),
      omitzero: flags.includes('~'),
      strategies: m[4] ? m[4].split('+') : [],
      mergeKey: m[5],
      ...(embeddedIn !== undefined ? { embeddedIn } : {}),
      depth,
    });
  }
  seen.delete(name);
  return out;
}

const cache = new Map<string, GoStruct>();

/** Descriptor of a struct in the table; throws K8sError for an unknown name. */
export function goStruct(name: string): GoStruct {
  const hit = cache.get(name);
  if (hit) return hit;
  const all = parseFields(name, new Set());
  // Go's embedding rule: the shallowest field with a JSON name wins over inlined ones.
  const best = new Map<string, GoField & { depth: number }>();
  for (const f of all) {
    const prev = best.get(f.json);
    if (!prev || f.depth < prev.depth) best.set(f.json, f);
  }
  const fields: GoField[] = all.filter((f) => best.get(f.json) === f).map(({ depth: _d, ...f }) => f);
  const byJson = new Map<string, GoField>(fields.map((f) => [f.json, f]));
  const byLowerJson = new Map<string, GoField>();
  for (const f of fields) if (!byLowerJson.has(f.json.toLowerCase())) byLowerJson.set(f.json.toLowerCase(), f);
  const s: GoStruct = { name, fields, byJson, byLowerJson };
  cache.set(name, s);
  return s;
}

export function hasGoType(name: string): boolean {
  return Object.hasOwn(GO_TYPE_TABLE, name);
}

/** Friendly names accepted by normalizeAs/strategicMerge in addition to the table's own. */
const TYPE_ALIASES: Readonly<Record<string, string>> = { DeploymentConfig: 'OsDeploymentConfig' };

export function resolveTypeName(typeName: string): string {
  const name = TYPE_ALIASES[typeName] ?? typeName;
  if (!hasGoType(name)) throw new K8sError('type', `unknown Go type ${typeName}`);
  return name;
}

/** Workload kinds kube-inject re-serialises through Go types, keyed `apiVersion/kind`. */
const WORKLOAD_TYPES: Readonly<Record<string, string>> = {
  'v1/Pod': 'Pod',
  'v1/ReplicationController': 'ReplicationController',
  'v1/List': 'List',
  'apps/v1/Deployment': 'Deployment',
  'apps/v1/DaemonSet': 'DaemonSet',
  'apps/v1/ReplicaSet': 'ReplicaSet',
  'apps/v1/StatefulSet': 'StatefulSet',
  'batch/v1/Job': 'Job',
  'batch/v1/CronJob': 'CronJob',
  'apps.openshift.io/v1/DeploymentConfig': 'OsDeploymentConfig',
  // OpenShift also registers DeploymentConfig in the legacy group-less v1; a golden
  // (deploymentconfig-with-canonical-service-label) shows kube-inject re-serialising it.
  'v1/DeploymentConfig': 'OsDeploymentConfig',
};

/** The table type for an injectable document, or undefined when kube-inject passes it through raw. */
export function goTypeForKind(apiVersion: unknown, kind: unknown): string | undefined {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  return WORKLOAD_TYPES[`${apiVersion}/${kind}`];
}

/** How Go prints a type in encoding/json errors (all these packages are named `v1`). */
export function goTypeString(t: GoType): string {
  switch (t.k) {
    case 'scalar':
      return t.go;
    case 'quantity':
      return 'resource.Quantity';
    case 'intOrString':
      return 'intstr.IntOrString';
    case 'time':
      return 'v1.Time';
    case 'raw':
      return 'runtime.RawExtension';
    case 'bytes':
      return '[]uint8';
    case 'ptr':
      return `*${goTypeString(t.elem)}`;
    case 'list':
      return `[]${goTypeString(t.elem)}`;
    case 'map':
      return `map[string]${goTypeString(t.elem)}`;
    case 'struct':
      return `v1.${t.name.startsWith('Os') ? t.name.slice(2) : t.name}`;
  }
}
