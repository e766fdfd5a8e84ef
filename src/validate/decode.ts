/**
 * Istio decodes `spec` with legacy golang/protobuf jsonpb. The webhook first checks the whole spec against
 * Istio's field tables (src/proto/jsonpb.ts), which gives jsonpb's first error in its order; after that the
 * kind validators read the spec through the helpers here:
 *  - normalizeSpec() renames snake_case proto names to lowerCamel JSON names up front (jsonpb accepts
 *    both; when both are present the JSON name wins), leaving keys of map-typed and Struct-typed
 *    fields alone because those keys are user data;
 *  - the typed readers below throw DecodeError with jsonpb's message when a value has the wrong JSON
 *    type, an unknown enum name or a bad Go duration (only reachable where a validator reads more
 *    strictly than the tables describe). The webhook turns a DecodeError into `error decoding configuration: ...`.
 * Unknown spec fields are simply never read, which matches jsonpb's AllowUnknownFields retry.
 */

import { goQuote } from '../go/strconv.js';
import { goJsonKind, goJsonString, goJsonSyntaxError } from '../go/json.js';
import { parseGoDuration } from '../go/time.js';
import { jsonName } from '../proto/descriptor.js';

export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Fields whose value is a proto map: their keys are data, their values are still decoded. */
const MAP_FIELDS = new Set([
  'labels',
  'matchLabels',
  'sourceLabels',
  'annotations',
  'headers',
  'queryParams',
  'withoutHeaders',
  'set',
  'add',
  'to',
  'portLevelMtls',
  'tagOverrides',
  'customTags',
  'environmentVariables',
]);

/** Fields of type google.protobuf.Struct (or opaque JSON): nothing inside is renamed. */
const OPAQUE_FIELDS = new Set(['pluginConfig', 'value', 'config']);

/** protoc's JSON name (jsonpb accepts it and the proto name). */
export const snakeToCamel: (name: string) => string = jsonName;

function normalizeValue(v: unknown, fieldName: string | undefined): unknown {
  if (fieldName !== undefined && OPAQUE_FIELDS.has(fieldName)) return v;
  if (Array.isArray(v)) {
    const out: unknown[] = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = normalizeValue(v[i], undefined);
    return out;
  }
  if (!isObject(v)) return v;
  // `ports` is a list of messages on Gateway/SE but map<string,uint32> on WorkloadEntry/endpoints.
  const isMap = fieldName !== undefined && (MAP_FIELDS.has(fieldName) || fieldName === 'ports');
  if (isMap) {
    const out: JsonObject = {};
    for (const [k, val] of Object.entries(v)) setOwn(out, k, normalizeValue(val, undefined));
    return out;
  }
  return normalizeMessage(v);
}

/** Own-property assignment that stays safe for a `__proto__` key coming from JSON. */
function setOwn(out: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function normalizeMessage(v: JsonObject): JsonObject {
  const out: JsonObject = {};
  let snake: string[] | undefined;
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    if (k.indexOf('_') >= 0) (snake ??= []).push(k);
    else setOwn(out, k, normalizeValue(v[k], k));
  }
  // The exact JSON name wins over the original proto name, as in jsonpb.
  if (snake !== undefined) {
    for (const k of snake) {
      const camel = snakeToCamel(k);
      if (!Object.hasOwn(out, camel)) setOwn(out, camel, normalizeValue(v[k], camel));
    }
  }
  return out;
}

/** Decode a raw `spec`. Missing or null spec is an empty message, as in jsonpb. */
export function normalizeSpec(raw: unknown): JsonObject {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) {
    throw new DecodeError(`json: cannot unmarshal ${goJsonKind(raw)} into Go value of type map[string]json.RawMessage`);
  }
  return normalizeMessage(raw);
}


function typeMismatch(v: unknown, goType: string): DecodeError {
  return new DecodeError(`json: cannot unmarshal ${goJsonKind(v)} into Go value of type ${goType}`);
}

// ---------------------------------------------------------------------------------------------
// Scalar readers. `null` means unset (the readers return undefined), like jsonpb.

export function readString(o: JsonObject, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw typeMismatch(v, 'string');
  return v;
}

export function readBool(o: JsonObject, key: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw typeMismatch(v, 'bool');
  return v;
}

export type IntKind = 'int32' | 'uint32' | 'int64' | 'uint64';
export type NumKind = IntKind | 'float32' | 'float64';

// 64-bit bounds as the nearest doubles: the exact check on the literal is jsonpb.ts's, before any validator reads.
const INT_RANGE: Record<IntKind, [number, number]> = {
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [-(2 ** 63), 2 ** 63],
  uint64: [0, 2 ** 64],
};

/** jsonpb numbers: a JSON number, or a quoted number (legacy trimQuote behaviour). */
export function toNumber(v: unknown, kind: NumKind): number {
  let n: number;
  if (typeof v === 'number') {
    n = v;
  } else if (typeof v === 'string') {
    if ((kind === 'float32' || kind === 'float64') && ['NaN', 'Infinity', '-Infinity'].includes(v)) return Number(v);
    // jsonpb strips the quotes and hands the rest to encoding/json.
    const text = goJsonString(v).slice(1, -1);
    const syntax = goJsonSyntaxError(text);
    if (syntax !== undefined) throw new DecodeError(syntax);
    const parsed: unknown = JSON.parse(text);
    if (parsed === null) return 0;
    if (typeof parsed !== 'number') throw typeMismatch(parsed, kind === 'float32' ? 'float32' : kind === 'float64' ? 'float64' : kind);
    n = parsed;
  } else {
    throw typeMismatch(v, kind === 'float32' ? 'float32' : kind === 'float64' ? 'float64' : kind);
  }
  if (kind === 'float32' || kind === 'float64') return n;
  const [lo, hi] = INT_RANGE[kind];
  if (!Number.isInteger(n) || n < lo || n > hi) {
    throw new DecodeError(`json: cannot unmarshal number ${String(n)} into Go value of type ${kind}`);
  }
  return n;
}

export function readNumber(o: JsonObject, key: string, kind: NumKind): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return toNumber(v, kind);
}

/**
 * An enum field: returns the canonical value name. Numbers are accepted (open enums); unknown
 * numbers come back as their decimal string, which is also what Go's String() prints.
 */
export function readEnum(o: JsonObject, key: string, enumName: string, values: readonly string[]): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    if (!values.includes(v)) throw new DecodeError(`unknown value ${goQuote(goJsonString(v))} for enum ${enumName}`);
    return v;
  }
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new DecodeError(`json: cannot unmarshal number ${String(v)} into Go value of type protoreflect.EnumNumber`);
    }
    return values[v] ?? String(v);
  }
  throw typeMismatch(v, 'protoreflect.EnumNumber');
}

export function readMessage(o: JsonObject, key: string): JsonObject | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw typeMismatch(v, 'map[string]json.RawMessage');
  return v;
}

/**
 * A repeated field. An empty JSON list comes back as undefined: jsonpb leaves the Go slice nil
 * for `[]`, so Istio's `x != nil` checks cannot tell `[]` from an absent field either.
 */
function readArray(o: JsonObject, key: string): unknown[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw typeMismatch(v, '[]json.RawMessage');
  return v.length === 0 ? undefined : v;
}

/** Repeated message: a null element decodes to an empty message in jsonpb. */
export function readMessageList(o: JsonObject, key: string): JsonObject[] | undefined {
  const arr = readArray(o, key);
  if (arr === undefined) return undefined;
  const out: JsonObject[] = [];
  for (const e of arr) {
    if (e === null) out.push({});
    else if (!isObject(e)) throw typeMismatch(e, 'map[string]json.RawMessage');
    else out.push(e);
  }
  return out;
}

/** Repeated string: a null element decodes to "". */
export function readStringList(o: JsonObject, key: string): string[] | undefined {
  const arr = readArray(o, key);
  if (arr === undefined) return undefined;
  const out: string[] = [];
  for (const e of arr) {
    if (e === null) out.push('');
    else if (typeof e !== 'string') throw typeMismatch(e, 'string');
    else out.push(e);
  }
  return out;
}

export function readNumberList(o: JsonObject, key: string, kind: NumKind): number[] | undefined {
  const arr = readArray(o, key);
  if (arr === undefined) return undefined;
  return arr.map((e) => (e === null ? 0 : toNumber(e, kind)));
}

/** map<string,string>: null values decode to "". */
export function readStringMap(o: JsonObject, key: string): Record<string, string> | undefined {
  const m = readMessage(o, key);
  if (m === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) {
    if (v === null) out[k] = '';
    else if (typeof v !== 'string') throw typeMismatch(v, 'string');
    else out[k] = v;
  }
  return out;
}

/** map<string, Message>. A null value stays null so validators can report it. */
export function readMessageMap(o: JsonObject, key: string): Record<string, JsonObject | null> | undefined {
  const m = readMessage(o, key);
  if (m === undefined) return undefined;
  const out: Record<string, JsonObject | null> = {};
  for (const [k, v] of Object.entries(m)) {
    if (v === null) out[k] = null;
    else if (!isObject(v)) throw typeMismatch(v, 'map[string]json.RawMessage');
    else out[k] = v;
  }
  return out;
}

export function readNumberMap(o: JsonObject, key: string, kind: NumKind): Record<string, number> | undefined {
  const m = readMessage(o, key);
  if (m === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m)) out[k] = v === null ? 0 : toNumber(v, kind);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Durations

/** A google.protobuf.Duration as jsonpb stores it. */
export interface Duration {
  readonly seconds: number;
  readonly nanos: number;
}


export function readDuration(o: JsonObject, key: string): Duration | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw typeMismatch(v, 'string');
  let ns: bigint;
  try {
    ns = parseGoDuration(v);
  } catch (e) {
    throw new DecodeError(`bad Duration: ${e instanceof Error ? e.message : String(e)}`);
  }
  const seconds = ns / 1000000000n;
  const nanos = ns % 1000000000n;
  return { seconds: Number(seconds), nanos: Number(nanos) };
}
