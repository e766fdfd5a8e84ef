/**
 * encoding/json's string encoding. JSON.stringify differs from it on `<`, `>`, `&`, U+2028,
 * U+2029 and lone surrogates, and values such as ISTIO_KUBE_APP_PROBERS are compared byte for byte.
 */

const SHORT_JSON_ESCAPES: Readonly<Record<number, string>> = {
  0x22: '\\"',
  0x5c: '\\\\',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x08: '\\b',
  0x0c: '\\f',
};

/** A JSON string literal exactly as Go's json.Marshal writes it (HTML-safe escaping on). */
export function goJsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      rep = SHORT_JSON_ESCAPES[c] ?? `\\u${c.toString(16).padStart(4, '0')}`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      // A lone surrogate: Go would hold invalid UTF-8 there, which json.Marshal writes as \ufffd.
      rep = '\\ufffd';
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return `${out}${s.slice(start)}"`;
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
