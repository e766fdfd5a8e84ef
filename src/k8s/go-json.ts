/**
 * Byte-exact Go encoding/json output for values of the table's Go types. Istio stores some
 * json.Marshal results verbatim in annotations (e.g. `proxy.istio.io/overrides`), where key order
 * (struct declaration order, sorted map keys) and Go's escaping (`<`, `>`, `&`, U+2028/2029 as
 * \u sequences) show up byte for byte.
 */
import { type GoType, goStruct, resolveTypeName } from './gotypes.js';
import { type JsonValue, isJsonObject } from './json.js';
import { normalizeAs } from './normalize.js';

const GO_ESCAPES_RE = /[<>&\u2028\u2029]/g;
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function escapeBody(s: string): string {
  const quoted = JSON.stringify(s);
  return quoted.slice(1, -1).replace(GO_ESCAPES_RE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A JSON string literal as Go writes it: HTML-safe, U+2028/2029 escaped, and text that is not
 * valid Unicode (a lone surrogate here, invalid UTF-8 in Go) written as the escape \ufffd.
 */
export function goJsonString(s: string): string {
  if (!LONE_SURROGATE_RE.test(s)) return `"${escapeBody(s)}"`;
  return `"${s.split(new RegExp(LONE_SURROGATE_RE.source, 'g')).map(escapeBody).join('\\ufffd')}"`;
}

/** Go sorts map keys as byte strings; code point order is the same as UTF-8 byte order. */
function compareGoStrings(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}

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
        .sort(compareGoStrings)
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
