/**
 * The YAML half of sigs.k8s.io/yaml.Marshal: the JSON document re-read by yaml.v2 (numbers become ints or
 * floats, objects become maps sorted by yaml.v2's key order) and written by yaml.v2's emitter in block
 * style, including its scalar style choice and its folding of long scalars at 80 columns.
 */
import { formatFloatV } from './fmt.js';
import { isJsonNumber, type JsonTree } from './encode.js';

type Style = 'plain' | 'single' | 'double' | 'literal';
type YNode =
  | { t: 'scalar'; style: Style; value: string }
  | { t: 'seq'; items: YNode[] }
  | { t: 'map'; entries: Array<[string, YNode]> };

const BEST_WIDTH = 80;
const BEST_INDENT = 2;

/** Characters encoding/json leaves raw that yaml.v2's reader refuses ("control characters are not allowed"). */
const UNREADABLE = /[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;

export function emitYaml(tree: JsonTree): string {
  const w = new Writer();
  const node = toNode(tree);
  if (node.t === 'scalar') w.scalar(node, BEST_INDENT, true);
  else if (node.t === 'map' && node.entries.length === 0) w.put('{}');
  else if (node.t === 'seq' && node.items.length === 0) w.put('[]');
  else w.block(node, 0, true);
  return w.out + (w.afterRawBreak ? '' : '\n');
}

// ------------------------------------------------------------------------------ JSON → yaml.v2 values

function toNode(t: JsonTree): YNode {
  if (t === null) return { t: 'scalar', style: 'plain', value: 'null' };
  if (typeof t === 'boolean') return { t: 'scalar', style: 'plain', value: t ? 'true' : 'false' };
  if (typeof t === 'string') {
    if (UNREADABLE.test(t)) throw new Error('yaml: control characters are not allowed');
    return { t: 'scalar', style: stringStyle(foldNel(t)), value: foldNel(t) };
  }
  if (isJsonNumber(t)) return { t: 'scalar', style: 'plain', value: yamlNumber(t.num) };
  if (Array.isArray(t)) return { t: 'seq', items: t.map(toNode) };
  const entries = t.entries.map(([k, v]): [string, YNode] => {
    // yaml.v2 cannot read a raw NEL inside a flow-mapping key, so sigs.k8s.io/yaml fails on it.
    if (k.includes('\u0085')) throw new Error("yaml: did not find expected ',' or '}'");
    if (UNREADABLE.test(k)) throw new Error('yaml: control characters are not allowed');
    return [k, toNode(v)];
  });
  // Go sorts keys it got in random map order; where yaml.v2's order is not total, Go's own output varies.
  entries.sort((a, b) => (yamlKeyLess(a[0], b[0]) ? -1 : yamlKeyLess(b[0], a[0]) ? 1 : 0));
  return { t: 'map', entries };
}

/** encoding/json leaves U+0085 raw, and yaml.v2 reads that line break inside a quoted scalar as a folded space. */
function foldNel(s: string): string {
  return s.includes('\u0085') ? s.replace(/[ \t]*\u0085[ \t]*/g, ' ') : s;
}

/** yaml.v2 decodes JSON integers that fit int64/uint64 as ints, everything else as float64. */
function yamlNumber(num: string): string {
  if (/^-?\d+$/.test(num)) {
    const b = BigInt(num);
    if (b >= -(1n << 63n) && b < 1n << 64n) return num;
  }
  return formatFloatV(Number(num));
}

function isLetter(c: string): boolean {
  return /\p{L}/u.test(c);
}
function isDigit(c: string): boolean {
  return /\p{Nd}/u.test(c);
}

/** yaml.v2's keyList.Less for string keys: letters after non-letters, digit runs compared numerically. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const ca = ar[i]!;
    const cb = br[i]!;
    const al = isLetter(ca);
    const bl = isLetter(cb);
    if (al && bl) return ca.codePointAt(0)! < cb.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ca === '0' || cb === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10n + BigInt(ar[ai]!.codePointAt(0)! - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10n + BigInt(br[bi]!.codePointAt(0)! - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ca.codePointAt(0)! < cb.codePointAt(0)!;
  }
  return ar.length < br.length;
}

// ------------------------------------------------------------------------------ scalar style

const NON_STRING_WORDS = new Set([
  '', '~', 'null', 'Null', 'NULL',
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO',
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF',
  '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '.nan', '.NaN', '.NAN',
]);

/** Would yaml.v2 read this plain scalar back as something other than a string (bool, null, number, timestamp)? */
function resolvesToNonString(s: string): boolean {
  if (NON_STRING_WORDS.has(s)) return true;
  const c = s[0] ?? '';
  if (!/[-+.0-9]/.test(c)) return false;
  const plain = s.replace(/_/g, '');
  if (/^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*|0[bB][01]+)$/.test(plain)) return true;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return true;
  if (/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s)) return true; // base-60 float
  return isYamlTimestamp(s);
}

/** yaml.v2's parseTimestamp: the whole scalar must parse with one of its four time layouts. */
function isYamlTimestamp(s: string): boolean {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?))?$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12) return false;
  const monthDays = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (d < 1 || d > monthDays[mo - 1]!) return false;
  const h = Number(m[4] ?? m[7] ?? 0);
  const mi = Number(m[5] ?? m[8] ?? 0);
  const se = Number(m[6] ?? m[9] ?? 0);
  return h < 24 && mi < 60 && se < 60;
}

function isPrintable(c: number): boolean {
  return c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
}
function isBreak(ch: string): boolean {
  return ch === '\n' || ch === '\r' || ch === '\u0085' || ch === '\u2028' || ch === '\u2029';
}
function isBlank(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t';
}

interface Analysis {
  plain: boolean;
  single: boolean;
  block: boolean;
  multiline: boolean;
}

/** The decisions of yaml.v2's yaml_emitter_analyze_scalar, for block context. */
function analyze(s: string): Analysis {
  if (s === '') return { plain: true, single: true, block: false, multiline: false };
  const chars = Array.from(s);
  let blockIndicators = s.startsWith('---') || s.startsWith('...');
  let special = false;
  let lineBreaks = false;
  let spaceBreak = false;
  let breakSpace = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  let precededByWs = true;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const followedByWs = i + 1 >= chars.length || isBlank(chars[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      else if ((ch === '?' || ch === ':' || ch === '-') && followedByWs) blockIndicators = true;
    } else if ((ch === ':' && followedByWs) || (ch === '#' && precededByWs)) {
      blockIndicators = true;
    }
    if (!isPrintable(ch.codePointAt(0)!)) special = true;
    const last = i === chars.length - 1;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (last) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(ch)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (last) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevBreak = true;
      prevSpace = false;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = isBlank(ch) || isBreak(ch) || ch === '\0';
  }
  let plain = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak);
  let single = true;
  let block = !trailingSpace;
  if (breakSpace) {
    plain = false;
    single = false;
  }
  if (spaceBreak || special) {
    plain = false;
    single = false;
    block = false;
  }
  if (lineBreaks || blockIndicators) plain = false;
  return { plain, single, block, multiline: lineBreaks };
}

/** yaml.v2's encoder request (literal for multi-line, plain unless it would not read back as a string), then the emitter's veto. */
function stringStyle(s: string, simpleKey = false): Style {
  const a = analyze(s);
  let style: Style;
  if (s.includes('\n')) style = 'literal';
  else if (resolvesToNonString(s)) style = 'double';
  else style = 'plain';
  if (simpleKey && a.multiline) return 'double';
  if (style === 'plain' && (!a.plain || (s === '' && simpleKey))) style = 'single';
  if (style === 'single' && !a.single) style = 'double';
  if (style === 'literal' && (!a.block || simpleKey)) style = 'double';
  return style;
}

function isSimpleKey(k: string): boolean {
  return !Array.from(k).some(isBreak) && Buffer.byteLength(k) <= 128;
}

const DOUBLE_ESCAPES: Record<number, string> = {
  0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e',
  0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
};

// ------------------------------------------------------------------------------ writer

class Writer {
  out = '';
  private column = 0;
  /** A raw line separator ended the last scalar: the next line starts without a '\n' of its own. */
  afterRawBreak = false;

  put(s: string): void {
    this.out += s;
    this.column += s.length;
  }
  private putChar(ch: string): void {
    this.out += ch;
    this.column += 1;
  }
  private newline(indent: number): void {
    this.out += (this.afterRawBreak ? '' : '\n') + ' '.repeat(indent);
    this.afterRawBreak = false;
    this.column = indent;
  }

  /** A non-empty collection; `inline` means the cursor already sits where its first item goes. */
  block(n: YNode, indent: number, inline: boolean): void {
    if (n.t === 'map') {
      n.entries.forEach(([k, v], i) => {
        if (i > 0 || !inline) this.newline(indent);
        if (isSimpleKey(k)) {
          this.key(k);
          this.put(':');
        } else {
          // yaml.v2 writes multi-line or over-long keys as complex keys: `? key` then `: value`.
          this.put('? ');
          this.scalar({ style: stringStyle(k), value: k }, indent + BEST_INDENT, true);
          this.newline(indent);
          this.put(':');
          this.value(v, indent, true);
          return;
        }
        this.value(v, indent, false);
      });
    } else if (n.t === 'seq') {
      n.items.forEach((v, i) => {
        if (i > 0 || !inline) this.newline(indent);
        this.put('-');
        this.value(v, indent, true);
      });
    }
  }

  /** What follows `key:` or `-`. Sequences under a key are not indented, as yaml.v2 writes them. */
  private value(v: YNode, indent: number, inSeq: boolean): void {
    if (v.t === 'scalar') {
      this.put(' ');
      this.scalar(v, indent + BEST_INDENT, true);
    } else if (v.t === 'map' && v.entries.length === 0) this.put(' {}');
    else if (v.t === 'seq' && v.items.length === 0) this.put(' []');
    else if (inSeq) {
      this.put(' ');
      this.block(v, indent + BEST_INDENT, true);
    } else this.block(v, v.t === 'seq' ? indent : indent + BEST_INDENT, false);
  }

  private key(k: string): void {
    const style = stringStyle(k, true);
    this.scalar({ style, value: k }, 0, false);
  }

  scalar(n: { style: Style; value: string }, indent: number, allowBreaks: boolean): void {
    switch (n.style) {
      case 'plain':
        return this.plain(n.value, indent, allowBreaks);
      case 'single':
        return this.single(n.value, indent, allowBreaks);
      case 'double':
        return this.double(n.value, indent, allowBreaks);
      case 'literal':
        return this.literal(n.value, indent);
    }
  }

  private plain(s: string, indent: number, allowBreaks: boolean): void {
    const chars = Array.from(s);
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && chars[i + 1] !== ' ') this.newline(indent);
        else this.putChar(' ');
        spaces = true;
      } else {
        this.putChar(ch);
        spaces = false;
      }
    }
  }

  private single(s: string, indent: number, allowBreaks: boolean): void {
    this.putChar("'");
    const chars = Array.from(s);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1 && chars[i + 1] !== ' ') {
          this.newline(indent);
        } else this.putChar(' ');
        spaces = true;
      } else if (isBreak(ch)) {
        // A line separator goes out raw and starts a new line, as yaml.v2's write_break does.
        this.out += ch;
        this.column = 0;
        breaks = true;
      } else {
        if (breaks) {
          this.put(' '.repeat(Math.max(0, indent - this.column)));
          breaks = false;
        }
        if (ch === "'") this.putChar("'");
        this.putChar(ch);
        spaces = false;
      }
    }
    this.putChar("'");
  }

  private double(s: string, indent: number, allowBreaks: boolean): void {
    this.putChar('"');
    const chars = Array.from(s);
    // yaml.v2's is_bom looks at the start of the value, not at the current character, so a
    // leading BOM gets every character escaped.
    const leadingBom = chars[0] === '\ufeff';
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      const c = ch.codePointAt(0)!;
      if (leadingBom || !isPrintable(c) || c === 0xfeff || isBreak(ch) || ch === '"' || ch === '\\') {
        const short = DOUBLE_ESCAPES[c];
        if (short !== undefined) this.put('\\' + short);
        else if (c <= 0xff) this.put('\\x' + c.toString(16).toUpperCase().padStart(2, '0'));
        else if (c <= 0xffff) this.put('\\u' + c.toString(16).toUpperCase().padStart(4, '0'));
        else this.put('\\U' + c.toString(16).toUpperCase().padStart(8, '0'));
        spaces = false;
      } else if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1) {
          this.newline(indent);
          if (chars[i + 1] === ' ') this.putChar('\\');
        } else this.putChar(' ');
        spaces = true;
      } else {
        this.putChar(ch);
        spaces = false;
      }
    }
    this.putChar('"');
  }

  private literal(s: string, indent: number): void {
    let chomp = '';
    if (!isBreak(s.charAt(s.length - 1))) chomp = '-';
    else if (s.length === 1 || isBreak(s.charAt(s.length - 2))) chomp = '+';
    const hint = s.startsWith(' ') || isBreak(s.charAt(0)) ? String(BEST_INDENT) : '';
    this.put(`|${hint}${chomp}`);
    this.out += '\n';
    this.column = 0;
    // Every line break is written as is; the next content character is indented (yaml.v2 write_literal_scalar).
    let breaks = true;
    const chars = Array.from(s);
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      if (isBreak(ch)) {
        // The final '\n' of a kept ("|" or "|+") scalar is the line end the caller writes.
        if (i === chars.length - 1 && ch === '\n') break;
        this.out += ch;
        this.column = 0;
        breaks = true;
        if (i === chars.length - 1) this.afterRawBreak = true;
      } else {
        if (breaks) {
          this.put(' '.repeat(Math.max(0, indent - this.column)));
          breaks = false;
        }
        this.putChar(ch);
      }
    }
  }

}
