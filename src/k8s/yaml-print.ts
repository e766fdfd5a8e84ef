/**
 * printYaml(value) = sigs.k8s.io/yaml.Marshal(value): JSON → yaml.v2 → YAML text, byte for byte.
 *
 * A block-style-only re-creation of yaml.v2's emitter state (column / indent / whitespace /
 * indention flags), because the exact output (indentless sequences under keys, `- - x`, where a
 * literal block starts, when a key needs `? `) falls out of those flags, not of simple rules.
 * Line width is yaml.v2's default 80: plain and quoted strings with spaces fold at a space once
 * past column 80 (the goldens show this); strings without spaces never fold.
 */
import { K8sError } from './errors.js';
import { MAX_JSON_DEPTH, jsonDepth } from './json.js';

const BEST_INDENT = 2;
const SURROGATE_RE = /[\uD800-\uDBFF]/;
const MAX_SIMPLE_KEY = 128;
/** yaml.v2 v2.4's default preferred width (the 'unlimited' change was reverted before 2.4.0). */
const BEST_WIDTH = 80;

type Style = 'plain' | 'single' | 'double' | 'literal';

interface ScalarAnalysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

const isBreakCp = (c: number): boolean => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
const isBlankCp = (c: number): boolean => c === 0x20 || c === 0x09;

/** yaml.v2's is_printable, expressed on code points instead of UTF-8 bytes. */
function isPrintable(c: number): boolean {
  if (c === 0x0a) return true;
  if (c >= 0x20 && c <= 0x7e) return true;
  if (c >= 0xa0 && c <= 0xd7ff) return true;
  if (c >= 0xe000 && c <= 0xfffd) return c !== 0xfeff;
  return false;
}

const FIRST_CHAR_INDICATORS = new Set(Array.from('#,[]{}&*!|>\'"%@`', (c) => c.charCodeAt(0)));

function analyze(value: string): ScalarAnalysis {
  if (value.length === 0) {
    return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  }
  let blockIndicators = value.startsWith('---') || value.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;

  const len = value.length;
  for (let i = 0; i < len; ) {
    const c = value.codePointAt(i)!;
    const next = i + (c > 0xffff ? 2 : 1);
    const last = next >= len;
    const followedByWhitespace = last || isBlankCp(value.charCodeAt(next));
    if (i === 0) {
      if (FIRST_CHAR_INDICATORS.has(c)) blockIndicators = true;
      else if ((c === 0x3f || c === 0x3a || c === 0x2d) && followedByWhitespace) blockIndicators = true;
    } else if (c === 0x3a && followedByWhitespace) {
      blockIndicators = true;
    } else if (c === 0x23 && precededByWhitespace) {
      blockIndicators = true;
    }
    if (!isPrintable(c)) special = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreakCp(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankCp(c) || isBreakCp(c) || c === 0;
    i = next;
  }
  const a: ScalarAnalysis = { multiline: lineBreaks, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.blockPlainAllowed = false;
  if (trailingSpace) a.blockAllowed = false;
  if (breakSpace) {
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (spaceBreak || special) {
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
    a.blockAllowed = false;
  }
  if (lineBreaks) a.blockPlainAllowed = false;
  if (blockIndicators) a.blockPlainAllowed = false;
  return a;
}

// ---- which strings yaml.v2 would read back as something else (so they must be quoted) ----

const RESOLVE_WORDS: ReadonlySet<string> = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<',
]);
const MAP_HINT = 'yYnNtTfFoO~';
const YAML_FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const GO_INT_RE = /^[+-]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const BASE60_RE = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const GO_FLOAT_RE = /^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)$/i;

function daysIn(month: number, year: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** yaml.v2 parseTimestamp: the four time.Parse layouts it tries. */
function isYamlTimestamp(s: string): boolean {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?(?:Z|[+-](\d{2}):(\d{2})))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?))?$/.exec(
      s,
    );
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) return false;
  const h = m[4] ?? m[9];
  const mi = m[5] ?? m[10];
  const se = m[6] ?? m[11];
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(se) > 59)) return false;
  if (m[7] !== undefined && (Number(m[7]) > 24 || Number(m[8]) > 60)) return false;
  return true;
}

/** True when yaml.v2's resolve() would NOT give !!str for this plain text (or it is base-60). */
function needsQuotes(s: string): boolean {
  if (RESOLVE_WORDS.has(s)) return s !== '<<';
  const c = s[0]!;
  if (c === '.') return GO_FLOAT_RE.test(s);
  if (MAP_HINT.includes(c)) return false;
  if (c === '+' || c === '-' || (c >= '0' && c <= '9')) {
    if (isYamlTimestamp(s)) return true;
    const plain = s.replaceAll('_', '');
    if (GO_INT_RE.test(plain)) return true;
    if (YAML_FLOAT_RE.test(plain)) return true;
    if (BASE60_RE.test(s)) return true;
  }
  return false;
}

// ---- number formatting as Go's json.Marshal → yaml.v2 (int via FormatInt, float via 'g') ----

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new K8sError('print', `json: unsupported value: ${String(n)}`);
  // encoding/json writes an integral float64 below 1e21 as its shortest digits padded with zeros (JS's
  // String(n) is the same text); yaml.v2 reads that text back as int64/uint64 when it fits, else as float.
  if (Number.isInteger(n) && Math.abs(n) < 1e21) {
    const text = String(n);
    const big = BigInt(text);
    if (big >= -(1n << 63n) && big < 1n << 64n) return text;
  }
  return formatFloatG(n);
}

/** strconv.FormatFloat(f, 'g', -1, 64). */
function formatFloatG(f: number): string {
  const [mant, expStr] = f.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  // Go switches to %e for shortest 'g' formatting when exp < -4 || exp >= 6 (eprec = 6).
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
    return `${neg ? '-' : ''}${m}e${e}`;
  }
  let body: string;
  if (exp < 0) body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else if (digits.length <= exp + 1) body = digits + '0'.repeat(exp + 1 - digits.length);
  else body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return (neg ? '-' : '') + body;
}

// ---- yaml.v2 sorter.go keyList.Less for string keys ----

const isLetter = (ch: string): boolean => {
  const c = ch.charCodeAt(0);
  if (c < 0x80) return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  return /\p{L}/u.test(ch);
};
const isDigitCh = (ch: string | undefined): boolean => {
  if (ch === undefined) return false;
  const c = ch.charCodeAt(0);
  if (c < 0x80) return c >= 0x30 && c <= 0x39;
  return /\p{Nd}/u.test(ch);
};

export function yamlKeyLess(a: string, b: string): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigitCh(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    // int64 arithmetic, wrapping like Go's on absurdly long digit runs.
    for (; ai < ar.length && isDigitCh(ar[ai]); ai++) an = BigInt.asIntN(64, an * 10n + BigInt(ar[ai]!.codePointAt(0)! - 48));
    let bi = i;
    for (; bi < br.length && isDigitCh(br[bi]); bi++) bn = BigInt.asIntN(64, bn * 10n + BigInt(br[bi]!.codePointAt(0)! - 48));
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

function sortKeys(keys: string[]): string[] {
  return keys.sort((x, y) => (yamlKeyLess(x, y) ? -1 : yamlKeyLess(y, x) ? 1 : 0));
}

// ---- what a string looks like after sigs.k8s.io/yaml's json.Marshal → yaml.Unmarshal hop ----

const C1_OR_DEL_RE = /[\u007f-\u009f\ufffe\uffff]/;
// yaml.v2's reader refuses these on the way back in (not printable for libyaml), so Go's Marshal fails.
const FORBIDDEN_CONTROL_RE = /[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;
const NEL_RUN_RE = / *\u0085(?: *\u0085)* */g;

/**
 * Go's json.Marshal leaves DEL, C1 controls and NEL unescaped; yaml.v2 then rejects the first two
 * and treats NEL as a line break inside the double-quoted JSON string, folding it (with the spaces
 * around it) into one space, or into n-1 newlines for a run of n breaks.
 */
function throughJsonHop(s: string): string {
  if (!C1_OR_DEL_RE.test(s)) return s;
  if (FORBIDDEN_CONTROL_RE.test(s)) throw new K8sError('print', 'yaml: control characters are not allowed');
  return s.replace(NEL_RUN_RE, (run) => {
    const breaks = run.split('\u0085').length - 1;
    return breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
  });
}

// ---- the emitter ----

interface Ctx {
  root: boolean;
  sequence: boolean;
  mapping: boolean;
  simpleKey: boolean;
}

class Emitter {
  private readonly out: string[] = [];
  private column = 0;
  private indent = -1;
  private readonly indents: number[] = [];
  private whitespace = true;
  private indention = true;

  text(): string {
    return this.out.join('');
  }

  private put(s: string): void {
    this.out.push(s);
    // Columns count code points, as libyaml counts characters, not UTF-16 units.
    this.column += SURROGATE_RE.test(s) ? Array.from(s).length : s.length;
  }

  private putBreak(): void {
    this.out.push('\n');
    this.column = 0;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    if (this.column < indent) this.put(' '.repeat(indent - this.column));
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(ind: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(ind);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  node(v: unknown, ctx: Ctx): void {
    if (Array.isArray(v)) {
      if (v.length === 0) this.emptyFlow('[', ']');
      else this.blockSequence(v, ctx);
      return;
    }
    if (typeof v === 'object' && v !== null) {
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
      if (keys.length === 0) this.emptyFlow('{', '}');
      else if (keys.some((k) => C1_OR_DEL_RE.test(k))) {
        // Keys went through the JSON hop too, where a NEL breaks the single-line flow key.
        const folded: Record<string, unknown> = {};
        for (const k of keys) {
          if (k.includes('\u0085')) throw new K8sError('print', "yaml: did not find expected ',' or '}' (U+0085 inside a map key)");
          Object.defineProperty(folded, throughJsonHop(k), { value: obj[k], enumerable: true, writable: true, configurable: true });
        }
        this.blockMapping(folded, sortKeys(Object.keys(folded)), ctx);
      } else this.blockMapping(obj, sortKeys(keys), ctx);
      return;
    }
    this.scalarValue(v, ctx);
  }

  private emptyFlow(open: string, close: string): void {
    this.writeIndicator(open, true, true, false);
    this.writeIndicator(close, false, false, false);
  }

  private blockSequence(items: unknown[], ctx: Ctx): void {
    this.increaseIndent(false, ctx.mapping && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, { root: false, sequence: true, mapping: false, simpleKey: false });
    }
    this.popIndent();
  }

  private blockMapping(obj: Record<string, unknown>, keys: string[], _ctx: Ctx): void {
    this.increaseIndent(false, false);
    for (const key of keys) {
      this.writeIndent();
      const keyStyle = this.chooseStringStyle(key);
      const simple = !keyStyle.analysis.multiline && Buffer.byteLength(key, 'utf8') <= MAX_SIMPLE_KEY;
      if (simple) {
        this.scalar(key, keyStyle.requested, keyStyle.analysis, { root: false, sequence: false, mapping: true, simpleKey: true });
        this.writeIndicator(':', false, false, false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.scalar(key, keyStyle.requested, keyStyle.analysis, { root: false, sequence: false, mapping: true, simpleKey: false });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(obj[key], { root: false, sequence: false, mapping: true, simpleKey: false });
    }
    this.popIndent();
  }

  private chooseStringStyle(s: string): { requested: Style; analysis: ScalarAnalysis } {
    const requested: Style = s.includes('\n') ? 'literal' : needsQuotes(s) ? 'double' : 'plain';
    return { requested, analysis: analyze(s) };
  }

  private scalarValue(v: unknown, ctx: Ctx): void {
    let text: string;
    if (v === null || v === undefined) text = 'null';
    else if (typeof v === 'boolean') text = v ? 'true' : 'false';
    else if (typeof v === 'number') text = formatNumber(v);
    else if (typeof v === 'bigint') text = v.toString();
    else if (typeof v === 'string') {
      const str = throughJsonHop(v);
      const { requested, analysis } = this.chooseStringStyle(str);
      this.scalar(str, requested, analysis, ctx);
      return;
    } else {
      throw new K8sError('print', `cannot print a value of type ${typeof v} as YAML`);
    }
    this.scalar(text, 'plain', analyze(text), ctx);
  }

  private scalar(value: string, requested: Style, a: ScalarAnalysis, ctx: Ctx): void {
    let style = requested;
    if (ctx.simpleKey && a.multiline) style = 'double';
    if (style === 'plain') {
      if (!a.blockPlainAllowed) style = 'single';
      if (value.length === 0 && ctx.simpleKey) style = 'single';
    }
    if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
    if (style === 'literal' && (!a.blockAllowed || ctx.simpleKey)) style = 'double';

    this.increaseIndent(true, false);
    switch (style) {
      case 'plain':
        this.writePlain(value, !ctx.simpleKey);
        break;
      case 'single':
        this.writeSingle(value, !ctx.simpleKey);
        break;
      case 'double':
        this.writeDouble(value, !ctx.simpleKey);
        break;
      case 'literal':
        this.writeLiteral(value);
        break;
    }
    this.popIndent();
  }

  /** Plain scalars fold at a single space once past the line width (yaml.v2 keeps width 80). */
  private writePlain(value: string, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    if (!allowBreaks || this.column + value.length <= BEST_WIDTH || !value.includes(' ')) {
      this.put(value);
    } else {
      const chars = Array.from(value);
      let spaces = false;
      for (let i = 0; i < chars.length; i++) {
        const ch = chars[i]!;
        if (ch === ' ') {
          if (!spaces && this.column > BEST_WIDTH && chars[i + 1] !== ' ') this.writeIndent();
          else this.put(ch);
          spaces = true;
        } else {
          this.put(ch);
          spaces = false;
        }
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingle(value: string, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    const chars = Array.from(value);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      const c = ch.codePointAt(0)!;
      if (ch === ' ') {
        const fold =
          allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1 && chars[i + 1] !== ' ';
        if (fold) this.writeIndent();
        else this.put(ch);
        spaces = true;
      } else if (isBreakCp(c)) {
        if (!breaks && ch === '\n') this.putBreak();
        if (ch === '\n') this.putBreak();
        else {
          this.out.push(ch);
          this.column = 0;
        }
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(ch === "'" ? "''" : ch);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDouble(value: string, allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    const bom = value.codePointAt(0) === 0xfeff;
    const chars = Array.from(value);
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      const c = ch.codePointAt(0)!;
      if (!isPrintable(c) || bom || isBreakCp(c) || ch === '"' || ch === '\\') {
        this.put(escapeDouble(c));
        spaces = false;
      } else if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1) {
          this.writeIndent();
          if (chars[i + 1] === ' ') this.put('\\');
        } else {
          this.put(ch);
        }
        spaces = true;
      } else {
        this.put(ch);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(value: string): void {
    this.writeIndicator('|', true, false, false);
    const cps = Array.from(value);
    const first = cps[0]!.codePointAt(0)!;
    if (first === 0x20 || isBreakCp(first)) this.writeIndicator(String(BEST_INDENT), false, false, false);
    const last = cps[cps.length - 1]!.codePointAt(0)!;
    let chomp = '';
    if (!isBreakCp(last)) chomp = '-';
    else if (cps.length === 1) chomp = '+';
    else if (isBreakCp(cps[cps.length - 2]!.codePointAt(0)!)) chomp = '+';
    if (chomp) this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    let run = '';
    const flush = () => {
      if (run) {
        this.put(run);
        run = '';
      }
    };
    for (const ch of cps) {
      const c = ch.codePointAt(0)!;
      if (isBreakCp(c)) {
        flush();
        if (ch === '\n') this.putBreak();
        else {
          this.out.push(ch);
          this.column = 0;
        }
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        run += ch;
        this.indention = false;
        breaks = false;
      }
    }
    flush();
  }

  finish(): void {
    // Implicit document end: terminate the last line.
    this.writeIndent();
  }
}

function escapeDouble(c: number): string {
  switch (c) {
    case 0x00:
      return '\\0';
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x09:
      return '\\t';
    case 0x0a:
      return '\\n';
    case 0x0b:
      return '\\v';
    case 0x0c:
      return '\\f';
    case 0x0d:
      return '\\r';
    case 0x1b:
      return '\\e';
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
    case 0x85:
      return '\\N';
    case 0xa0:
      return '\\_';
    case 0x2028:
      return '\\L';
    case 0x2029:
      return '\\P';
    default: {
      const hex = c.toString(16).toUpperCase();
      if (c <= 0xff) return `\\x${hex.padStart(2, '0')}`;
      if (c <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
      return `\\U${hex.padStart(8, '0')}`;
    }
  }
}

/**
 * YAML text for a JSON-compatible value, formatted exactly like sigs.k8s.io/yaml.Marshal
 * (keys sorted yaml.v2-style, compact sequences, yaml.v2 quoting, literal blocks, trailing newline).
 */
export function printYaml(value: unknown): string {
  if (jsonDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new K8sError('print', `cannot print values nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  const e = new Emitter();
  e.node(value, { root: true, sequence: false, mapping: false, simpleKey: false });
  e.finish();
  return e.text();
}
