/**
 * Byte-exact Go encoding/json output for values of the table's Go types. Istio stores some
 * json.Marshal results verbatim in annotations (e.g. `proxy.istio.io/overrides`), where key order
 * (struct declaration order, sorted map keys) and Go's escaping (`<`, `>`, `&`, U+2028/2029 as
 * \u sequences) show up byte for byte.
 */
import { type GoType, goStruct, resolveTypeName } from './gotypes.js';
import { type JsonValue, isJsonObject } from './json.js';
import { normalizeAs } from './normalize.js';
import { goJsonString, goStringCompare } from '../go/json.js';

export { goJsonString };



function scalar(v: JsonValue): string {
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'number') return JSON.stringify(v);
  return v === null ? 'null' : String(v);
}

/** Untyped JSON (runtime.RawExtension content): keys kept in the order they came. */
function raw(v: JsonValue): string {
  if (Array.isArray(v)) return `[${v.map(raw).join(',')}]`;
  if (isJsonObject(v)) return `{${Object.keys(v).map((k) => `${goJsonString(k)}:${raw(v[k]!)}`).join(',')}}`;
  return scalar(v);
}

function typed(t: GoType | undefined, v: JsonValue): string {
  if (v === null || t === undefined) return raw(v);
  switch (t.k) {
    case 'ptr':
      return typed(t.elem, v);
    case 'list':
      return Array.isArray(v) ? `[${v.map((x) => typed(t.elem, x)).join(',')}]` : raw(v);
    case 'map':
      if (!isJsonObject(v)) return raw(v);
      return `{${Object.keys(v)
        .sort(goStringCompare)
        .map((k) => `${goJsonString(k)}:${typed(t.elem, v[k]!)}`)
        .join(',')}}`;
    case 'struct': {
      if (!isJsonObject(v)) return raw(v);
      const s = goStruct(t.name);
      const parts: string[] = [];
      for (const f of s.fields) {
        if (Object.hasOwn(v, f.json)) parts.push(`${goJsonString(f.json)}:${typed(f.type, v[f.json]!)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      return raw(v);
  }
}

/**
 * `json.Marshal` of `value` decoded as Go type `typeName`: the normalizeAs result, serialised with
 * struct fields in declaration order, map keys sorted and Go's string escaping.
 */
export function marshalAs(typeName: string, value: unknown): string {
  const name = resolveTypeName(typeName);
  return typed({ k: 'struct', name }, normalizeAs(name, value));
}
