/**
 * Go's strconv as far as its output reaches users: Quote (the `%q` verb) and the error texts of
 * ParseBool / ParseUint / Atoi, which Istio embeds verbatim in denial messages.
 */

/** A Go `(value, error)` pair; `error` is the text Go's error would print. */
export type GoResult<T> = { ok: true; value: T } | { ok: false; error: string };

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

// unicode.IsPrint: letters, marks, numbers, punctuation and symbols, plus the ASCII space only.
// Unassigned code points have no such category, so they are escaped exactly as Go escapes them.
const GRAPHIC = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function isPrint(ch: string, cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  return GRAPHIC.test(ch);
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/**
 * `strconv.Quote` (or QuoteToASCII). A JS string may hold a lone surrogate, which no Go string can; Go's decoders
 * turn such input into U+FFFD, so it is shown as that replacement's escape.
 */
export function goQuote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) {
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) {
      out += short;
      continue;
    }
    const cp = ch.codePointAt(0) ?? 0;
    // asciiOnly is strconv.QuoteToASCII (fmt's %+q): every non-ASCII rune is escaped.
    if (isPrint(ch, cp) && !(asciiOnly && cp >= 0x80)) out += ch;
    else if (cp < 0x80) out += `\\x${hex(cp, 2)}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}

const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** `strconv.ParseBool`. */
export function parseBool(s: string): GoResult<boolean> {
  if (TRUE_WORDS.has(s)) return { ok: true, value: true };
  if (FALSE_WORDS.has(s)) return { ok: true, value: false };
  return { ok: false, error: `strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax` };
}

/** `strconv.ParseUint(s, 10, bits)`: digits only, no sign, no underscores. */
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

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** `strconv.Atoi`: optional sign, decimal digits, int64 range. */
export function atoi(s: string): GoResult<number> {
  if (!/^[+-]?[0-9]+$/.test(s)) {
    return { ok: false, error: `strconv.Atoi: parsing ${goQuote(s)}: invalid syntax` };
  }
  const v = BigInt(s);
  if (v > INT64_MAX || v < INT64_MIN) {
    return { ok: false, error: `strconv.Atoi: parsing ${goQuote(s)}: value out of range` };
  }
  return { ok: true, value: Number(v) };
}
