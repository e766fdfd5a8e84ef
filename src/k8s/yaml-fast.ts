/**
 * A fast reader for the plain block-style YAML that injection templates render (block maps and
 * sequences, single-line plain/quoted scalars, literal blocks, `[]`/`{}`, comments). The general
 * parser costs ~2.5 ms for a 7 KB pod; this one a small fraction of that.
 *
 * It is deliberately partial: on anything outside that subset (anchors, tags, flow collections
 * with content, folded or multi-line scalars, odd indentation, tabs, several documents, ...) it
 * returns undefined and the caller falls back to the full parser, which also produces the errors.
 * Values are resolved with the same yaml.v2 rules as the full path.
 */
import { type JsonObject, type JsonValue, setOwn } from './json.js';

interface Line {
  indent: number;
  text: string;
}

class Bail extends Error {}

const MAX_FAST_DEPTH = 100;

const bail = (): never => {
  throw new Bail();
};

export interface ScalarResolver {
  /** yaml.v2 resolution of a plain scalar; undefined when the value cannot be represented. */
  plain(text: string): JsonValue | undefined;
  /** Map key from a plain scalar; undefined when the key is not a simple string. */
  plainKey(text: string): string | undefined;
}

const INDICATOR_START = new Set(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);

function splitLines(text: string): { lines: Line[]; finalNewline: boolean } | undefined {
  const raw = text.split('\n');
  const finalNewline = raw.length > 1 && raw[raw.length - 1] === '';
  if (finalNewline) raw.pop();
  const lines: Line[] = [];
  let sawDoc = false;
  for (const r of raw) {
    let indent = 0;
    while (indent < r.length && r.charCodeAt(indent) === 32) indent++;
    const body = r.slice(indent);
    if (body.startsWith('---') || body.startsWith('...')) {
      // Only one leading `---` line is understood (the full parser handles the rest).
      if (indent !== 0 || body !== '---' || sawDoc || lines.some((l) => l.text !== '' && !l.text.startsWith('#'))) {
        return undefined;
      }
      sawDoc = true;
      lines.push({ indent: 0, text: '' });
      continue;
    }
    lines.push({ indent, text: body });
  }
  return { lines, finalNewline };
}

/** Is what follows a closed scalar only spaces and/or a ` # comment`? */
function isRestEmpty(rest: string): boolean {
  const t = rest.trimStart();
  return t === '' || (t.startsWith('#') && rest.length > t.length);
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ',
  '"': '"', "'": "'", '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};

function doubleQuoted(s: string): { value: string; rest: string } {
  let out = '';
  let i = 1;
  for (;;) {
    if (i >= s.length) bail();
    const c = s[i]!;
    if (c === '"') return { value: out, rest: s.slice(i + 1) };
    if (c === '\\') {
      const e = s[i + 1];
      if (e === undefined) bail();
      const simple = SIMPLE_ESCAPES[e!];
      if (simple !== undefined) {
        out += simple;
        i += 2;
        continue;
      }
      const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      const hex = s.slice(i + 2, i + 2 + len);
      if (len === 0 || !/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== len) bail();
      const cp = Number.parseInt(hex, 16);
      if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) bail();
      out += String.fromCodePoint(cp);
      i += 2 + len;
      continue;
    }
    out += c;
    i++;
  }
}

function singleQuoted(s: string): { value: string; rest: string } {
  let out = '';
  let i = 1;
  for (;;) {
    if (i >= s.length) bail();
    const c = s[i]!;
    if (c === "'") {
      if (s[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      return { value: out, rest: s.slice(i + 1) };
    }
    out += c;
    i++;
  }
}

class Reader {
  private pos = 0;
  constructor(
    private readonly lines: Line[],
    private readonly finalNewline: boolean,
    private readonly r: ScalarResolver,
  ) {}

  /** Next line that carries content (blank and comment-only lines are skipped). */
  private peek(): Line | undefined {
    while (this.pos < this.lines.length) {
      const l = this.lines[this.pos]!;
      if (l.text === '' || l.text.startsWith('#')) {
        this.pos++;
        continue;
      }
      return l;
    }
    return undefined;
  }

  document(): JsonValue {
    const first = this.peek();
    if (!first || first.indent !== 0) bail();
    const v = this.block(0);
    if (this.peek() !== undefined) bail();
    return v;
  }

  private depth = 0;

  private block(minIndent: number): JsonValue {
    // Deep documents go to the full parser, which owns the depth limits and their errors.
    if (++this.depth > MAX_FAST_DEPTH) bail();
    try {
      return this.blockAt(minIndent);
    } finally {
      this.depth--;
    }
  }

  private blockAt(minIndent: number): JsonValue {
    const l = this.peek();
    if (!l || l.indent < minIndent) bail();
    if (isSeqItem(l!.text)) return this.sequence(l!.indent);
    return this.mapping(l!.indent);
  }

  private mapping(indent: number): JsonObject {
    const out: JsonObject = {};
    for (;;) {
      const l = this.peek();
      if (!l || l.indent < indent) return out;
      if (l.indent > indent || isSeqItem(l.text)) bail();
      const { key, rest } = this.keyOf(l.text);
      this.pos++;
      setOwn(out, key, this.valueAfter(rest, indent, true));
    }
  }

  private sequence(indent: number): JsonValue[] {
    const out: JsonValue[] = [];
    for (;;) {
      const l = this.peek();
      if (!l || l.indent < indent) return out;
      if (l.indent > indent || !isSeqItem(l.text)) {
        if (l.indent > indent) bail();
        return out;
      }
      const content = l.text.slice(1);
      const trimmed = content.trimStart();
      if (trimmed === '' || trimmed.startsWith('#')) {
        this.pos++;
        out.push(this.valueAfter('', indent, false));
        continue;
      }
      if (isSeqItem(trimmed) || trimmed.startsWith('? ')) bail();
      const col = indent + 1 + (content.length - trimmed.length);
      if (looksLikeKey(trimmed)) {
        // `- key: v` opens a mapping whose keys sit at the column of `key`.
        this.lines[this.pos] = { indent: col, text: trimmed };
        out.push(this.mapping(col));
        continue;
      }
      this.pos++;
      out.push(this.valueAfter(trimmed, indent, false));
    }
  }

  private keyOf(text: string): { key: string; rest: string } {
    let key: string;
    let after: string;
    if (text[0] === '"' || text[0] === "'") {
      const q = text[0] === '"' ? doubleQuoted(text) : singleQuoted(text);
      if (!q.rest.startsWith(':')) bail();
      key = q.value;
      after = q.rest.slice(1);
      if (after !== '' && after[0] !== ' ') bail();
    } else {
      if (INDICATOR_START.has(text[0]!)) bail();
      let i = text.indexOf(': ');
      if (i < 0) {
        if (!text.endsWith(':')) bail();
        i = text.length - 1;
      }
      const raw = text.slice(0, i);
      if (raw.includes(' #') || raw.endsWith(' ') || raw === '<<') bail();
      const k = this.r.plainKey(raw);
      if (k === undefined) bail();
      key = k!;
      after = text.slice(i + 1);
    }
    return { key, rest: after };
  }

  /** The value that follows `key:` or `-` (inline text `rest`, or a nested block). */
  private valueAfter(rest: string, parentIndent: number, inMapping: boolean): JsonValue {
    const t = rest.trimStart();
    if (t === '' || t.startsWith('#')) {
      const next = this.peek();
      if (next && next.indent > parentIndent) return this.block(parentIndent + 1);
      if (inMapping && next && next.indent === parentIndent && isSeqItem(next.text)) return this.sequence(parentIndent);
      return null;
    }
    let value: JsonValue;
    if (t[0] === '|') {
      return this.literal(t, parentIndent);
    } else if (t[0] === '"' || t[0] === "'") {
      const q = t[0] === '"' ? doubleQuoted(t) : singleQuoted(t);
      if (!isRestEmpty(q.rest)) bail();
      value = q.value;
    } else if (t.startsWith('[]') || t.startsWith('{}')) {
      if (!isRestEmpty(t.slice(2))) bail();
      value = t[0] === '[' ? [] : {};
    } else if (t[0] === '[' || t[0] === '{') {
      value = this.flow(t);
    } else {
      if (INDICATOR_START.has(t[0]!) && !(t[0] === '-' && t.length > 1 && t[1] !== ' ')) bail();
      let text = t;
      const hash = text.indexOf(' #');
      if (hash >= 0) text = text.slice(0, hash);
      text = text.trimEnd();
      if (text.includes(': ') || text.endsWith(':')) bail();
      const v = this.r.plain(text);
      if (v === undefined) bail();
      value = v!;
    }
    // A more-indented line after an inline scalar would continue it (multi-line plain): not ours.
    const next = this.peek();
    if (next && next.indent > parentIndent) bail();
    return value;
  }

  /**
   * A one-line flow collection of scalars, `[a, "b"]` or `{k: v, k2: "w"}` (what templates write for
   * capabilities and small maps). Nested collections or anything unusual go to the full parser.
   */
  private flow(t: string): JsonValue {
    const isSeq = t[0] === '[';
    const close = isSeq ? ']' : '}';
    let rest = t.slice(1);
    const items: JsonValue[] = [];
    const obj: JsonObject = {};
    const scalar = (): { value: JsonValue; key?: string } => {
      rest = rest.trimStart();
      if (rest[0] === '"' || rest[0] === "'") {
        const q = rest[0] === '"' ? doubleQuoted(rest) : singleQuoted(rest);
        rest = q.rest;
        return { value: q.value, key: q.value };
      }
      const end = flowPlainEnd(rest);
      if (end === 0) bail();
      const text = rest.slice(0, end).trimEnd();
      rest = rest.slice(end);
      const v = this.r.plain(text);
      if (v === undefined) bail();
      return { value: v!, key: this.r.plainKey(text) };
    };
    for (;;) {
      if (isSeq) {
        items.push(scalar().value);
      } else {
        const k = scalar().key;
        if (k === undefined) bail();
        rest = rest.trimStart();
        if (!rest.startsWith(': ')) bail();
        rest = rest.slice(1);
        setOwn(obj, k!, scalar().value);
      }
      rest = rest.trimStart();
      if (rest[0] === ',') {
        rest = rest.slice(1);
        if (rest.trimStart()[0] === close) bail(); // a trailing comma: leave it to the full parser
        continue;
      }
      if (rest[0] !== close) bail();
      if (!isRestEmpty(rest.slice(1))) bail();
      return isSeq ? items : obj;
    }
  }

  private literal(header: string, parentIndent: number): string {
    const m = /^\|([+-]?)(?:\s+#.*)?\s*$/.exec(header);
    if (!m) bail();
    const chomp = m![1];
    const body: string[] = [];
    let contentIndent = -1;
    let lastContent = -1;
    let lastLineIndex = -1;
    while (this.pos < this.lines.length) {
      const l = this.lines[this.pos]!;
      if (l.text === '') {
        if (contentIndent < 0) bail(); // leading blank lines: leave the subtle rules to the full parser
        body.push(l.indent > contentIndent ? ' '.repeat(l.indent - contentIndent) : '');
        lastLineIndex = this.pos++;
        continue;
      }
      if (contentIndent < 0) {
        if (l.indent <= parentIndent) break;
        contentIndent = l.indent;
      }
      if (l.indent < contentIndent) break;
      body.push(' '.repeat(l.indent - contentIndent) + l.text);
      lastContent = body.length - 1;
      lastLineIndex = this.pos++;
    }
    if (contentIndent < 0) bail();
    const content = body.slice(0, lastContent + 1).join('\n');
    if (chomp === '-') return content;
    // The last line of the file may lack its line break; then there is nothing to keep or clip.
    const unterminated = lastLineIndex === this.lines.length - 1 && !this.finalNewline;
    if (chomp === '+') {
      const tail = body.slice(lastContent + 1);
      const all = [content, ...tail].join('\n');
      return unterminated ? all : `${all}\n`;
    }
    return unterminated && lastContent === body.length - 1 ? content : `${content}\n`;
  }
}

const FLOW_PLAIN_STOP = new Set([',', '[', ']', '{', '}', '?']);

/**
 * Length of a plain scalar inside a flow collection, by libyaml's rule (yaml.v2): it ends at
 * `,[]{}?`, at `:` followed by a blank or the end, or at ` #`; a `:` inside (`001:db8::`) is text.
 * 0 when the scalar would start with an indicator (left to the full parser).
 */
function flowPlainEnd(s: string): number {
  const first = s[0];
  if (first === undefined || first === ' ' || INDICATOR_START.has(first)) return 0;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (FLOW_PLAIN_STOP.has(c)) break;
    if (c === ':' && (i + 1 === s.length || s[i + 1] === ' ')) break;
    if (c === '#' && s[i - 1] === ' ') break;
  }
  return i;
}

function isSeqItem(text: string): boolean {
  return text[0] === '-' && (text.length === 1 || text[1] === ' ');
}

function looksLikeKey(text: string): boolean {
  if (text[0] === '"' || text[0] === "'") {
    try {
      const q = text[0] === '"' ? doubleQuoted(text) : singleQuoted(text);
      return q.rest.startsWith(':') && (q.rest.length === 1 || q.rest[1] === ' ');
    } catch {
      return false;
    }
  }
  const i = text.indexOf(': ');
  return (i > 0 && !text.slice(0, i).includes(' #')) || (text.endsWith(':') && !text.includes(' #'));
}

/** Parse `text` if it is in the simple subset; undefined means "use the full parser". */
export function fastParse(text: string, resolver: ScalarResolver): JsonValue | undefined {
  if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined;
  const split = splitLines(text);
  if (!split) return undefined;
  try {
    return new Reader(split.lines, split.finalNewline, resolver).document();
  } catch (e) {
    if (e instanceof Bail || e instanceof RangeError) return undefined;
    throw e;
  }
}
