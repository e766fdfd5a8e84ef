/**
 * Small re-creations of the Go standard-library behaviours whose exact output reaches users:
 * strconv error texts, %q quoting, encoding/json string escaping and go-multierror's layout.
 * Istio's messages embed these verbatim, so a clone that says the same thing needs them.
 */

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Go `unicode.IsPrint` approximated for what annotations realistically contain. */
function isGoPrintable(cp: number): boolean {
  if (cp < 0x20 || cp === 0x7f) return false;
  if (cp >= 0x80 && cp <= 0x9f) return false;
  if (cp === 0x2028 || cp === 0x2029 || cp === 0xad || cp === 0xfeff) return false;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  return true;
}

/** Go `strconv.Quote` (what `%q` prints for a string). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (isGoPrintable(cp)) out += ch;
    else if (cp < 0x80) out += `\\x${hex(cp, 2)}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return out + '"';
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

export type GoResult<T> = { ok: true; value: T } | { ok: false; error: string };

const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go `strconv.ParseBool`. */
export function parseBool(s: string): GoResult<boolean> {
  if (TRUE_WORDS.has(s)) return { ok: true, value: true };
  if (FALSE_WORDS.has(s)) return { ok: true, value: false };
  return { ok: false, error: `strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax` };
}

/** Go `strconv.ParseUint(s, 10, bits)`: digits only, no sign, no underscores. */
export function parseUint(s: string, bits: number): GoResult<number> {
  if (!/^[0-9]+$/.test(s)) {
    return { ok: false, error: `strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax` };
  }
  const v = BigInt(s);
  if (v > (1n << BigInt(bits)) - 1n) {
    return { ok: false, error: `strconv.ParseUint: parsing ${goQuote(s)}: value out of range` };
  }
  return { ok: true, value: Number(v) };
}

/** Go `strconv.Atoi`: optional sign, decimal digits, int64 range. */
export function atoi(s: string): GoResult<number> {
  if (!/^[+-]?[0-9]+$/.test(s)) {
    return { ok: false, error: `strconv.Atoi: parsing ${goQuote(s)}: invalid syntax` };
  }
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) {
    return { ok: false, error: `strconv.Atoi: parsing ${goQuote(s)}: value out of range` };
  }
  return { ok: true, value: Number(v) };
}

/** go-multierror's default rendering, which is what Istio's aggregated denials look like. */
export function formatMultiError(messages: readonly string[]): string {
  if (messages.length === 1) return `1 error occurred:\n\t* ${messages[0]}\n\n`;
  const points = messages.map((m) => `* ${m}`);
  return `${messages.length} errors occurred:\n\t${points.join('\n\t')}\n\n`;
}
