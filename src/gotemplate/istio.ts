/** Istio's injection template helpers (pkg/kube/inject/template.go), layered over sprig. */
import { marshalJson, marshalYaml } from './encode.js';
import { formatValue } from './fmt.js';
import { goFunc, type CustomParam, type FuncMap } from './func.js';
import { GoNilPointer, GoStringMap, GoStruct, isDuration, isPlainMap, type GoMethod } from './values.js';
import { formatGoDuration } from '../go/time.js';

/** Behaviour the injection engine supplies because it needs Istio's proto knowledge. */
export interface IstioHooks {
  /** protoToJSON: cleanProxyConfig + jsonpb. Default: the struct's JSON hook, compact. */
  readonly protoToJSON?: (message: unknown) => string;
  /** structToJSON: encoding/json of a struct. Default: the engine's encoding/json. */
  readonly structToJSON?: (value: unknown) => string;
  /** otelResourceAttributes(mesh, annotations, labels, namespace, containers). Default: computed from the mesh's JSON hook. */
  readonly otelResourceAttributes?: (
    mesh: unknown,
    annotations: GoStringMap,
    labels: GoStringMap,
    namespace: string,
    containers: readonly unknown[] | null,
  ) => string;
}

export interface IstioFuncOptions {
  readonly hooks?: IstioHooks;
  /** What `env KEY DEFAULT` reads; defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const objectMeta: CustomParam = {
  goType: 'v1.ObjectMeta',
  nilable: false,
  accepts: (v) => v instanceof GoStruct,
};

const durationParam: CustomParam = {
  goType: '*durationpb.Duration',
  nilable: true,
  accepts: (v) => isDuration(v) || (v instanceof GoNilPointer && v.typeName === '*durationpb.Duration'),
};

const containersParam: CustomParam = {
  goType: '[]v1.Container',
  nilable: true,
  accepts: (v) => Array.isArray(v),
};

const protoMessage: CustomParam = {
  goType: 'protoiface.MessageV1',
  nilable: true,
  accepts: (v) => v instanceof GoStruct || v instanceof GoNilPointer,
};

const meshParam: CustomParam = {
  goType: '*v1alpha1.MeshConfig',
  nilable: true,
  accepts: (v) => v instanceof GoStruct || v instanceof GoNilPointer,
};

/** Reads a field from a struct view or a plain object (Go name first, then json name). */
function field(obj: unknown, goName: string): unknown {
  if (obj instanceof GoStruct) return obj.fields[goName];
  if (isPlainMap(obj)) {
    if (Object.hasOwn(obj, goName)) return obj[goName];
    const json = goName.charAt(0).toLowerCase() + goName.slice(1);
    return obj[json];
  }
  return undefined;
}

function stringMapGet(m: unknown, key: string): string | undefined {
  if (m instanceof GoStringMap) return m.get(key);
  if (isPlainMap(m) && Object.hasOwn(m, key)) {
    const v = m[key];
    return typeof v === 'string' ? v : formatValue(v, false);
  }
  return undefined;
}

export { formatGoDuration };

function durationNanos(d: unknown): bigint {
  if (!(d instanceof GoStruct)) return 0n;
  const s = d.fields['Seconds'];
  const n = d.fields['Nanos'];
  const secs = typeof s === 'bigint' ? s : typeof s === 'number' ? BigInt(Math.trunc(s)) : 0n;
  const nanos = typeof n === 'bigint' ? n : typeof n === 'number' ? BigInt(Math.trunc(n)) : 0n;
  return secs * 1_000_000_000n + nanos;
}

function excludeInboundPort(port: unknown, excluded: string): string {
  const portStr = formatValue(port, false).trim();
  if (portStr === '' || portStr === '0') return excluded;
  const out: string[] = [];
  for (const p of excluded.split(',')) {
    if (p === portStr) return excluded;
    const t = p.trim();
    if (t !== '') out.push(t);
  }
  out.push(portStr);
  return out.join(',');
}

function containerPorts(containers: readonly unknown[] | null, include: (c: unknown) => boolean): string {
  const parts: string[] = [];
  for (const c of containers ?? []) {
    if (!include(c)) continue;
    const ports = field(c, 'Ports');
    if (!Array.isArray(ports)) continue;
    for (const p of ports) {
      const proto = field(p, 'Protocol');
      if (proto === 'UDP' || proto === 'SCTP') continue;
      parts.push(formatValue(field(p, 'ContainerPort') ?? 0n, false));
    }
  }
  return parts.join(',');
}

function appendMultusNetwork(existing: string, network: string): string {
  if (existing === '') return network;
  const i = existing.lastIndexOf(']');
  if (i >= 0) {
    let networks: unknown;
    try {
      networks = JSON.parse(existing);
    } catch {
      return existing;
    }
    if (!Array.isArray(networks) || !networks.every((n) => isPlainMap(n) || n === null)) return existing;
    // k8s.io/utils/strings.SplitQualifiedName: the first two '/'-separated parts, no namespace without one.
    const parts = network.split('/');
    const ns = parts.length < 2 ? '' : parts[0]!;
    const name = parts.length < 2 ? network : parts[1]!;
    for (const n of networks as Array<Record<string, unknown> | null>) {
      if (n && n['name'] === name && (n['namespace'] ?? '') === ns) return existing;
    }
    const add = ns === '' ? `, {"name": "${name}"}` : `, {"name": "${name}", "namespace": "${ns}"}`;
    return existing.slice(0, i) + add + existing.slice(i);
  }
  for (const n of existing.split(',')) if (n.trim() === network) return existing;
  return `${existing}, ${network}`;
}

function mergeMaps(maps: GoStringMap[]): GoStringMap {
  if (maps.length === 0) return new GoStringMap(null);
  const out: Record<string, string> = {};
  for (const m of maps) for (const k of m.keys()) out[k] = m.get(k) ?? '';
  return new GoStringMap(out);
}

/** Drops nils recursively; a container is only rebuilt (and may become nil) when something was dropped. */
function omitNilInternal(v: unknown): [unknown, boolean] {
  if (v === null || v === undefined) return [null, true];
  if (isPlainMap(v)) {
    for (const val of Object.values(v)) {
      if (omitNilInternal(val)[1]) {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
          const f = omitNilInternal(x)[0];
          if (f !== null) out[k] = f;
        }
        return Object.keys(out).length === 0 ? [null, true] : [out, true];
      }
    }
    return [v, false];
  }
  if (Array.isArray(v)) {
    for (const val of v) {
      if (omitNilInternal(val)[1]) {
        const out = v.map((x) => omitNilInternal(x)[0]).filter((x) => x !== null);
        return out.length === 0 ? [null, true] : [out, true];
      }
    }
    return [v, false];
  }
  return [v, false];
}

function callGetter(obj: unknown, name: string): unknown {
  if (obj instanceof GoStruct || obj instanceof GoNilPointer) {
    const m: GoMethod | undefined = obj.methods[name];
    if (m) return m();
  }
  return undefined;
}

function meshJson(mesh: unknown): unknown {
  if (mesh instanceof GoStruct && mesh.jsonHook) return mesh.jsonHook();
  return undefined;
}

function parseImageTagDigest(image: string): [string, string] {
  let img = image;
  let digest = '';
  const at = img.indexOf('@');
  if (at >= 0) {
    digest = img.slice(at + 1);
    img = img.slice(0, at);
  }
  const slash = img.lastIndexOf('/');
  const colon = img.lastIndexOf(':');
  return [colon > slash ? img.slice(colon + 1) : '', digest];
}

/** Default otelResourceAttributes, reading extension providers from the mesh's JSON hook or GetExtensionProviders. */
function defaultOtel(
  mesh: unknown,
  annotations: GoStringMap,
  labels: GoStringMap,
  namespace: string,
  containers: readonly unknown[] | null,
): string {
  let providers = callGetter(mesh, 'GetExtensionProviders');
  if (providers === undefined) {
    const j = meshJson(mesh);
    providers = isPlainMap(j) ? j['extensionProviders'] : undefined;
  }
  const enabled =
    Array.isArray(providers) &&
    providers.some((p) => {
      const otel = isPlainMap(p) ? p['opentelemetry'] : field(p, 'Opentelemetry');
      const e = isPlainMap(otel) ? otel['serviceAttributeEnrichment'] : field(otel, 'ServiceAttributeEnrichment');
      return e === 'OTEL_SEMANTIC_CONVENTIONS' || formatValue(e, false) === 'OTEL_SEMANTIC_CONVENTIONS';
    });
  if (!enabled) return '';
  const attrs: string[] = [];
  const ann = (k: string): string => annotations.get(k) ?? '';
  if (ann('resource.opentelemetry.io/service.namespace') !== '') attrs.push(`service.namespace=${ann('resource.opentelemetry.io/service.namespace')}`);
  else if (namespace !== '') attrs.push(`service.namespace=${namespace}`);
  const cs = containers ?? [];
  if (ann('resource.opentelemetry.io/service.version') !== '') attrs.push(`service.version=${ann('resource.opentelemetry.io/service.version')}`);
  else if ((labels.get('app.kubernetes.io/version') ?? '') !== '') attrs.push(`service.version=${labels.get('app.kubernetes.io/version')}`);
  else if (cs.length === 1) {
    const image = field(cs[0], 'Image');
    const [tag, digest] = parseImageTagDigest(typeof image === 'string' ? image : '');
    if (tag !== '' && digest !== '') attrs.push(`service.version=${tag}@${digest}`);
    else if (digest !== '') attrs.push(`service.version=${digest}`);
    else if (tag !== '') attrs.push(`service.version=${tag}`);
  }
  if (ann('resource.opentelemetry.io/service.instance.id') !== '') attrs.push(`service.instance.id=${ann('resource.opentelemetry.io/service.instance.id')}`);
  else if (cs.length > 0) {
    const name = field(cs[0], 'Name');
    attrs.push(`service.instance.id=${namespace}.$(POD_NAME).${typeof name === 'string' ? name : ''}`);
  }
  return attrs.join(',');
}

function safeJson(v: unknown): string {
  try {
    return marshalJson(v);
  } catch {
    return '{}';
  }
}

export function istioFuncs(options: IstioFuncOptions = {}): FuncMap {
  const hooks = options.hooks ?? {};
  const env = options.env ?? process.env;
  return {
    formatDuration: goFunc([durationParam], (d: unknown) => formatGoDuration(durationNanos(d))),
    isset: goFunc(['stringMap', 'string'], (m: GoStringMap, k: string) => m.has(k)),
    excludeInboundPort: goFunc(['any', 'string'], excludeInboundPort),
    includeInboundPorts: goFunc([containersParam], (cs: readonly unknown[] | null) => containerPorts(cs, () => true)),
    applicationPorts: goFunc([containersParam], (cs: readonly unknown[] | null) =>
      containerPorts(cs, (c) => field(c, 'Name') !== 'istio-proxy'),
    ),
    kubevirtInterfaces: goFunc(['string'], (s: string) => s),
    excludeInterfaces: goFunc(['string'], (s: string) => s),
    annotation: goFunc([objectMeta, 'string', 'any'], (meta: unknown, name: string, def: unknown) => {
      const v = stringMapGet(field(meta, 'Annotations'), name);
      return v ?? formatValue(def, false);
    }),
    valueOrDefault: goFunc(['any', 'any'], (v: unknown, d: unknown) => (v === '' || v === null ? d : v)),
    toJSON: goFunc(['stringMap'], (m: GoStringMap) => (m.entries === null ? '{}' : safeJson(m))),
    fromJSON: goFunc(['string'], (s: string) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        return '{}';
      }
    }),
    structToJSON: goFunc(['any'], (v: unknown) => {
      if (v === null) return '{}';
      if (hooks.structToJSON) return hooks.structToJSON(v);
      return safeJson(v);
    }),
    protoToJSON: goFunc([protoMessage], (v: unknown) => {
      if (hooks.protoToJSON) return hooks.protoToJSON(v);
      if (v === null || v instanceof GoNilPointer) return '{}';
      return safeJson(v);
    }),
    toYaml: goFunc(['any'], (v: unknown) => {
      try {
        return marshalYaml(v);
      } catch {
        return '';
      }
    }),
    indent: goFunc(['int', 'string'], (n: bigint, s: string) => {
      const pad = ' '.repeat(Number(n < 0n ? -n : n));
      return s
        .split('\n')
        .map((l, i) => (i === 0 ? l : pad + l))
        .join('\n');
    }),
    directory: goFunc(['string'], (p: string) => p.slice(0, p.lastIndexOf('/') + 1)),
    contains: goFunc(['string', 'string'], (needle: string, hay: string) => hay.includes(needle)),
    toLower: goFunc(['string'], (s: string) => s.toLowerCase()),
    appendMultusNetwork: goFunc(['string', 'string'], appendMultusNetwork),
    env: goFunc(['string', 'string'], (k: string, d: string) => {
      const v = env[k];
      return v === undefined || v === '' ? d : v;
    }),
    omit: goFunc(['stringMap'], (m: GoStringMap, ...keys: string[]) => {
      const out: Record<string, string> = {};
      for (const k of m.keys()) if (!keys.includes(k)) out[k] = m.get(k) ?? '';
      return new GoStringMap(out);
    }, 'string'),
    strdict: goFunc([], (...kv: string[]) => {
      const out: Record<string, string> = {};
      for (let i = 0; i < kv.length; i += 2) out[kv[i]!] = i + 1 < kv.length ? kv[i + 1]! : '';
      return new GoStringMap(out);
    }, 'string'),
    toJsonMap: goFunc([], (...ms: GoStringMap[]) => safeJson(mergeMaps(ms)), 'stringMap'),
    mergeMaps: goFunc([], (...ms: GoStringMap[]) => mergeMaps(ms), 'stringMap'),
    omitNil: goFunc(['any'], (v: unknown) => omitNilInternal(v)[0]),
    otelResourceAttributes: goFunc(
      [meshParam, 'stringMap', 'stringMap', 'string', containersParam],
      (mesh: unknown, ann: GoStringMap, labels: GoStringMap, ns: string, cs: readonly unknown[] | null) =>
        (hooks.otelResourceAttributes ?? defaultOtel)(mesh, ann, labels, ns, cs),
    ),
  };
}
