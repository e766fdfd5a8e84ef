/**
 * The value model shared by the template engine and whoever builds template data.
 *
 * Go's text/template works on reflect.Values; we map Go kinds onto JS values:
 *   undefined          Go's invalid reflect.Value (a missing map key); prints `<no value>`
 *   null               a nil interface{} (JSON null); prints `<nil>` when it reaches fmt
 *   string             string
 *   boolean            bool
 *   bigint             int / int64 (template integer literals, len, add, atoi ...)
 *   number             float64 (every JSON number)
 *   Array              []interface{}
 *   plain object       map[string]interface{}
 *   GoStringMap        map[string]string (possibly a nil map)
 *   GoStruct           a struct (or pointer to struct when its type name starts with `*`)
 *   GoNilPointer       a typed nil pointer whose methods may still be called
 *   GoEnum             a protobuf enum: an int32 that prints its name
 */

export type GoMethod = (...args: unknown[]) => unknown;
export type GoMethods = Readonly<Record<string, GoMethod>>;

/** How one struct field is encoded by encoding/json. */
export interface JsonFieldSpec {
  /** Go field name as it appears in `fields`. */
  readonly field: string;
  /** The json tag name. */
  readonly json: string;
  readonly omitempty?: boolean;
}

export interface GoStructOptions {
  readonly methods?: GoMethods;
  /**
   * encoding/json layout in Go declaration order. Without it every field is encoded under its
   * Go name in insertion order, which is what Go does for untagged structs.
   */
  readonly json?: readonly JsonFieldSpec[];
  /** Full override for JSON encoding (e.g. protobuf messages with custom marshalers). */
  readonly toJSON?: () => unknown;
}

export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: Readonly<Record<string, unknown>>,
    readonly methods: GoMethods = {},
    readonly jsonSpec: readonly JsonFieldSpec[] | undefined = undefined,
    readonly jsonHook: (() => unknown) | undefined = undefined,
  ) {}
}

export function goStruct(
  typeName: string,
  fields: Readonly<Record<string, unknown>>,
  options: GoStructOptions | GoMethods = {},
): GoStruct {
  const opts = isStructOptions(options) ? options : { methods: options };
  return new GoStruct(typeName, fields, opts.methods ?? {}, opts.json, opts.toJSON);
}

function isStructOptions(o: GoStructOptions | GoMethods): o is GoStructOptions {
  const keys = Object.keys(o);
  return keys.length === 0 || keys.every((k) => k === 'methods' || k === 'json' || k === 'toJSON');
}

/** A typed nil pointer such as a nil `*wrappers.BoolValue`: falsy, prints `<nil>`, methods work. */
export class GoNilPointer {
  constructor(
    readonly typeName: string,
    readonly methods: GoMethods = {},
    /** Field names of the pointed-to struct; lets field access pick Go's exact error. */
    readonly knownFields: readonly string[] | undefined = undefined,
  ) {}
}

export function goNil(typeName: string, methods: GoMethods = {}, knownFields?: readonly string[]): GoNilPointer {
  return new GoNilPointer(typeName, methods, knownFields);
}

/** map[string]string. `entries === null` is a nil map: reads work, it ranges empty. */
export class GoStringMap {
  constructor(readonly entries: Readonly<Record<string, string>> | null) {}
  get(key: string): string | undefined {
    if (this.entries === null || !Object.prototype.hasOwnProperty.call(this.entries, key)) return undefined;
    return this.entries[key];
  }
  has(key: string): boolean {
    return this.entries !== null && Object.prototype.hasOwnProperty.call(this.entries, key);
  }
  keys(): string[] {
    return this.entries === null ? [] : Object.keys(this.entries);
  }
  get size(): number {
    return this.entries === null ? 0 : Object.keys(this.entries).length;
  }
}

export function goStringMap(entries: Readonly<Record<string, string>> | null | undefined): GoStringMap {
  return new GoStringMap(entries ?? null);
}

/** A protobuf enum value: compares as an int32, prints its name, has `.String`. */
export class GoEnum {
  constructor(
    readonly typeName: string,
    readonly value: number,
    readonly name: string,
  ) {}
}

export function goEnum(typeName: string, value: number, name: string): GoEnum {
  return new GoEnum(typeName, value, name);
}

/**
 * An integer of a named Go integer type other than int (sprig's arithmetic returns int64). It compares
 * and prints like any int, but is not assignable to an `int` parameter — Go's "expected int; got int64".
 */
export class GoTypedInt {
  constructor(
    readonly type: string,
    readonly value: bigint,
  ) {}
}

export function goInt64(v: bigint): GoTypedInt {
  return new GoTypedInt('int64', BigInt.asIntN(64, v));
}

/** The integer inside an int-kinded value (int, int64, enums), or undefined for other kinds. */
export function intValue(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (v instanceof GoTypedInt) return v.value;
  if (v instanceof GoEnum) return BigInt(v.value);
  return undefined;
}

/** A `*durationpb.Duration` (fields Seconds and Nanos) for `formatDuration`. */
export function goDuration(seconds: bigint | number, nanos: bigint | number = 0): GoStruct {
  const s = BigInt(seconds);
  const n = BigInt(nanos);
  return goStruct(
    '*durationpb.Duration',
    { Seconds: s, Nanos: n },
    {
      methods: { GetSeconds: () => s, GetNanos: () => n },
      json: [
        { field: 'Seconds', json: 'seconds', omitempty: true },
        { field: 'Nanos', json: 'nanos', omitempty: true },
      ],
    },
  );
}

export function isDuration(v: unknown): v is GoStruct {
  return v instanceof GoStruct && v.typeName === '*durationpb.Duration';
}

/** A plain JS object standing for map[string]interface{}. */
export function isPlainMap(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** Go's reflect type name, as it appears in error messages. */
export function goTypeName(v: unknown): string {
  if (v === undefined) return '<invalid Value>';
  if (v === null) return 'interface {}';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float64';
    case 'function':
      return 'func';
  }
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof GoStringMap) return 'map[string]string';
  if (v instanceof GoStruct || v instanceof GoNilPointer || v instanceof GoEnum) return v.typeName;
  if (v instanceof GoTypedInt) return v.type;
  if (isPlainMap(v)) return 'map[string]interface {}';
  return 'interface {}';
}

/** Basic kinds as used by Go's comparison functions. */
export type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'invalid' | 'other';

export function basicKind(v: unknown): BasicKind {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'undefined':
      return 'invalid';
  }
  if (v === null) return 'invalid';
  if (v instanceof GoEnum || v instanceof GoTypedInt) return 'int';
  return 'other';
}

/** Go's template.IsTrue. */
export function isTrue(v: unknown): boolean {
  switch (typeof v) {
    case 'undefined':
      return false;
    case 'string':
      return v.length > 0;
    case 'boolean':
      return v;
    case 'bigint':
      return v !== 0n;
    case 'number':
      return v !== 0;
    case 'function':
      return true;
  }
  if (v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GoStringMap) return v.size > 0;
  if (v instanceof GoNilPointer) return false;
  if (v instanceof GoEnum) return v.value !== 0;
  if (v instanceof GoTypedInt) return v.value !== 0n;
  if (v instanceof GoStruct) return true;
  if (isPlainMap(v)) {
    for (const _ in v) return true;
    return false;
  }
  return true;
}

/** Sorted keys the way Go's fmt and range sort string keys (byte order). */
export function sortedKeys(keys: string[]): string[] {
  return keys.sort(compareGoStrings);
}

/** Byte-wise comparison of the UTF-8 encodings, which is Go's string order. */
export function compareGoStrings(a: string, b: string): number {
  // For BMP text without surrogates, UTF-16 code-unit order equals UTF-8 byte order.
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 || y >= 0xd800) return Buffer.compare(Buffer.from(a), Buffer.from(b));
      return x - y;
    }
  }
  return a.length - b.length;
}

/** Number of UTF-8 bytes, which is what Go's len counts for strings. */
export function byteLength(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, 'utf8');
  }
  return s.length;
}
