/**
 * Small re-creations of the Go standard-library behaviours whose exact output reaches users:
 * strconv error texts, %q quoting, encoding/json string escaping and go-multierror's layout.
 * Istio's messages embed these verbatim, so a clone that says the same thing needs them.
 */

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * A JSON string literal exactly as Go's encoding/json writes it: `<`, `>`, `&`, U+2028 and U+2029
 * escaped, lone surrogates replaced — JSON.stringify differs on all of these, and env values such
 * as ISTIO_KUBE_APP_PROBERS are compared byte for byte.
 */
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
      out += `\\u${hex(cp, 4)}`;
    } else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

/** Go `json.Marshal` of a map[string]string-like object: keys sorted bytewise. */
export function goJsonSortedKeys(keys: Iterable<string>): string[] {
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
