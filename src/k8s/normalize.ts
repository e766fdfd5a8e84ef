/**
 * normalizeAs(type, value) = the JSON Go produces for json.Marshal(json.Unmarshal(value, &T{})):
 * unknown fields dropped, omitempty/omitzero honoured, non-pointer structs always present,
 * quantities canonicalised, IntOrString kept as int or string, null into a non-pointer = zero value.
 * Done in one pass (decode and encode fused) because the injector runs it per request.
 */
import { K8sError } from './errors.js';
import { type GoField, type GoType, goStruct, goTypeString, resolveTypeName } from './gotypes.js';
import { type JsonObject, type JsonValue, MAX_JSON_DEPTH, cloneJson, goJsonKind, isJsonObject, jsonDepth, setOwn } from './json.js';
import { canonicalQuantity } from './quantity.js';
import { TimeParseError, formatRfc3339, parseRfc3339 } from './rfc3339.js';

/** Decoding context for Go-style error messages: innermost struct + JSON field path from the root. */
interface Ctx {
  readonly struct: string;
  readonly path: string;
  /** encoding/json keeps going after a type mismatch and reports the first one at the end. */
  readonly saved: { first?: K8sError };
}

/** A type mismatch: recorded, decoding continues (errors from Unmarshalers abort instead). */
class TypeMismatch extends K8sError {}

const INT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER * 1024, Number.MAX_SAFE_INTEGER * 1024],
  int: [Number.MIN_SAFE_INTEGER * 1024, Number.MAX_SAFE_INTEGER * 1024],
};

function mismatchMessage(ctx: Ctx, what: string, type: string): string {
  const where = ctx.path === '' ? `Go value` : `Go struct field ${ctx.struct}.${ctx.path}`;
  return `json: cannot unmarshal ${what} into ${where} of type ${type}`;
}

function typeError(ctx: Ctx, value: unknown, t: GoType, detail?: string): never {
  throw new TypeMismatch('type', mismatchMessage(ctx, detail ?? goJsonKind(value), goTypeString(t)));
}

/** Runs one value's decoding; a type mismatch is saved (first wins) and yields undefined. */
function guarded(ctx: Ctx, run: () => JsonValue): JsonValue | undefined {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof TypeMismatch)) throw e;
    ctx.saved.first ??= e;
    return undefined;
  }
}

const sub = (ctx: Ctx, json: string, struct?: string): Ctx => ({
  struct: struct ?? ctx.struct,
  path: ctx.path === '' ? json : `${ctx.path}.${json}`,
  saved: ctx.saved,
});

/** JSON of the zero value of t (what Go marshals for a field nothing was decoded into). */
function zeroJson(t: GoType): JsonValue {
  switch (t.k) {
    case 'scalar':
      return t.go === 'string' ? '' : t.go === 'bool' ? false : 0;
    case 'quantity':
      return '0';
    case 'intOrString':
      return 0;
    case 'struct': {
      let z = zeroStructs.get(t.name);
      if (z === undefined) {
        z = encodeStruct(t.name, {}, { struct: t.name, path: '', saved: {} });
        zeroStructs.set(t.name, z);
      }
      return cloneJson(z);
    }
    default:
      return null;
  }
}

/** Zero values of structs, computed once: `resources: {}`, `status: {...}` are emitted constantly. */
const zeroStructs = new Map<string, JsonObject>();

/** Is the decoded-then-encoded value the Go zero value for omitempty purposes? */
function isEmptyForOmit(t: GoType, encoded: JsonValue): boolean {
  switch (t.k) {
    case 'scalar':
      return encoded === '' || encoded === 0 || encoded === false;
    case 'ptr':
    case 'raw':
      return encoded === null;
    case 'bytes':
      return encoded === null || encoded === '';
    case 'list':
      return encoded === null || (Array.isArray(encoded) && encoded.length === 0);
    case 'map':
      return encoded === null || (isJsonObject(encoded) && Object.keys(encoded).length === 0);
    default:
      // Structs (incl. Quantity, IntOrString, Time) are never "empty" to omitempty.
      return false;
  }
}

function isZeroStruct(t: GoType, encoded: JsonValue): boolean {
  if (t.k === 'time') return encoded === null;
  if (t.k === 'struct') return isJsonObject(encoded) && deepEqualJson(encoded, zeroJson(t));
  return isEmptyForOmit(t, encoded);
}

function deepEqualJson(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqualJson(x, b[i]!));
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  return ak.every((k) => Object.hasOwn(bo, k) && deepEqualJson(ao[k]!, bo[k]!));
}

function encodeScalar(go: GoType & { k: 'scalar' }, v: unknown, ctx: Ctx): JsonValue {
  if (v === null) return zeroJson(go);
  if (go.go === 'string') {
    if (typeof v !== 'string') typeError(ctx, v, go);
    return v;
  }
  if (go.go === 'bool') {
    if (typeof v !== 'boolean') typeError(ctx, v, go);
    return v;
  }
  if (typeof v !== 'number') typeError(ctx, v, go);
  if (go.go === 'float64') return v;
  const range = INT_RANGES[go.go]!;
  if (!Number.isInteger(v) || v < range[0] || v > range[1]) typeError(ctx, v, go, `number ${String(v)}`);
  return v;
}

function encodeTime(v: unknown, ctx: Ctx): JsonValue {
  if (v === null) return null;
  // metav1.Time.UnmarshalJSON decodes into a string first; its error aborts decoding.
  if (typeof v !== 'string') throw new K8sError('type', mismatchMessage(ctx, goJsonKind(v), 'string'));
  let ms: number;
  try {
    ms = parseRfc3339(v);
  } catch (e) {
    if (e instanceof TimeParseError) throw new K8sError('type', e.message);
    throw e;
  }
  return formatRfc3339(ms);
}

function encode(t: GoType, v: unknown, ctx: Ctx): JsonValue {
  switch (t.k) {
    case 'scalar':
      return encodeScalar(t, v, ctx);
    case 'quantity':
      if (v === null) return '0';
      if (typeof v !== 'string' && typeof v !== 'number') {
        throw new K8sError('type', canonicalQuantityError(v));
      }
      return canonicalQuantity(v);
    case 'intOrString':
      if (v === null) return 0;
      if (typeof v === 'string') return v;
      if (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) return v;
      // IntOrString.UnmarshalJSON's own error: aborts decoding, gets the field context added.
      throw new K8sError('type', mismatchMessage(ctx, typeof v === 'number' ? `number ${String(v)}` : goJsonKind(v), 'int32'));
    case 'time':
      return encodeTime(v, ctx);
    case 'raw':
      return v === undefined ? null : (v as JsonValue);
    case 'bytes':
      if (v === null) return null;
      if (typeof v !== 'string') typeError(ctx, v, t);
      return v;
    case 'ptr':
      if (v === null) return null;
      return encode(t.elem, v, ctx);
    case 'list': {
      if (v === null) return null;
      if (!Array.isArray(v)) typeError(ctx, v, t);
      const out: JsonValue[] = new Array<JsonValue>(v.length);
      for (let i = 0; i < v.length; i++) out[i] = guarded(ctx, () => encode(t.elem, v[i], ctx)) ?? zeroJson(t.elem);
      return out;
    }
    case 'map': {
      if (v === null) return null;
      if (!isJsonObject(v)) typeError(ctx, v, t);
      const out: JsonObject = {};
      for (const k of Object.keys(v)) setOwn(out, k, guarded(ctx, () => encode(t.elem, v[k], ctx)) ?? zeroJson(t.elem));
      return out;
    }
    case 'struct':
      if (v === null) return zeroJson(t);
      if (!isJsonObject(v)) typeError(ctx, v, t);
      return encodeStruct(t.name, v, ctx);
  }
}

function canonicalQuantityError(v: unknown): string {
  try {
    canonicalQuantity(JSON.stringify(v));
  } catch (e) {
    if (e instanceof Error) return e.message;
  }
  return `cannot unmarshal ${goJsonKind(v)} into resource.Quantity`;
}

function matchField(fields: ReadonlyMap<string, GoField>, lower: ReadonlyMap<string, GoField>, key: string) {
  return fields.get(key) ?? lower.get(key.toLowerCase());
}

function encodeStruct(name: string, input: JsonObject, ctx: Ctx): JsonObject {
  const s = goStruct(name);
  // Decode in document order (errors surface in the order Go meets them); a repeated field keeps
  // the last value, exactly like encoding/json assigning keys one after another.
  const decoded = new Map<GoField, JsonValue>();
  for (const key of Object.keys(input)) {
    const f = matchField(s.byJson, s.byLowerJson, key);
    if (!f) continue;
    // Go names a promoted field's path through the embedded struct (`ProbeHandler.httpGet`).
    const step = f.embeddedIn !== undefined ? `${f.embeddedIn}.${f.json}` : f.json;
    const value = guarded(ctx, () => encode(f.type, input[key], sub(ctx, step, name)));
    if (value !== undefined) decoded.set(f, value);
  }
  const out: JsonObject = {};
  for (const f of s.fields) {
    const encoded = decoded.has(f) ? decoded.get(f)! : zeroJson(f.type);
    if (f.omitzero && isZeroStruct(f.type, encoded)) continue;
    if (f.omitempty && isEmptyForOmit(f.type, encoded)) continue;
    out[f.json] = encoded;
  }
  return out;
}

/**
 * The JSON Go's encoding/json gives for `json.Marshal(json.Unmarshal(value) as typeName)`.
 * typeName is a table name (Pod, PodSpec, Container, Deployment, ..., DeploymentConfig).
 * Throws K8sError('type') with Go's message on a type mismatch. Does not mutate value.
 */
export function normalizeAs(typeName: string, value: unknown): JsonObject {
  const name = resolveTypeName(typeName);
  const t: GoType = { k: 'struct', name };
  if (value === null) return zeroJson(t) as JsonObject;
  const ctx: Ctx = { struct: name, path: '', saved: {} };
  if (jsonDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new K8sError('type', `json: exceeded max depth (${MAX_JSON_DEPTH} levels)`);
  }
  if (!isJsonObject(value)) throw new K8sError('type', mismatchMessage(ctx, goJsonKind(value), goTypeString(t)));
  const out = encodeStruct(name, value, ctx);
  if (ctx.saved.first) throw new K8sError('type', ctx.saved.first.message);
  return out;
}
