/**
 * Go's encoding/json (Marshal / MarshalIndent) and sigs.k8s.io/yaml (JSON → yaml.v2) for template values.
 * Both work on a neutral "JSON tree" first so struct layouts and map ordering are decided in one place.
 */
import { formatFloatV } from './fmt.js';
import {
  GoEnum,
  GoNilPointer,
  GoStringMap,
  GoStruct,
  compareGoStrings,
  isPlainMap,
  isTrue,
} from './values.js';

/** An ordered JSON tree: objects keep the order Go's encoder would write them in. */
export type JsonTree = null | boolean | string | JsonNumber | JsonTree[] | JsonObject;
export interface JsonNumber {
  readonly num: string;
}
export interface JsonObject {
  readonly entries: Array<[string, JsonTree]>;
}

function isJsonNumber(v: JsonTree): v is JsonNumber {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'num' in v;
}
function isJsonObject(v: JsonTree): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'entries' in v;
}

/** Go encoding/json float64 text (same thresholds as JS for float64: 'e' below 1e-6 or from 1e21). */
function goJsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${formatFloatV(f)}`);
  return JSON.stringify(f);
}

function sortedEntries(keys: string[], get: (k: string) => JsonTree): Array<[string, JsonTree]> {
  return keys.sort(compareGoStrings).map((k) => [k, get(k)]);
}

/** Lays out a value as encoding/json would see it. `ordered` hook output keeps its key order. */
export function toJsonTree(v: unknown, depth = 0): JsonTree {
  if (depth > 1000) throw new Error('json: unsupported value: encountered a cycle');
  switch (typeof v) {
    case 'undefined':
      return null;
    case 'string':
    case 'boolean':
      return v;
    case 'bigint':
      return { num: v.toString() };
    case 'number':
      return { num: goJsonFloat(v) };
    case 'function':
      throw new Error('json: unsupported type: func()');
  }
  if (v === null || v instanceof GoNilPointer) return null;
  if (Array.isArray(v)) return v.map((e) => toJsonTree(e, depth + 1));
  if (v instanceof GoEnum) return { num: String(v.value) };
  if (v instanceof GoStringMap) {
    if (v.entries === null) return null;
    const entries = v.entries;
    return { entries: sortedEntries(Object.keys(entries), (k) => entries[k] ?? '') };
  }
  if (v instanceof GoStruct) {
    if (v.jsonHook) return orderedTree(v.jsonHook(), depth + 1);
    const out: Array<[string, JsonTree]> = [];
    if (v.jsonSpec) {
      for (const f of v.jsonSpec) {
        const val = v.fields[f.field];
        if (f.omitempty && isEmptyForJson(val)) continue;
        out.push([f.json, toJsonTree(val, depth + 1)]);
      }
    } else {
      for (const [k, val] of Object.entries(v.fields)) out.push([k, toJsonTree(val, depth + 1)]);
    }
    return { entries: out };
  }
  if (isPlainMap(v)) return { entries: sortedEntries(Object.keys(v), (k) => toJsonTree(v[k], depth + 1)) };
  throw new Error(`json: unsupported type: ${typeof v}`);
}

/** Hook output is already in Go's field order; nested template values still go through toJsonTree. */
function orderedTree(v: unknown, depth: number): JsonTree {
  if (isPlainMap(v)) return { entries: Object.entries(v).map(([k, x]) => [k, orderedTree(x, depth + 1)]) };
  if (Array.isArray(v)) return v.map((x) => orderedTree(x, depth + 1));
  return toJsonTree(v, depth);
}

function isEmptyForJson(v: unknown): boolean {
  if (v === undefined || v === null || v instanceof GoNilPointer) return true;
  if (v instanceof GoStruct) return false;
  if (v instanceof GoStringMap) return v.size === 0;
  return !isTrue(v);
}

/** Go's JSON string escaping, including its HTML-safe escapes of <, > and &. */
export function goJsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      switch (c) {
        case 0x22:
          rep = '\\"';
          break;
        case 0x5c:
          rep = '\\\\';
          break;
        case 0x0a:
          rep = '\\n';
          break;
        case 0x0d:
          rep = '\\r';
          break;
        case 0x09:
          rep = '\\t';
          break;
        case 0x08:
          rep = '\\b';
          break;
        case 0x0c:
          rep = '\\f';
          break;
        default:
          rep = '\\u' + c.toString(16).padStart(4, '0');
      }
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const hi = c <= 0xdbff;
      const next = s.charCodeAt(i + 1);
      if (hi && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      rep = '\\ufffd';
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

export function writeJson(t: JsonTree, indent: string | undefined, level = 0): string {
  if (t === null) return 'null';
  if (typeof t === 'boolean') return t ? 'true' : 'false';
  if (typeof t === 'string') return goJsonString(t);
  if (isJsonNumber(t)) return t.num;
  const nl = indent === undefined ? '' : '\n' + indent.repeat(level + 1);
  const close = indent === undefined ? '' : '\n' + indent.repeat(level);
  if (Array.isArray(t)) {
    if (t.length === 0) return '[]';
    return `[${nl}${t.map((e) => writeJson(e, indent, level + 1)).join(',' + nl)}${close}]`;
  }
  if (t.entries.length === 0) return '{}';
  const sep = indent === undefined ? ':' : ': ';
  return `{${nl}${t.entries.map(([k, v]) => goJsonString(k) + sep + writeJson(v, indent, level + 1)).join(',' + nl)}${close}}`;
}

/** json.Marshal. Throws Error with Go's message on unsupported values. */
export function marshalJson(v: unknown): string {
  return writeJson(toJsonTree(v), undefined);
}

/** json.MarshalIndent(v, "", indent). */
export function marshalJsonIndent(v: unknown, indent = '  '): string {
  return writeJson(toJsonTree(v), indent);
}

// ---------------------------------------------------------------------------------------------- YAML

/** sigs.k8s.io/yaml.Marshal: JSON first, then yaml.v2 block style with sorted keys. Ends with "\n". */
export function marshalYaml(v: unknown): string {
  const tree = toJsonTree(v);
  const out: string[] = [];
  emitTop(yamlNode(tree), out);
  return out.join('');
}

/** JSON re-read by yaml.v2: numbers become int or float, objects become maps sorted by yaml.v2's key order. */
type YNode = { t: 'scalar'; text: string } | { t: 'seq'; items: YNode[] } | { t: 'map'; entries: Array<[string, YNode]> };

function yamlNode(t: JsonTree): YNode {
  if (t === null) return { t: 'scalar', text: 'null' };
  if (typeof t === 'boolean') return { t: 'scalar', text: t ? 'true' : 'false' };
  if (typeof t === 'string') return { t: 'scalar', text: yamlString(t, 0) };
  if (isJsonNumber(t)) return { t: 'scalar', text: yamlNumber(t.num) };
  if (Array.isArray(t)) return { t: 'seq', items: t.map(yamlNode) };
  if (isJsonObject(t)) {
    const entries = [...t.entries].sort((a, b) => (yamlKeyLess(a[0], b[0]) ? -1 : yamlKeyLess(b[0], a[0]) ? 1 : 0));
    return { t: 'map', entries: entries.map(([k, v]) => [k, yamlNode(v)]) };
  }
  return { t: 'scalar', text: 'null' };
}

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

const YAML11_SPECIAL = new Set([
  '',
  '~',
  'null',
  'Null',
  'NULL',
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'true',
  'True',
  'TRUE',
  'false',
  'False',
  'FALSE',
  'on',
  'On',
  'ON',
  'off',
  'Off',
  'OFF',
  '.inf',
  '.Inf',
  '.INF',
  '+.inf',
  '+.Inf',
  '+.INF',
  '-.inf',
  '-.Inf',
  '-.INF',
  '.nan',
  '.NaN',
  '.NAN',
  '<<',
]);

/** Would yaml.v2 resolve this plain scalar to something other than a string? */
function resolvesToNonString(s: string): boolean {
  if (YAML11_SPECIAL.has(s)) return true;
  const c = s[0] ?? '';
  if (!/[-+.0-9]/.test(c)) return false;
  const plain = s.replace(/_/g, '');
  if (/^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*|0[bB][01]+)$/.test(plain)) return true;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return true;
  if (/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s)) return true; // base-60 float
  if (/^\d{4}-\d\d?-\d\d?([Tt ]|$)/.test(s)) return true; // timestamp
  return false;
}

function isYamlPrintable(c: number): boolean {
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    c === 0x85 ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

interface ScalarAnalysis {
  plain: boolean;
  single: boolean;
  block: boolean;
}

/** A port of the decisions in yaml.v2's yaml_emitter_analyze_scalar for block context. */
function analyze(s: string): ScalarAnalysis {
  if (s === '') return { plain: false, single: true, block: false };
  let blockIndicators = false;
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
  if (s.startsWith('---') || s.startsWith('...')) blockIndicators = true;
  const chars = Array.from(s);
  let precededByWs = true;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const next = chars[i + 1];
    const followedByWs = next === undefined || next === ' ' || next === '\t' || next === '\n' || next === '\r';
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      else if ((ch === '?' || ch === ':' || ch === '-') && followedByWs) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWs) blockIndicators = true;
      if (ch === '#' && precededByWs) blockIndicators = true;
    }
    const c = ch.codePointAt(0)!;
    if (!isYamlPrintable(c)) special = true;
    if (ch === '\n' || ch === '\r') lineBreaks = true;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (ch === '\n' || ch === '\r') {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevBreak = true;
      prevSpace = false;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
  }
  let plain = true;
  let single = true;
  let block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) plain = false;
  if (trailingSpace) block = false;
  if (breakSpace) {
    plain = false;
    single = false;
  }
  if (spaceBreak || special) {
    plain = false;
    single = false;
    block = false;
  }
  if (lineBreaks) plain = false;
  if (blockIndicators) plain = false;
  return { plain, single, block };
}

function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
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
      case '\0':
        out += '\\0';
        continue;
    }
    if (!isYamlPrintable(c) || c === 0xfeff) {
      if (c <= 0xff) out += '\\x' + c.toString(16).toUpperCase().padStart(2, '0');
      else if (c <= 0xffff) out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
      else out += '\\U' + c.toString(16).toUpperCase().padStart(8, '0');
    } else out += ch;
  }
  return out + '"';
}

const LITERAL = '\u0000LITERAL:';

/** Chooses the scalar style yaml.v2 would: plain, single-quoted, double-quoted, or literal block. */
function yamlString(s: string, _indent: number): string {
  if (s.includes('\n')) {
    const a = analyze(s);
    if (a.block) return LITERAL + s;
    return doubleQuoted(s);
  }
  if (resolvesToNonString(s)) return doubleQuoted(s);
  const a = analyze(s);
  if (a.plain) return s;
  if (a.single) return `'${s.replace(/'/g, "''")}'`;
  return doubleQuoted(s);
}

function literalBlock(s: string, indent: number): string {
  const body = s;
  let chomp = '';
  if (!body.endsWith('\n')) chomp = '-';
  else if (body.endsWith('\n\n') || body === '\n') chomp = '+';
  const hint = body.startsWith(' ') || body.startsWith('\n') ? '2' : '';
  const pad = ' '.repeat(indent);
  const lines = (chomp === '-' ? body : body.slice(0, -1)).split('\n');
  return `|${hint}${chomp}\n` + lines.map((l) => (l === '' ? '' : pad + l)).join('\n');
}

function scalarText(text: string, indent: number): string {
  return text.startsWith(LITERAL) ? literalBlock(text.slice(LITERAL.length), indent) : text;
}

function keyText(k: string): string {
  const t = yamlString(k, 0);
  return t.startsWith(LITERAL) ? doubleQuoted(k) : t;
}

function emitTop(n: YNode, out: string[]): void {
  if (n.t === 'scalar') {
    out.push(scalarText(n.text, 2) + '\n');
    return;
  }
  if (n.t === 'map' && n.entries.length === 0) {
    out.push('{}\n');
    return;
  }
  if (n.t === 'seq' && n.items.length === 0) {
    out.push('[]\n');
    return;
  }
  emitBlock(n, 0, out, true);
}

/** Writes a non-empty collection at `indent`; `first` means the cursor already sits at that column. */
function emitBlock(n: YNode, indent: number, out: string[], first: boolean): void {
  const pad = ' '.repeat(indent);
  if (n.t === 'map') {
    n.entries.forEach(([k, v], i) => {
      out.push((i === 0 && first ? '' : pad) + keyText(k) + ':');
      emitValue(v, indent, out, false);
    });
  } else if (n.t === 'seq') {
    n.items.forEach((v, i) => {
      out.push((i === 0 && first ? '' : pad) + '-');
      emitValue(v, indent, out, true);
    });
  }
}

/** After `key:` or `-`; sequences under a key are not indented, as yaml.v2 writes them. */
function emitValue(v: YNode, indent: number, out: string[], inSeq: boolean): void {
  if (v.t === 'scalar') {
    out.push(' ' + scalarText(v.text, indent + 2) + '\n');
    return;
  }
  if (v.t === 'map' && v.entries.length === 0) {
    out.push(' {}\n');
    return;
  }
  if (v.t === 'seq' && v.items.length === 0) {
    out.push(' []\n');
    return;
  }
  if (inSeq) {
    out.push(' ');
    emitBlock(v, indent + 2, out, true);
    return;
  }
  out.push('\n');
  emitBlock(v, v.t === 'seq' ? indent : indent + 2, out, false);
}
