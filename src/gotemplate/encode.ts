/**
 * Go's encoding/json (Marshal / MarshalIndent) and sigs.k8s.io/yaml (JSON → yaml.v2) for template values.
 * Both work on a neutral "JSON tree" first so struct layouts and map ordering are decided in one place.
 */
import { formatFloatV } from './fmt.js';
import { printYaml } from '../k8s/yaml-print.js';
import { goJsonString } from '../go/json.js';
import {
  GoEnum,
  GoNilPointer,
  GoStringMap,
  GoStruct,
  GoTypedInt,
  compareGoStrings,
  isPlainMap,
  isTrue,
} from './values.js';

/** An ordered JSON tree: objects keep the order Go's encoder would write them in. */
export type JsonTree = null | boolean | string | JsonNumber | JsonTree[] | JsonObject;
export interface JsonNumber {
  readonly num: string;
}
export interface JsonObject {
  readonly entries: Array<[string, JsonTree]>;
}

export function isJsonNumber(v: JsonTree): v is JsonNumber {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'num' in v;
}
export function isJsonObject(v: JsonTree): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'entries' in v;
}

/** Go encoding/json float64 text (same thresholds as JS for float64: 'e' below 1e-6 or from 1e21). */
function goJsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${formatFloatV(f)}`);
  return JSON.stringify(f);
}

function sortedEntries(keys: string[], get: (k: string) => JsonTree): Array<[string, JsonTree]> {
  return keys.sort(compareGoStrings).map((k) => [k, get(k)]);
}

/** Lays out a value as encoding/json would see it. `ordered` hook output keeps its key order. */
export { goJsonString };

export function toJsonTree(v: unknown, depth = 0): JsonTree {
  if (depth > 1000) throw new Error('json: unsupported value: encountered a cycle');
  switch (typeof v) {
    case 'undefined':
      return null;
    case 'string':
    case 'boolean':
      return v;
    case 'bigint':
      return { num: v.toString() };
    case 'number':
      return { num: goJsonFloat(v) };
    case 'function':
      throw new Error('json: unsupported type: func()');
  }
  if (v === null || v instanceof GoNilPointer) return null;
  if (Array.isArray(v)) return v.map((e) => toJsonTree(e, depth + 1));
  if (v instanceof GoEnum) return { num: String(v.value) };
  if (v instanceof GoTypedInt) return { num: v.value.toString() };
  if (v instanceof GoStringMap) {
    if (v.entries === null) return null;
    const entries = v.entries;
    return { entries: sortedEntries(Object.keys(entries), (k) => entries[k] ?? '') };
  }
  if (v instanceof GoStruct) {
    if (v.jsonHook) return orderedTree(v.jsonHook(), depth + 1);
    const out: Array<[string, JsonTree]> = [];
    if (v.jsonSpec) {
      for (const f of v.jsonSpec) {
        const val = v.fields[f.field];
        if (f.omitempty && isEmptyForJson(val)) continue;
        out.push([f.json, toJsonTree(val, depth + 1)]);
      }
    } else {
      for (const [k, val] of Object.entries(v.fields)) out.push([k, toJsonTree(val, depth + 1)]);
    }
    return { entries: out };
  }
  if (isPlainMap(v)) return { entries: sortedEntries(Object.keys(v), (k) => toJsonTree(v[k], depth + 1)) };
  throw new Error(`json: unsupported type: ${typeof v}`);
}

/** Hook output is already in Go's field order; nested template values still go through toJsonTree. */
function orderedTree(v: unknown, depth: number): JsonTree {
  if (isPlainMap(v)) return { entries: Object.entries(v).map(([k, x]) => [k, orderedTree(x, depth + 1)]) };
  if (Array.isArray(v)) return v.map((x) => orderedTree(x, depth + 1));
  return toJsonTree(v, depth);
}

function isEmptyForJson(v: unknown): boolean {
  if (v === undefined || v === null || v instanceof GoNilPointer) return true;
  if (v instanceof GoStruct) return false;
  if (v instanceof GoStringMap) return v.size === 0;
  return !isTrue(v);
}


export function writeJson(t: JsonTree, indent: string | undefined, level = 0): string {
  if (t === null) return 'null';
  if (typeof t === 'boolean') return t ? 'true' : 'false';
  if (typeof t === 'string') return goJsonString(t);
  if (isJsonNumber(t)) return t.num;
  const nl = indent === undefined ? '' : '\n' + indent.repeat(level + 1);
  const close = indent === undefined ? '' : '\n' + indent.repeat(level);
  if (Array.isArray(t)) {
    if (t.length === 0) return '[]';
    return `[${nl}${t.map((e) => writeJson(e, indent, level + 1)).join(',' + nl)}${close}]`;
  }
  if (t.entries.length === 0) return '{}';
  const sep = indent === undefined ? ':' : ': ';
  return `{${nl}${t.entries.map(([k, v]) => goJsonString(k) + sep + writeJson(v, indent, level + 1)).join(',' + nl)}${close}}`;
}

/** json.Marshal. Throws Error with Go's message on unsupported values. */
export function marshalJson(v: unknown): string {
  return writeJson(toJsonTree(v), undefined);
}

/** json.MarshalIndent(v, "", indent). */
export function marshalJsonIndent(v: unknown, indent = '  '): string {
  return writeJson(toJsonTree(v), indent);
}

// ---------------------------------------------------------------------------------------------- YAML

/** sigs.k8s.io/yaml.Marshal: JSON first, then yaml.v2 block style with sorted keys. Ends with "\n". */
export function marshalYaml(v: unknown): string {
  return printYaml(plainJson(toJsonTree(v)));
}

/** The tree as the plain JSON value yaml.v2 would read back from encoding/json's text. */
function plainJson(t: JsonTree): unknown {
  if (t === null || typeof t !== 'object') return t;
  if (Array.isArray(t)) return t.map(plainJson);
  if (isJsonNumber(t)) {
    // Integers past 2^53 keep their digits (yaml.v2 reads them as int64/uint64 when they fit).
    if (/^-?\d+$/.test(t.num) && !Number.isSafeInteger(Number(t.num))) {
      const big = BigInt(t.num);
      if (big >= -(1n << 63n) && big < 1n << 64n) return big;
    }
    return Number(t.num);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of t.entries) Object.defineProperty(out, k, { value: plainJson(v), enumerable: true, writable: true, configurable: true });
  return out;
}
