import { WRAPPER_SCALARS } from '../../proto/descriptor.js';
import { ISTIO_PROTOS } from '../../proto/istio.js';

/**
 * ProxyConfig and every message below it (istio.io/api mesh/v1alpha1, from the generated field tables in
 * src/proto), in the shape the injector needs to decode them the way jsonpb does (camelCase or snake_case
 * names, unknown fields dropped) and to print them the way jsonpb does (declaration order, zero scalars
 * omitted, wrappers printed when set, 64-bit integers as strings, durations canonical).
 */
export type ProtoKind =
  | 'string'
  | 'int' // any number: int32/uint32 and doubles print as JSON numbers, 64-bit integers as strings
  | 'bool'
  | 'enum'
  | 'duration'
  | 'wrapper' // google.protobuf.{Bool,Int32,...}Value: printed even when zero, if set
  | 'message'
  | 'map'
  | 'repeated';

export interface ProtoField {
  json: string;
  /** snake_case proto name, also accepted on input */
  proto: string;
  kind: ProtoKind;
  /** zero value of an enum (or of a list's/map's enum elements): its name */
  enumZero?: string;
  /** an enum's value names, in declaration order */
  enumValues?: readonly string[];
  /** their numbers, in the same order */
  enumNumbers?: readonly number[];
  /** nested message (or a list's/map's element message), by name in PROTO_MESSAGES */
  message?: string;
  /** the proto scalar of an 'int' or 'wrapper' field, or of a list's/map's scalar elements */
  scalar?: string;
  /** what a list's or map's elements are */
  element?: 'string' | 'int' | 'bool' | 'enum' | 'duration' | 'wrapper' | 'message';
  /** the oneof this field belongs to: one member at a time, printed even when zero */
  oneof?: string;
}

const NUMERIC = new Set(['int32', 'uint32', 'int64', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'float', 'double']);

/** The generated Go type's name: the full proto name without its package, nesting joined by '_'. */
function goTypeName(fullName: string): string {
  const parts = fullName.split('.');
  const first = parts.findIndex((p) => p.charAt(0) >= 'A' && p.charAt(0) <= 'Z');
  return parts.slice(first).join('_');
}

function buildTables(root: string): Record<string, readonly ProtoField[]> {
  const tables: Record<string, readonly ProtoField[]> = {};
  const visit = (fullName: string): string => {
    const name = goTypeName(fullName);
    if (tables[name] !== undefined) return name;
    const md = ISTIO_PROTOS.message(fullName);
    if (md === undefined) throw new Error(`no field table for ${fullName}`);
    const fields: ProtoField[] = [];
    tables[name] = fields;
    for (const fd of md.fields) {
      const enumValues = ISTIO_PROTOS.enumValues(fd.type);
      const enumNumbers = ISTIO_PROTOS.enumNumbers(fd.type) ?? [];
      const elem: Omit<ProtoField, 'json' | 'proto' | 'kind'> & { kind: NonNullable<ProtoField['element']> } =
        enumValues !== undefined
          ? { kind: 'enum', enumValues, enumNumbers, ...(enumValues[0] !== undefined ? { enumZero: enumValues[0] } : {}) }
          : fd.type === 'string' || fd.type === 'bytes'
            ? { kind: 'string' }
            : fd.type === 'bool'
              ? { kind: 'bool' }
              : NUMERIC.has(fd.type)
                ? { kind: 'int', scalar: fd.type }
                : fd.type === 'google.protobuf.Duration'
                  ? { kind: 'duration' }
                  : WRAPPER_SCALARS[fd.type] !== undefined
                    ? { kind: 'wrapper', scalar: WRAPPER_SCALARS[fd.type] }
                    : fd.type.startsWith('google.protobuf.')
                      ? { kind: 'message' }
                      : { kind: 'message', message: visit(fd.type) };
      const base = { json: fd.json, proto: fd.name, ...(fd.oneof !== undefined ? { oneof: fd.oneof } : {}) };
      const { kind, ...rest } = elem;
      if (fd.mapKey !== undefined) fields.push({ ...base, kind: 'map', element: kind, ...rest });
      else if (fd.repeated) fields.push({ ...base, kind: 'repeated', element: kind, ...rest });
      else fields.push({ ...base, kind, ...rest });
    }
    return name;
  };
  visit(root);
  return tables;
}

export const PROTO_MESSAGES: Readonly<Record<string, readonly ProtoField[]>> = buildTables('istio.mesh.v1alpha1.ProxyConfig');

/** ProxyConfig in declaration order (the oneof cluster_name sits where service_cluster is declared). */
export const PROXY_CONFIG_FIELDS: readonly ProtoField[] = PROTO_MESSAGES['ProxyConfig'] ?? [];

const BY_NAME = new Map<readonly ProtoField[], Map<string, ProtoField>>();
export function fieldByName(fields: readonly ProtoField[], name: string): ProtoField | undefined {
  let m = BY_NAME.get(fields);
  if (!m) {
    m = new Map();
    for (const fd of fields) {
      m.set(fd.json, fd);
      m.set(fd.proto, fd);
    }
    BY_NAME.set(fields, m);
  }
  return m.get(name);
}

/**
 * A message as jsonpb with AllowUnknownFields decodes it (Istio's protomarshal.ApplyJSON retries that
 * way when the strict decode fails): snake_case keys renamed to camelCase, and keys that are no field
 * of the message dropped, recursively through nested messages, list items and map values.
 */
export function canonicalProtoKeys(fields: readonly ProtoField[], value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const fd = fieldByName(fields, k);
    if (!fd) continue;
    // Both spellings given: jsonpb reads the proto name first and lets the JSON name win.
    if (k === fd.proto && k !== fd.json && Object.hasOwn(value, fd.json)) continue;
    const nested = fd.message ? PROTO_MESSAGES[fd.message] : undefined;
    if (nested === undefined) out[fd.json] = v;
    else if (fd.kind === 'repeated' && Array.isArray(v)) out[fd.json] = v.map((e) => (isPlainObject(e) ? canonicalProtoKeys(nested, e) : e));
    else if (fd.kind === 'map' && isPlainObject(v)) {
      const m: Record<string, unknown> = {};
      for (const [mk, mv] of Object.entries(v)) m[mk] = isPlainObject(mv) ? canonicalProtoKeys(nested, mv) : mv;
      out[fd.json] = m;
    } else out[fd.json] = isPlainObject(v) ? canonicalProtoKeys(nested, v) : v;
  }
  keepLastOneofMembers(fields, out);
  return out;
}

/**
 * jsonpb sets a oneof's members in declaration order, each clearing the others, so of those given (not null)
 * only the last declared is kept.
 */
function keepLastOneofMembers(fields: readonly ProtoField[], msg: Record<string, unknown>): void {
  const kept = new Map<string, ProtoField>();
  for (const fd of fields) {
    if (fd.oneof === undefined || msg[fd.json] === undefined || msg[fd.json] === null) continue;
    const earlier = kept.get(fd.oneof);
    if (earlier !== undefined) delete msg[earlier.json];
    kept.set(fd.oneof, fd);
  }
}

/** After `overlay` is applied over a message: a oneof member it sets clears the base's other members. */
export function clearReplacedOneofMembers(fields: readonly ProtoField[], merged: Record<string, unknown>, overlay: Record<string, unknown>): void {
  for (const fd of fields) {
    if (fd.oneof === undefined || overlay[fd.json] === undefined || overlay[fd.json] === null) continue;
    for (const other of fields) if (other.oneof === fd.oneof && other !== fd && !Object.hasOwn(overlay, other.json)) delete merged[other.json];
  }
}

/** The name of an enum field's value number, if the enum has one. */
export function enumNameOf(fd: ProtoField, n: number): string | undefined {
  const i = fd.enumNumbers?.indexOf(n) ?? -1;
  return i >= 0 ? fd.enumValues?.[i] : undefined;
}

/** The number of an enum field's value name, if the enum has one. */
export function enumNumberOf(fd: ProtoField, name: string): number | undefined {
  const i = fd.enumValues?.indexOf(name) ?? -1;
  return i >= 0 ? fd.enumNumbers?.[i] : undefined;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A proto-JSON or Go duration string in nanoseconds (bigint), or undefined if it is not one. */
export function parseProtoDuration(s: string): bigint | undefined {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  if (s === '0') return 0n;
  let total = 0n;
  let matched = 0;
  let neg = false;
  let str = s;
  if (str.startsWith('-')) {
    neg = true;
    str = str.slice(1);
  }
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(str)) !== null) {
    matched = re.lastIndex;
    const unit = { ns: 1n, us: 1000n, µs: 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n }[
      m[2] as 'ns'
    ];
    const [int, frac = ''] = m[1]!.split('.');
    total += BigInt(int || '0') * unit;
    if (frac) total += (BigInt(frac.padEnd(18, '0').slice(0, 18)) * unit) / 10n ** 18n;
  }
  if (matched !== str.length || matched === 0) return undefined;
  return neg ? -total : total;
}

/** jsonpb's text of a google.protobuf.Duration: seconds with 0, 3, 6 or 9 fractional digits. */
export function protoDurationString(ns: bigint): string {
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  const secs = abs / 1_000_000_000n;
  const nanos = abs % 1_000_000_000n;
  let frac = '';
  if (nanos !== 0n) {
    const n9 = nanos.toString().padStart(9, '0');
    frac = n9.endsWith('000000') ? `.${n9.slice(0, 3)}` : n9.endsWith('000') ? `.${n9.slice(0, 6)}` : `.${n9}`;
  }
  return `${neg ? '-' : ''}${secs}${frac}s`;
}

const SIXTY_FOUR_BIT = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/** A number as decoded from JSON: a number, or the text of a quoted one (jsonpb reads both). */
function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isNaN(n) && v.trim() !== 'NaN' ? undefined : n;
  }
  return undefined;
}

/** jsonpb's text of a number of the given proto scalar type. */
function renderNumber(scalar: string | undefined, v: unknown): string {
  const n = numberOf(v);
  if (n === undefined) return JSON.stringify(v);
  if (scalar !== undefined && SIXTY_FOUR_BIT.has(scalar)) {
    return JSON.stringify(typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? BigInt(v.trim()).toString() : String(n));
  }
  return Number.isFinite(n) ? String(n) : JSON.stringify(String(n));
}

type ValueKind = NonNullable<ProtoField['element']>;

/** One value of a field (or one list item or map value) as jsonpb prints it. */
function renderValue(fd: ProtoField, kind: ValueKind, v: unknown): string {
  switch (kind) {
    case 'int':
    case 'wrapper':
      if (kind === 'wrapper' && (fd.scalar === 'bool' || fd.scalar === 'string')) return JSON.stringify(v);
      return renderNumber(fd.scalar, v);
    case 'enum':
      if (typeof v === 'number') {
        const name = enumNameOf(fd, v);
        return name !== undefined ? JSON.stringify(name) : String(v);
      }
      return JSON.stringify(v);
    case 'duration': {
      const ns = typeof v === 'string' ? parseProtoDuration(v) : undefined;
      return ns === undefined ? JSON.stringify(v) : JSON.stringify(protoDurationString(ns));
    }
    case 'message': {
      const nested = fd.message ? PROTO_MESSAGES[fd.message] : undefined;
      if (nested === undefined) return JSON.stringify(v);
      return protoJson(nested, isPlainObject(v) ? v : {});
    }
    default:
      return JSON.stringify(v);
  }
}

/** A list item or map value that is JSON null: jsonpb decoded it to its type's zero value. */
function zeroOf(kind: ValueKind, fd: ProtoField): unknown {
  switch (kind) {
    case 'string':
      return '';
    case 'int':
      return 0;
    case 'bool':
      return false;
    case 'enum':
      return fd.enumZero ?? 0;
    default:
      return {};
  }
}

function isZeroScalar(fd: ProtoField, v: unknown): boolean {
  switch (fd.kind) {
    case 'string':
      return v === '';
    case 'int':
      return numberOf(v) === 0;
    case 'bool':
      return v === false;
    case 'enum':
      return v === fd.enumZero || v === 0;
    case 'map':
    case 'repeated':
      return (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0);
    default:
      return false;
  }
}

/**
 * jsonpb output: known fields in declaration order, proto3 zero scalars omitted, `null` omitted,
 * wrappers printed when present, map keys sorted, values in their type's canonical text; unknown
 * extras after, as given.
 */
export function protoJson(fields: readonly ProtoField[], value: Record<string, unknown>): string {
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const fd of fields) {
    seen.add(fd.json);
    const v = value[fd.json];
    if (v === undefined || v === null || (fd.oneof === undefined && isZeroScalar(fd, v))) continue;
    let rendered: string;
    const element = fd.element ?? 'string';
    const item = (e: unknown): string => renderValue(fd, element, e === null ? zeroOf(element, fd) : e);
    if (fd.kind === 'repeated' && Array.isArray(v)) rendered = `[${v.map(item).join(',')}]`;
    else if (fd.kind === 'map' && isPlainObject(v)) {
      rendered = `{${Object.keys(v)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${item(v[k])}`)
        .join(',')}}`;
    } else if (fd.kind === 'map' || fd.kind === 'repeated') rendered = JSON.stringify(v);
    else rendered = renderValue(fd, fd.kind, v);
    parts.push(`${JSON.stringify(fd.json)}:${rendered}`);
  }
  for (const [k, v] of Object.entries(value)) {
    if (seen.has(k) || v === undefined || v === null) continue;
    parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
  }
  return `{${parts.join(',')}}`;
}
