/**
 * YAML → JSON the way sigs.k8s.io/yaml.YAMLToJSON does it: yaml.v2 decoding (YAML 1.1 plain-scalar
 * resolution: yes/no/on/off booleans, 0-prefixed octal, `~` null, merge keys) followed by conversion
 * to JSON-compatible values (map keys stringified, non-finite floats rejected).
 *
 * The `yaml` package does the syntax (failsafe schema, so every scalar arrives as text with its
 * style); the type resolution is ours so it matches yaml.v2 rather than any YAML spec.
 */
import { type Document, type Node, isAlias, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { K8sError } from './errors.js';
import { type GoType, goStruct } from './gotypes.js';
import { type JsonObject, type JsonValue, MAX_JSON_DEPTH, setOwn } from './json.js';
import { type ScalarResolver, fastParse } from './yaml-fast.js';

const BOOL_NULL: ReadonlyMap<string, boolean | null> = new Map<string, boolean | null>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s) => [s, true] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s) => [s, false] as const),
  ...['', '~', 'null', 'Null', 'NULL'].map((s) => [s, null] as const),
]);
const SPECIAL_FLOATS: ReadonlySet<string> = new Set([
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
]);
const YAML_FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** A yaml.v2 resolved scalar: JSON value, or a marker for values JSON cannot carry. */
type Resolved =
  | { ok: true; value: JsonValue; kind: 'str' | 'int' | 'float' | 'bool' | 'null'; big?: bigint }
  | { ok: false; text: string; float: number };

/** strconv.ParseInt(s, 0, 64) / ParseUint: base prefixes and C-style leading-zero octal. */
function goParseInteger(s: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2]!;
  let v: bigint;
  if (/^0[oO]/.test(body)) v = BigInt(`0o${body.slice(2)}`);
  else if (/^0[0-7]+$/.test(body)) v = BigInt(`0o${body.slice(1)}`);
  else v = BigInt(body);
  if (m[1] === '-') {
    v = -v;
    return v >= -(1n << 63n) ? v : undefined;
  }
  return v <= UINT64_MAX ? v : undefined;
}

function resolvePlain(text: string): Resolved {
  if (BOOL_NULL.has(text)) {
    const v = BOOL_NULL.get(text)!;
    return { ok: true, value: v, kind: v === null ? 'null' : 'bool' };
  }
  const c = text[0];
  if (SPECIAL_FLOATS.has(text)) {
    const f = text.toLowerCase().includes('nan') ? Number.NaN : text.startsWith('-') ? -Infinity : Infinity;
    return { ok: false, text, float: f };
  }
  if (c === '.') {
    // strconv.ParseFloat fails on out-of-range values, which then stay strings.
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) && Number.isFinite(Number(text))) {
      return { ok: true, value: Number(text), kind: 'float' };
    }
    return { ok: true, value: text, kind: 'str' };
  }
  if (c === '+' || c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
    const plain = text.replaceAll('_', '');
    const i = goParseInteger(plain);
    if (i !== undefined) return { ok: true, value: Number(i), kind: 'int', big: i };
    if (YAML_FLOAT_RE.test(plain) && Number.isFinite(Number(plain))) return { ok: true, value: Number(plain), kind: 'float' };
  }
  return { ok: true, value: text, kind: 'str' };
}

const TAG_PREFIX = 'tag:yaml.org,2002:';

function lineOf(node: Node, lineStarts: readonly number[]): number {
  return lineAt(node.range?.[0] ?? 0, lineStarts);
}

function lineAt(offset: number, lineStarts: readonly number[]): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

interface Conv {
  readonly doc: Document.Parsed;
  readonly text: string;
  readonly lineStarts: readonly number[];
  depth: number;
  /** Keep resolved numbers and booleans as YamlScalar so a typed pass can turn them into strings. */
  readonly keepScalars?: boolean;
}

/**
 * A scalar yaml.v2 resolved to a number or boolean, with the text sigs.k8s.io/yaml writes for it when
 * the Go field it lands in is a string (FormatBool, FormatInt/Uint, FormatFloat(f, 'g', -1, 32)), not
 * the text it was written as. Only lives between the boxing parse and goTyped().
 */
class YamlScalar {
  constructor(
    readonly value: number | boolean,
    readonly asString: string,
    /** What a JSON round trip gives instead (List items are re-read from JSON): integral floats print as integers. */
    readonly asStringViaJson: string,
  ) {}
}

function boxScalar(r: Extract<Resolved, { ok: true }>, asFloat: boolean): YamlScalar | JsonValue {
  if (r.kind === 'bool') return new YamlScalar(r.value as boolean, r.value ? 'true' : 'false', r.value ? 'true' : 'false');
  if (r.kind === 'int' && !asFloat) {
    const s = r.big !== undefined ? r.big.toString() : String(r.value);
    return new YamlScalar(r.value as number, s, s);
  }
  if (r.kind === 'int' || r.kind === 'float') {
    const f = r.value as number;
    // A float64 beyond float32's range formats as Go's infinity spelling (the key form uses YAML's).
    const g = formatFloat32G(f).replace(/^(-?)\.inf$/, (_m, sign: string) => (sign ? '-Inf' : '+Inf'));
    const integral = Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 64;
    return new YamlScalar(f, g, integral ? BigInt(f).toString() : g);
  }
  return r.value;
}

/** libyaml (YAML 1.1) escapes; the `yaml` package also accepts YAML 1.2's `\/` and surrogate pairs. */
const DOUBLE_QUOTE_ESCAPE_RE = /\\(?:[0abt\tnvfre "'\\N_LP]|x[0-9A-Fa-f]{2}|u([0-9A-Fa-f]{4})|U[0-9A-Fa-f]{8}|\r?\n|\r)|\\(.?)/gs;

function checkDoubleQuoted(node: Node, cx: Conv): void {
  const range = node.range;
  if (!range) return;
  const raw = cx.text.slice(range[0], range[1]);
  if (!raw.includes('\\')) return;
  for (const m of raw.matchAll(DOUBLE_QUOTE_ESCAPE_RE)) {
    const line = lineOf(node, cx.lineStarts);
    if (m[2] !== undefined) throw new K8sError('yaml', `yaml: line ${line}: found unknown escape character`);
    const u = m[1] ? Number.parseInt(m[1], 16) : -1;
    if (u >= 0xd800 && u <= 0xdfff) {
      throw new K8sError('yaml', `yaml: line ${line}: found invalid Unicode character escape code`);
    }
  }
}

/**
 * libyaml does not invent a line break after an unterminated last line: a block scalar running to
 * the end of an input without a final newline ends without one (the `yaml` package adds it).
 */
function blockScalarText(node: Node, text: string, cx: Conv): string {
  const end = node.range?.[1] ?? 0;
  if (cx.text.endsWith('\n') || !text.endsWith('\n') || cx.text.slice(end).trim() !== '') return text;
  const lastLine = cx.text.slice(cx.text.lastIndexOf('\n') + 1);
  return lastLine.trim() === '' ? text : text.slice(0, -1);
}

function scalarValue(node: Node & { value: unknown; type?: string; tag?: string }, cx: Conv): JsonValue {
  const text = typeof node.value === 'string' ? node.value : String(node.value ?? '');
  const plain = node.type === 'PLAIN' || node.type === undefined;
  const tag = node.tag?.startsWith(TAG_PREFIX) ? node.tag.slice(TAG_PREFIX.length) : node.tag;
  if (node.type === 'QUOTE_DOUBLE') checkDoubleQuoted(node, cx);
  if (tag === 'binary') {
    const compact = text.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
      throw new K8sError('yaml', `yaml: line ${lineOf(node, cx.lineStarts)}: !!binary value contains invalid base64 data`);
    }
    return Buffer.from(compact, 'base64').toString('utf8');
  }
  if (tag === undefined || tag === '') {
    if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') return blockScalarText(node, text, cx);
    if (!plain) return text;
  } else if (tag === 'str' || tag === 'binary' || !['int', 'float', 'bool', 'null'].includes(tag)) {
    return text;
  }
  const r = resolvePlain(text);
  const line = lineOf(node, cx.lineStarts);
  if (!r.ok) throw new K8sError('yaml', `yaml: line ${line}: json: unsupported value: ${r.text} (not representable in JSON)`);
  const intFitsInt64 = r.kind !== 'int' || r.big === undefined || r.big <= INT64_MAX;
  if (tag !== undefined && tag !== '' && r.kind !== tag && !(tag === 'float' && r.kind === 'int' && intFitsInt64)) {
    throw new K8sError('yaml', `yaml: line ${line}: cannot decode !!${r.kind} \`${text}\` as a !!${tag}`);
  }
  return cx.keepScalars ? (boxScalar(r, tag === 'float') as JsonValue) : r.value;
}

/** sigs.k8s.io/yaml turns non-string YAML keys into strings; float keys use 32-bit 'g' formatting. */
function keyString(key: JsonValue, isFloat: boolean, line: number): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'boolean') return key ? 'true' : 'false';
  if (typeof key === 'number') return isFloat ? formatFloat32G(key) : String(key);
  throw new K8sError('yaml', `yaml: line ${line}: unsupported map key of type: ${key === null ? '<nil>' : 'collection'}`);
}

/**
 * A plain scalar key as sigs.k8s.io/yaml stringifies it: ints in decimal (exact), floats through
 * FormatFloat(f, 'g', -1, 32) with .inf/.nan spellings; uint64 keys are rejected like Go does.
 */
function plainKeyString(node: Node, line: number): string | undefined {
  if (!isScalar(node) || (node.type !== 'PLAIN' && node.type !== undefined) || node.tag) return undefined;
  const r = resolvePlain(String(node.value ?? ''));
  if (!r.ok) return Number.isNaN(r.float) ? '.nan' : r.float > 0 ? '.inf' : '-.inf';
  if (r.kind === 'int' && r.big !== undefined) {
    if (r.big > INT64_MAX) throw new K8sError('yaml', `yaml: line ${line}: unsupported map key of type: uint64, key: ${r.big}`);
    return r.big.toString();
  }
  if (r.kind === 'float') return formatFloat32G(r.value as number);
  return undefined;
}

function formatFloat32G(f: number): string {
  const f32 = Math.fround(f);
  if (f32 === 0) return Object.is(f32, -0) ? '-0' : '0';
  if (!Number.isFinite(f32)) return f32 > 0 ? '.inf' : '-.inf';
  // Shortest text that round-trips through float32, in Go's %g layout (exponent when < -4 or >= 21).
  for (let p = 1; p <= 9; p++) {
    const s = f32.toPrecision(p);
    if (Math.fround(Number(s)) === f32) {
      const n = Number(s);
      const exp = Math.floor(Math.log10(Math.abs(n)));
      // strconv 'g' with shortest precision switches to an exponent at 1e6 (eprec = 6).
      if (exp < -4 || exp >= 6) {
        const [m, e] = n.toExponential(p - 1).split('e');
        const ev = Number(e);
        return `${m!.replace(/\.?0+$/, '')}e${ev < 0 ? '-' : '+'}${String(Math.abs(ev)).padStart(2, '0')}`;
      }
      return String(n);
    }
  }
  return String(f32);
}

function convert(node: Node | null, cx: Conv): JsonValue {
  if (node === null) return null;
  if (++cx.depth > MAX_JSON_DEPTH) throw new K8sError('yaml', `yaml: exceeded max depth of ${MAX_JSON_DEPTH}`);
  try {
    if (isAlias(node)) {
      const target = node.resolve(cx.doc);
      if (!target) throw new K8sError('yaml', `yaml: line ${lineOf(node, cx.lineStarts)}: unknown anchor '${node.source}' referenced`);
      return convert(target, cx);
    }
    if (isScalar(node)) return scalarValue(node as Node & { value: unknown; type?: string; tag?: string }, cx);
    if (isSeq(node)) return node.items.map((item) => convert(item as Node | null, cx));
    if (isMap(node)) {
      const out: JsonObject = {};
      const merged: JsonObject[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const line = keyNode ? lineOf(keyNode, cx.lineStarts) : lineOf(node, cx.lineStarts);
        if (keyNode && isScalar(keyNode) && keyNode.type === 'PLAIN' && keyNode.value === '<<' && !keyNode.tag) {
          merged.push(...mergeSources(convert(pair.value as Node | null, cx), line));
          continue;
        }
        const key = (keyNode && plainKeyString(keyNode, line)) ?? keyString(unboxed(convert(keyNode, cx)), false, line);
        setOwn(out, key, convert(pair.value as Node | null, cx));
      }
      if (merged.length === 0) return out;
      // Explicit keys win over merged ones; earlier merge sources win over later ones.
      const result: JsonObject = {};
      for (const src of [...merged.reverse(), out]) for (const k of Object.keys(src)) setOwn(result, k, src[k]!);
      return result;
    }
    throw new K8sError('yaml', `yaml: line ${lineOf(node, cx.lineStarts)}: unsupported YAML node`);
  } finally {
    cx.depth--;
  }
}

function unboxed(v: JsonValue): JsonValue {
  return (v as unknown) instanceof YamlScalar ? (v as unknown as YamlScalar).value : v;
}

function mergeSources(v: JsonValue, line: number): JsonObject[] {
  const isObj = (x: JsonValue): x is JsonObject =>
    typeof x === 'object' && x !== null && !Array.isArray(x) && !((x as unknown) instanceof YamlScalar);
  if (isObj(v)) return [v];
  if (Array.isArray(v) && v.every(isObj)) return v;
  throw new K8sError('yaml', `yaml: line ${line}: map merge requires map or sequence of maps as the value`);
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** Flow collections nested this deep are refused before parsing (no real manifest comes close). */
const MAX_FLOW_DEPTH = 250;

/**
 * The YAML library recurses per nesting level; very deep flow nesting (`[[[[...`) exhausts the
 * stack, and doing that repeatedly can take V8 down. Count flow brackets outside quotes/comments.
 */
/** In block context a quote only opens a quoted scalar where a value may start. */
function startsScalar(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
  return j < 0 || text[j] === '\n' || ((text[j] === ':' || text[j] === '-' || text[j] === '?') && j < i - 1);
}

function checkFlowDepth(text: string, lineStarts: readonly number[]): void {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return;
      i = nl;
    } else if ((c === '"' || c === "'") && (depth > 0 || startsScalar(text, i))) {
      quote = c;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_FLOW_DEPTH) {
        throw new K8sError('yaml', `yaml: line ${lineAt(i, lineStarts)}: flow collections nested deeper than ${MAX_FLOW_DEPTH} levels`);
      }
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    }
  }
}

/**
 * A flow sequence or mapping that does not close, in go-yaml's words. go-yaml names the 0-based line
 * of the token where the parser gave up (the end of the stream counts an unterminated last line),
 * which reads as the line before it; on the first line it names none.
 */
function unclosedFlowError(message: string, offset: number, text: string, lineStarts: readonly number[]): string | undefined {
  const m = /^Flow (sequence|map) in block collection must be sufficiently indented and end with a [\]}]/.exec(message);
  if (!m) return undefined;
  const close = m[1] === 'sequence' ? ']' : '}';
  const line = offset >= text.length ? lineStarts.length - (text.endsWith('\n') ? 1 : 0) : lineAt(offset, lineStarts) - 1;
  const msg = `did not find expected ',' or '${close}'`;
  return line > 0 ? `yaml: line ${line}: ${msg}` : `yaml: ${msg}`;
}

function parseDocs(text: string, lineStarts: readonly number[]): Document.Parsed[] {
  checkFlowDepth(text, lineStarts);
  const docs = parseAllDocuments(text, {
    version: '1.1',
    schema: 'failsafe',
    uniqueKeys: false,
    merge: false,
    strict: false,
    prettyErrors: false,
  });
  const list = Array.isArray(docs) ? docs : [];
  for (const d of list) {
    const err = d.errors[0];
    if (err) {
      const flow = unclosedFlowError(err.message, err.pos[0], text, lineStarts);
      if (flow !== undefined) throw new K8sError('yaml', flow);
      const line = err.linePos?.[0]?.line ?? lineAt(err.pos[0], lineStarts);
      const msg = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new K8sError('yaml', `yaml: line ${line}: ${msg}`);
    }
  }
  return list;
}

const V2_RESOLVER: ScalarResolver = {
  plain(text) {
    const r = resolvePlain(text);
    return r.ok ? r.value : undefined;
  },
  plainKey(text) {
    const r = resolvePlain(text);
    return r.ok && r.kind === 'str' ? text : undefined;
  },
};

/** The V2 resolver, with numbers and booleans boxed for the typed pass. */
const V2_BOXING_RESOLVER: ScalarResolver = {
  plain(text) {
    const r = resolvePlain(text);
    return r.ok ? (boxScalar(r, false) as JsonValue) : undefined;
  },
  plainKey: V2_RESOLVER.plainKey,
};

/**
 * The fast reader is linear and gives the full parser's answer, so it is tried on anything a 6 MiB
 * request can produce (the full parser runs at about 1 MiB/s); the bound only keeps absurd inputs
 * from being split into lines twice.
 */
const FAST_PATH_MAX_CHARS = 64 * 1024 * 1024;

export interface ParseOptions {
  /** Try the fast reader for simple block YAML first (default true); false forces the full parser. */
  fastPath?: boolean;
}

/**
 * Parse the first YAML document of text into JSON-compatible values, as yaml.v2 + sigs.k8s.io/yaml
 * would (an empty document is null). Throws K8sError('yaml') carrying the line number.
 */
export function parseYamlDocument(text: string, options: ParseOptions = {}): JsonValue {
  if (options.fastPath !== false && text.length <= FAST_PATH_MAX_CHARS) {
    const fast = fastParse(text, V2_RESOLVER);
    if (fast !== undefined) return fast;
  }
  const lineStarts = lineStartsOf(text);
  const first = parseDocs(text, lineStarts)[0];
  if (!first) return null;
  return convert(first.contents as Node | null, { doc: first, text, lineStarts, depth: 0 });
}

const DOC_SEPARATOR = /^---[ ]*$/m;

function hasContent(chunk: string): boolean {
  return chunk.split('\n').some((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
}

/**
 * The fast reader over `---`-separated documents, or undefined when any part needs the full
 * parser (including empty documents, whose null-or-absent rules stay with it).
 */
function fastParseStream(text: string): JsonValue[] | undefined {
  const chunks = text.split(DOC_SEPARATOR);
  if (chunks.length > 1 && !hasContent(chunks[0]!)) chunks.shift();
  const out: JsonValue[] = [];
  for (const chunk of chunks) {
    const body = chunk.startsWith('\n') ? chunk.slice(1) : chunk;
    if (!hasContent(body)) return undefined;
    const v = fastParse(body, V2_RESOLVER);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/** Every document of a multi-document stream, in order (empty documents are null). */
export function parseYamlDocuments(text: string, options: ParseOptions = {}): JsonValue[] {
  if (options.fastPath !== false && text.length <= FAST_PATH_MAX_CHARS) {
    const fast = fastParseStream(text);
    if (fast !== undefined) return fast;
  }
  const starts = lineStartsOf(text);
  return parseDocs(text, starts).map((d) => convert(d.contents as Node | null, { doc: d, text, lineStarts: starts, depth: 0 }));
}

function derefType(t: GoType | undefined): GoType | undefined {
  while (t?.k === 'ptr') t = t.elem;
  return t;
}

/**
 * The Go type sigs.k8s.io/yaml converts a struct key's value for: the field's own type, or for a field
 * promoted from an inlined struct that struct (its conversion looks the field up in the outer
 * struct but recurses with the embedded struct as target, so scalars there are not converted).
 */
function fieldTarget(t: GoType | undefined, key: string): GoType | undefined {
  if (t?.k === 'map') return t.elem;
  if (t?.k !== 'struct') return undefined;
  const st = goStruct(t.name);
  const f = st.byJson.get(key) ?? st.byLowerJson.get(key.toLowerCase());
  if (!f) return undefined;
  return f.embeddedIn !== undefined ? { k: 'struct', name: f.embeddedIn } : f.type;
}

/**
 * Unbox a boxing parse's result against a Go type, as sigs.k8s.io/yaml.Unmarshal does before
 * encoding/json sees it: a number or boolean whose target is a string-kinded field becomes its Go
 * text; elsewhere it stays what it is. Types that decode themselves (quantity, IntOrString, time,
 * raw) give no target, so nothing below them is converted.
 */
function goTyped(v: JsonValue, t: GoType | undefined, viaJson: boolean): JsonValue {
  const target = derefType(t);
  if ((v as unknown) instanceof YamlScalar) {
    const b = v as unknown as YamlScalar;
    if (target?.k === 'scalar' && target.go === 'string') return viaJson ? b.asStringViaJson : b.asString;
    return b.value;
  }
  if (Array.isArray(v)) {
    const elem = target?.k === 'list' ? target.elem : undefined;
    return v.map((x) => goTyped(x, elem, viaJson));
  }
  if (typeof v === 'object' && v !== null) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) setOwn(out, k, goTyped(v[k]!, fieldTarget(target, k), viaJson));
    return out;
  }
  return v;
}

/** Which Go type a document decodes into, from its apiVersion and kind; undefined for none. */
export type GoTypeOf = (apiVersion: unknown, kind: unknown) => string | undefined;

/**
 * A list's items are RawExtensions (no target), but kube-inject decodes each registered item again
 * from its JSON, with its own type: so items are converted too, after a JSON round trip.
 */
function goTypedDocument(v: JsonValue, typeOf: GoTypeOf, viaJson: boolean): JsonValue {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return goTyped(v, undefined, viaJson);
  const name = typeOf(unboxed(v.apiVersion ?? null), unboxed(v.kind ?? null));
  const doc = goTyped(v, name !== undefined ? { k: 'struct', name } : undefined, viaJson) as JsonObject;
  if (name === 'List' && Array.isArray(v.items)) doc.items = v.items.map((item) => goTypedDocument(item, typeOf, true));
  return doc;
}

/**
 * The first document of text as sigs.k8s.io/yaml.Unmarshal gives it to a typed Go value (what
 * istioctl kube-inject does with each document): like parseYamlDocument, except that an unquoted
 * `yes`, `on`, `1.10` or `0x1F` in a string field reads as the string Go makes of the resolved value
 * ("true", "true", "1.1", "31") instead of failing the decode.
 */
export function parseYamlDocumentAs(text: string, typeOf: GoTypeOf, options: ParseOptions = {}): JsonValue {
  let boxed: JsonValue | undefined;
  if (options.fastPath !== false && text.length <= FAST_PATH_MAX_CHARS) boxed = fastParse(text, V2_BOXING_RESOLVER);
  if (boxed === undefined) {
    const lineStarts = lineStartsOf(text);
    const first = parseDocs(text, lineStarts)[0];
    if (!first) return null;
    boxed = convert(first.contents as Node | null, { doc: first, text, lineStarts, depth: 0, keepScalars: true });
  }
  return goTypedDocument(boxed, typeOf, false);
}
