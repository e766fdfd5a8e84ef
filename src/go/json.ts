/**
 * encoding/json's string encoding. JSON.stringify differs from it on `<`, `>`, `&`, U+2028,
 * U+2029 and lone surrogates, and values such as ISTIO_KUBE_APP_PROBERS are compared byte for byte.
 */

/** A JSON string literal exactly as Go's json.Marshal writes it (HTML-safe escaping on). */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (cp < 0x20 || ch === '<' || ch === '>' || ch === '&' || cp === 0x2028 || cp === 0x2029) {
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
    } else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

/** Orders strings as Go compares them: by UTF-8 bytes, which is code point order. */
export function goStringCompare(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done === true) return y.done === true ? 0 : -1;
    if (y.done === true) return 1;
    const d = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}

/** The key order json.Marshal uses for a map[string]T. */
export function goJsonSortedKeys(keys: Iterable<string>): string[] {
  return [...keys].sort(goStringCompare);
}

/**
 * The word encoding/json uses for a JSON value's kind in an UnmarshalTypeError
 * ("json: cannot unmarshal <kind> into Go value of type T"). A bigint is a JSON number too.
 */
export function goJsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'object';
  }
}
