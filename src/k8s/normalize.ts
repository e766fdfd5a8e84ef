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

/**
 * Decoding state. The field path is a stack pushed and popped as the walk descends, so no path string
 * is built unless an error message needs one.
 */
interface Ctx {
  /** JSON field names from the root to the value being decoded (list indices and map keys are not part of Go's path). */
  readonly path: string[];
  /** The struct that holds the innermost field on `path`. */
  struct: string;
  /** encoding/json keeps going after a type mismatch and reports the first one at the end. */
  first: K8sError | undefined;
  /** Return an input object or list itself wherever it is already what Go would marshal. */
  readonly share: boolean;
}

/** A type mismatch: recorded, decoding continues (errors from Unmarshalers abort instead). */
class TypeMismatch extends K8sError {}

const INT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER * 1024, Number.MAX_SAFE_INTEGER * 1024],
  int: [Number.MIN_SAFE_INTEGER * 1024, Number.MAX_SAFE_INTEGER * 1024],
};

function mismatchMessage(ctx: Ctx, what: string, type: string): string {
  const where = ctx.path.length === 0 ? `Go value` : `Go struct field ${ctx.struct}.${ctx.path.join('.')}`;
  return `json: cannot unmarshal ${what} into ${where} of type ${type}`;
}

function typeError(ctx: Ctx, value: unknown, t: GoType, detail?: string): never {
  throw new TypeMismatch('type', mismatchMessage(ctx, detail ?? goJsonKind(value), goTypeString(t)));
}

/** A saved mismatch (the first wins); anything else aborts the decode. */
function save(ctx: Ctx, e: unknown): void {
  if (!(e instanceof TypeMismatch)) throw e;
  ctx.first ??= e;
}

/** Decodes v (JSON as received) into Go's type and returns what Go would marshal back. */
type Encoder = (v: unknown, ctx: Ctx) => JsonValue;

/** How a field's encoded value is tested for omitempty (Go's isEmptyValue by kind). */
const enum Empty {
  Never,
  Scalar,
  Null,
  NullOrEmptyString,
  NullOrEmptyList,
  NullOrEmptyMap,
}

function emptyKind(t: GoType): Empty {
  switch (t.k) {
    case 'scalar':
      return Empty.Scalar;
    case 'ptr':
    case 'raw':
      return Empty.Null;
    case 'bytes':
      return Empty.NullOrEmptyString;
    case 'list':
      return Empty.NullOrEmptyList;
    case 'map':
      return Empty.NullOrEmptyMap;
    default:
      // Structs (incl. Quantity, IntOrString, Time) are never "empty" to omitempty.
      return Empty.Never;
  }
}

function isEmpty(kind: Empty, encoded: JsonValue): boolean {
  switch (kind) {
    case Empty.Never:
      return false;
    case Empty.Scalar:
      return encoded === '' || encoded === 0 || encoded === false;
    case Empty.Null:
      return encoded === null;
    case Empty.NullOrEmptyString:
      return encoded === null || encoded === '';
    case Empty.NullOrEmptyList:
      return encoded === null || (Array.isArray(encoded) && encoded.length === 0);
    case Empty.NullOrEmptyMap:
      return encoded === null || (isJsonObject(encoded) && Object.keys(encoded).length === 0);
  }
}

/** JSON of the zero value of t (what Go marshals for a field nothing was decoded into). */
function zeroJson(t: GoType): JsonValue {
  switch (t.k) {
    case 'scalar':
      return t.go === 'string' ? '' : t.go === 'bool' ? false : 0;
    case 'quantity':
      return '0';
    case 'intOrString':
      return 0;
    case 'struct':
      return cloneJson(zeroStruct(t.name));
    default:
      return null;
  }
}

/** Zero values of structs, computed once: `resources: {}`, `status: {...}` are emitted constantly. */
const zeroStructs = new Map<string, JsonObject>();

function zeroStruct(name: string): JsonObject {
  let z = zeroStructs.get(name);
  if (z === undefined) {
    z = structEncoder(name).encode({}, { path: [], struct: name, first: undefined, share: false });
    zeroStructs.set(name, z);
  }
  return z;
}

function isZeroForOmit(t: GoType, encoded: JsonValue): boolean {
  if (t.k === 'time') return encoded === null;
  if (t.k === 'struct') return isJsonObject(encoded) && deepEqualJson(encoded, zeroStruct(t.name));
  return isEmpty(emptyKind(t), encoded);
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

function scalarEncoder(t: GoType & { k: 'scalar' }): Encoder {
  const zero = zeroJson(t);
  switch (t.go) {
    case 'string':
      return (v, ctx) => {
        if (typeof v === 'string') return v;
        if (v === null) return zero;
        return typeError(ctx, v, t);
      };
    case 'bool':
      return (v, ctx) => {
        if (typeof v === 'boolean') return v;
        if (v === null) return zero;
        return typeError(ctx, v, t);
      };
    case 'float64':
      return (v, ctx) => {
        if (typeof v === 'number') return v;
        if (v === null) return zero;
        return typeError(ctx, v, t);
      };
    default: {
      const [lo, hi] = INT_RANGES[t.go]!;
      return (v, ctx) => {
        if (v === null) return zero;
        if (typeof v !== 'number') return typeError(ctx, v, t);
        if (!Number.isInteger(v) || v < lo || v > hi) typeError(ctx, v, t, `number ${String(v)}`);
        return v;
      };
    }
  }
}

/** The value test of scalarEncoder's identity cases: typed right, in range, and not an omitted zero. */
function scalarKeptAsIs(t: GoType & { k: 'scalar' }, omitsZero: boolean): (v: unknown) => boolean {
  switch (t.go) {
    case 'string':
      return omitsZero ? (v) => typeof v === 'string' && v !== '' : (v) => typeof v === 'string';
    case 'bool':
      return omitsZero ? (v) => v === true : (v) => typeof v === 'boolean';
    case 'float64':
      return (v) => typeof v === 'number' && !(omitsZero && v === 0);
    default: {
      const [lo, hi] = INT_RANGES[t.go]!;
      return (v) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi && !(omitsZero && v === 0);
    }
  }
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

function encodeQuantity(v: unknown): JsonValue {
  if (v === null) return '0';
  if (typeof v !== 'string' && typeof v !== 'number') throw new K8sError('type', canonicalQuantityError(v));
  return canonicalQuantity(v);
}

function encodeIntOrString(v: unknown, ctx: Ctx): JsonValue {
  if (v === null) return 0;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) return v;
  // IntOrString.UnmarshalJSON's own error: aborts decoding, gets the field context added.
  throw new K8sError('type', mismatchMessage(ctx, typeof v === 'number' ? `number ${String(v)}` : goJsonKind(v), 'int32'));
}

const encodeRaw: Encoder = (v) => (v === undefined ? null : (v as JsonValue));

/** One encoder per type shape, built on first use (struct encoders are shared by name, so recursive types work). */
function encoderFor(t: GoType): Encoder {
  switch (t.k) {
    case 'scalar':
      return scalarEncoder(t);
    case 'quantity':
      return encodeQuantity;
    case 'intOrString':
      return encodeIntOrString;
    case 'time':
      return encodeTime;
    case 'raw':
      return encodeRaw;
    case 'bytes':
      return (v, ctx) => {
        if (v === null) return null;
        if (typeof v !== 'string') typeError(ctx, v, t);
        return v;
      };
    case 'ptr': {
      const elem = lazyEncoder(t.elem);
      return (v, ctx) => (v === null ? null : elem.run(v, ctx));
    }
    case 'list': {
      const elem = lazyEncoder(t.elem);
      const encoder: Encoder = (v, ctx) => {
        if (v === null) return null;
        if (!Array.isArray(v)) return typeError(ctx, v, t);
        if (ctx.share && normalLists.get(v) === encoder) return v as JsonValue[];
        const out: JsonValue[] = new Array<JsonValue>(v.length);
        let same = ctx.share;
        for (let i = 0; i < v.length; i++) {
          try {
            out[i] = elem.run(v[i], ctx);
          } catch (e) {
            save(ctx, e);
            out[i] = zeroJson(t.elem);
          }
          same &&= out[i] === v[i];
        }
        if (!same) return out;
        normalLists.set(v, encoder);
        return v as JsonValue[];
      };
      return encoder;
    }
    case 'map': {
      const elem = lazyEncoder(t.elem);
      return (v, ctx) => {
        if (v === null) return null;
        if (!isJsonObject(v)) return typeError(ctx, v, t);
        const out: JsonObject = {};
        let same = ctx.share;
        for (const k of Object.keys(v)) {
          let value: JsonValue;
          try {
            value = elem.run(v[k], ctx);
          } catch (e) {
            save(ctx, e);
            value = zeroJson(t.elem);
          }
          same &&= value === v[k];
          setOwn(out, k, value);
        }
        return same ? v : out;
      };
    }
    case 'struct': {
      let enc: StructEncoder | undefined;
      return (v, ctx) => {
        if (v === null) return zeroJson(t);
        if (!isJsonObject(v)) return typeError(ctx, v, t);
        return (enc ??= structEncoder(t.name)).encode(v, ctx);
      };
    }
  }
}

/**
 * Lists found already in Go's form by a sharing decode, with the encoder that checked them. The injector
 * decodes the received pod and later the injected one, which shares the user's lists (2,000 env vars in
 * Istio's benchmark pod) with it: the second decode returns them at once. Only a sharing decode reads or
 * writes this, and its callers never edit what it shared.
 */
const normalLists = new WeakMap<object, Encoder>();

/** Compiles the element's encoder when it is first run: struct types refer to themselves (JSONSchemaProps). */
function lazyEncoder(t: GoType): { run: Encoder } {
  const holder = {
    run: ((v, ctx) => {
      holder.run = encoderFor(t);
      return holder.run(v, ctx);
    }) as Encoder,
  };
  return holder;
}

interface CompiledField {
  readonly json: string;
  /** The field's step in Go's error path: a promoted field is named through its embedded struct (`ProbeHandler.httpGet`). */
  readonly step: string;
  readonly type: GoType;
  readonly index: number;
  readonly encoder: { run: Encoder };
  readonly empty: Empty | undefined;
  readonly omitzero: boolean;
  /** The value Go emits when nothing was decoded into the field, or undefined when it is omitted then. */
  readonly absent: (() => JsonValue) | undefined;
  /** For a scalar field: whether a value decodes and encodes to itself and is kept (not an omitted zero). */
  readonly keepsAsIs: ((v: unknown) => boolean) | undefined;
}

interface StructEncoder {
  encode(input: JsonObject, ctx: Ctx): JsonObject;
}

const structEncoders = new Map<string, StructEncoder>();

/**
 * Objects a sharing decode found already in Go's form, with the struct encoder that checked them: the parts
 * of cached template patches, which every injected pod shares, and the parts of the received pod, which the
 * injected pod shares (its containers, volumes, ...), so the second decode returns them at once. As for
 * normalLists, callers of a sharing decode never edit what it shared.
 */
const normalObjects = new WeakMap<object, StructEncoder>();

/**
 * Frozen objects that are not in Go's form (template YAML order, say), with what a sharing decode made of
 * them: they cannot change, so neither can their decoding, and a cached template part is decoded once.
 */
const frozenDecoded = new WeakMap<object, { enc: StructEncoder; out: JsonObject }>();

function structEncoder(name: string): StructEncoder {
  const hit = structEncoders.get(name);
  if (hit) return hit;
  const s = goStruct(name);
  const fields: CompiledField[] = s.fields.map((f, index) => ({
    json: f.json,
    step: f.embeddedIn !== undefined ? `${f.embeddedIn}.${f.json}` : f.json,
    type: f.type,
    index,
    encoder: lazyEncoder(f.type),
    empty: f.omitempty ? emptyKind(f.type) : undefined,
    omitzero: f.omitzero,
    absent: absentValue(f),
    keepsAsIs: f.type.k === 'scalar' ? scalarKeptAsIs(f.type, f.omitempty || f.omitzero) : undefined,
  }));
  const byJson = new Map(fields.map((f) => [f.json, f]));
  const byLower = new Map<string, CompiledField>();
  for (const [lower, f] of s.byLowerJson) byLower.set(lower, fields[s.fields.indexOf(f)]!);
  const match = (key: string): CompiledField | undefined => byJson.get(key) ?? byLower.get(key.toLowerCase());
  const alwaysEmitted = fields.filter((f) => f.absent !== undefined).length;
  /**
   * A sharing decode's fast path for objects whose present fields are all scalars (EnvVar, ContainerPort, ...;
   * 2,000 env vars in Istio's benchmark pod): keys in Go's order, each value its own encoding, every field Go
   * always emits present. Then the decode would give the input back; anything else takes the full decode.
   */
  const alreadyGoForm = (input: JsonObject): boolean => {
    let last = -1;
    let emitted = 0;
    for (const key in input) {
      const f = byJson.get(key);
      if (f === undefined || f.index <= last || f.keepsAsIs === undefined || !f.keepsAsIs(input[key])) return false;
      last = f.index;
      if (f.absent !== undefined) emitted++;
    }
    return emitted === alwaysEmitted;
  };
  const enc: StructEncoder = {
    encode(input, ctx) {
      if (ctx.share) {
        if (normalObjects.get(input) === enc) return input;
        const memo = frozenDecoded.get(input);
        if (memo?.enc === enc) return memo.out;
        if (alreadyGoForm(input)) return input;
      }
      // Decode in document order (errors surface in the order Go meets them); a repeated field keeps
      // the last value, exactly like encoding/json assigning keys one after another.
      let decoded: Array<JsonValue | undefined> | undefined;
      const outer = ctx.struct;
      const keys = Object.keys(input);
      for (const key of keys) {
        const f = match(key);
        if (f === undefined) continue;
        ctx.path.push(f.step);
        ctx.struct = name;
        try {
          const value = f.encoder.run(input[key], ctx);
          (decoded ??= new Array<JsonValue | undefined>(fields.length))[f.index] = value;
        } catch (e) {
          save(ctx, e);
        } finally {
          ctx.path.pop();
          ctx.struct = outer;
        }
      }
      const out: JsonObject = {};
      for (const f of fields) {
        const value = decoded?.[f.index];
        if (value === undefined) {
          if (f.absent !== undefined) out[f.json] = f.absent();
          continue;
        }
        if (f.omitzero && isZeroForOmit(f.type, value)) continue;
        if (f.empty !== undefined && isEmpty(f.empty, value)) continue;
        out[f.json] = value;
      }
      if (!ctx.share) return out;
      if (sameObject(input, keys, out)) {
        normalObjects.set(input, enc);
        return input;
      }
      // Only an error-free decode is remembered: a failing one throws before it is ever shared.
      if (Object.isFrozen(input) && ctx.first === undefined) frozenDecoded.set(input, { enc, out });
      return out;
    },
  };
  structEncoders.set(name, enc);
  return enc;
}

/** out has input's keys, in input's order, with the very same values. */
function sameObject(input: JsonObject, keys: readonly string[], out: JsonObject): boolean {
  let i = 0;
  for (const k in out) {
    if (keys[i] !== k || input[k] !== out[k]) return false;
    i++;
  }
  return i === keys.length;
}

/** What an undecoded field contributes: omitted when its zero value would be, else a fresh zero value. */
function absentValue(f: GoField): (() => JsonValue) | undefined {
  const t = f.type;
  if (t.k === 'struct') {
    // A zero struct is omitted by omitzero only; its value depends on the struct's own fields.
    if (f.omitzero) return undefined;
    return () => cloneJson(zeroStruct(t.name));
  }
  const zero = zeroJson(t);
  if (f.omitzero && isZeroForOmit(t, zero)) return undefined;
  if (f.omitempty && isEmpty(emptyKind(t), zero)) return undefined;
  return () => zero;
}

function canonicalQuantityError(v: unknown): string {
  try {
    canonicalQuantity(JSON.stringify(v));
  } catch (e) {
    if (e instanceof Error) return e.message;
  }
  return `cannot unmarshal ${goJsonKind(v)} into resource.Quantity`;
}

export interface NormalizeOptions {
  /** The caller has already bounded the value's nesting (MAX_JSON_DEPTH). */
  depthChecked?: boolean;
  /**
   * Share with the input every object and list that is already in Go's form (same keys, same order, same
   * values), so that a later diff against it skips them by identity. The caller must then treat the result
   * as read-only where it came from the input.
   */
  share?: boolean;
}

/**
 * The JSON Go's encoding/json gives for `json.Marshal(json.Unmarshal(value) as typeName)`.
 * typeName is a table name (Pod, PodSpec, Container, Deployment, ..., DeploymentConfig).
 * Throws K8sError('type') with Go's message on a type mismatch. Does not mutate value.
 */
export function normalizeAs(typeName: string, value: unknown, opts: NormalizeOptions = {}): JsonObject {
  const name = resolveTypeName(typeName);
  const t: GoType = { k: 'struct', name };
  if (value === null) return zeroJson(t) as JsonObject;
  const ctx: Ctx = { path: [], struct: name, first: undefined, share: opts.share === true };
  if (opts.depthChecked !== true && jsonDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new K8sError('type', `json: exceeded max depth (${MAX_JSON_DEPTH} levels)`);
  }
  if (!isJsonObject(value)) throw new K8sError('type', mismatchMessage(ctx, goJsonKind(value), goTypeString(t)));
  const out = structEncoder(name).encode(value, ctx);
  if (ctx.first) throw new K8sError('type', ctx.first.message);
  return out;
}
