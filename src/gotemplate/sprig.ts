/** Masterminds/sprig v3 functions (TxtFuncMap) as Istio's templates and typical custom templates use them. */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { marshalJson, marshalJsonIndent } from './encode.js';
import { formatValue, goQuote } from './fmt.js';
import { FuncError, goFunc, type FuncMap, type GoFunc } from './func.js';
import { sprigExtras, untilStep } from './sprig-extra.js';
import {
  GoEnum,
  GoNilPointer,
  GoStringMap,
  GoStruct,
  GoTypedInt,
  byteLength,
  compareGoStrings,
  goInt64,
  goTypeName,
  isPlainMap,
  isTrue,
} from './values.js';

/** sprig's empty(): Go's IsTrue negated, except that a struct is never empty. */
export function empty(v: unknown): boolean {
  if (v instanceof GoStruct) return false;
  return !isTrue(v);
}

/** sprig's strval. */
export function strval(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof GoStruct && v.methods['String']) return formatValue(v, false);
  if (v instanceof GoEnum) return v.name;
  return formatValue(v, false);
}

function reflectKind(v: unknown): string {
  if (v === null || v === undefined) return 'invalid';
  if (Array.isArray(v)) return 'slice';
  if (isPlainMap(v) || v instanceof GoStringMap) return 'map';
  if (v instanceof GoStruct) return v.typeName.startsWith('*') ? 'ptr' : 'struct';
  if (v instanceof GoNilPointer) return 'ptr';
  if (v instanceof GoEnum) return 'int32';
  if (v instanceof GoTypedInt) return v.type;
  switch (typeof v) {
    case 'bigint':
      return 'int';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
  }
  return 'func';
}

/** A nil argument to reflect.TypeOf(x).Kind() dereferences nil in Go. */
function kindOrPanic(v: unknown): string {
  if (v === null || v === undefined) throw new FuncError('runtime error: invalid memory address or nil pointer dereference');
  return reflectKind(v);
}

function asList(v: unknown, what: string): unknown[] {
  const k = kindOrPanic(v);
  if (Array.isArray(v)) return v;
  throw new FuncError(`Cannot ${what} on type ${k}`);
}

/** sprig's push (alias append): always a fresh list, see GoFunc.listAppend. */
const LIST_APPEND: GoFunc = { ...goFunc(['any', 'any'], (l: unknown, v: unknown) => [...asList(l, 'push'), v]), listAppend: true };

/** spf13/cast ToInt64 as sprig uses it: lenient, 0 on failure. */
export function toInt64(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (v instanceof GoTypedInt) return v.value;
  if (v instanceof GoEnum) return BigInt(v.value);
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') {
    // cast trims a zero decimal part ("1.0", "2.00"), then strconv.ParseInt(s, 0, 0) decides.
    const s = v.replace(/\.0+$/, '');
    const m = /^([-+]?)(0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*|[1-9][0-9]*)$/.exec(s);
    if (!m) return 0n;
    const body = m[2]!.replace(/_/g, '');
    const n = /^0[0-7]+$/.test(body) ? BigInt('0o' + body.slice(1)) : BigInt(body);
    const signed = m[1] === '-' ? -n : n;
    return signed >= -(1n << 63n) && signed < 1n << 63n ? signed : 0n;
  }
  return 0n;
}

export function toFloat64(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof GoTypedInt) return Number(v.value);
  if (v instanceof GoEnum) return v.value;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    // strconv.ParseFloat syntax; anything else is 0 as in cast.
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return Number(v);
    if (/^[+-]?(inf|infinity)$/i.test(v)) return v.startsWith('-') ? -Infinity : Infinity;
    const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(v);
    if (hex && (hex[2] || hex[3])) {
      const frac = hex[3] ?? '';
      const mant = parseInt(hex[2]! + frac || '0', 16) * 2 ** (Number(hex[4]) - 4 * frac.length);
      return hex[1] === '-' ? -mant : mant;
    }
    if (/^nan$/i.test(v)) return NaN;
    return 0;
  }
  return 0;
}

/** sprig strslice: []string from a list (nil elements dropped) or a single value. */
function strslice(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.filter((e) => e !== null && e !== undefined).map(strval);
  return [strval(v)];
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainMap(a) && isPlainMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  if (a instanceof GoTypedInt && b instanceof GoTypedInt) return a.type === b.type && a.value === b.value;
  if (a instanceof GoStringMap && b instanceof GoStringMap) {
    return a.size === b.size && a.keys().every((k) => b.has(k) && a.get(k) === b.get(k));
  }
  return false;
}

function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isPlainMap(v)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = deepCopy(x);
    return o;
  }
  if (v instanceof GoStringMap) return new GoStringMap(v.entries === null ? null : { ...v.entries });
  return v;
}

/**
 * dario.cat/mergo v1.0.1 on map[string]interface{} as sprig calls it: nested maps merge in place; without
 * overwrite a key is filled only when missing or empty in dst; with overwrite every non-map src value
 * replaces dst's, empty ones included. A nil src value is skipped, or copied over with overwrite.
 */
function mergeInto(dst: Record<string, unknown>, src: Record<string, unknown>, overwrite: boolean): void {
  for (const [k, sv] of Object.entries(src)) {
    const present = Object.hasOwn(dst, k);
    const dv = dst[k];
    if (sv === null || sv === undefined) {
      if (overwrite) dst[k] = null;
      continue;
    }
    if (isPlainMap(sv) && isPlainMap(dv)) mergeInto(dv, sv, overwrite);
    const dstEmpty = !present || mergoEmpty(dv);
    if (!dstEmpty && (Array.isArray(sv) || (isPlainMap(sv) && isPlainMap(dv)))) {
      if (Array.isArray(sv) && overwrite) dst[k] = sv;
      continue;
    }
    if (overwrite || dstEmpty) dst[k] = sv;
  }
}

/** mergo's isEmptyValue, dereferencing interfaces: zero scalars, empty collections and nil. */
function mergoEmpty(v: unknown): boolean {
  if (v instanceof GoStruct) return false;
  return !isTrue(v);
}

/** A Go type assertion to map[string]interface{}. */
function requireMap(v: unknown): Record<string, unknown> {
  if (isPlainMap(v)) return v;
  const t = v === null || v === undefined ? 'nil' : goTypeName(v);
  throw new FuncError(`interface conversion: interface {} is ${t}, not map[string]interface {}`);
}

function padAll(n: bigint, s: string): string {
  if (n < 0n) throw new FuncError('strings: negative Repeat count');
  const pad = ' '.repeat(Number(n));
  return pad + s.replaceAll('\n', '\n' + pad);
}

/** strings.SplitN. */
function goSplitN(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  if (n < 0) return sep === '' ? Array.from(s) : s.split(sep);
  const parts = sep === '' ? Array.from(s) : s.split(sep);
  if (parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

/** path.Clean. */
function goClean(p: string): string {
  if (p === '') return '.';
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!abs) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  return abs ? '/' + joined : joined || '.';
}


/** Go RE2 syntax to a JS RegExp; inline flags at the start are the common non-JS part. */
export function goRegExp(re: string, global = false): RegExp {
  let src = re;
  let flags = global ? 'gu' : 'u';
  const m = /^\(\?([imsU]+)\)/.exec(src);
  if (m) {
    src = src.slice(m[0].length);
    for (const f of m[1]!) if (f !== 'U' && !flags.includes(f)) flags += f;
  }
  src = src.replace(/\\z/g, '$').replace(/\(\?P</g, '(?<');
  try {
    return new RegExp(src, flags);
  } catch {
    throw new FuncError(`error parsing regexp: invalid or unsupported Perl syntax: \`${re}\``);
  }
}

/** regexp.Expand template syntax: $1, ${1}, $name, ${name}, $$. */
function expandReplacement(repl: string, match: RegExpExecArray): string {
  return repl.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (_all, d: string, braced?: string, bare?: string) => {
    if (d === '$') return '$';
    const name = braced ?? bare ?? '';
    if (/^\d+$/.test(name)) return match[Number(name)] ?? '';
    return match.groups?.[name] ?? '';
  });
}

function regexReplaceAll(re: string, s: string, repl: string, literal: boolean): string {
  const r = goRegExp(re, true);
  return s.replace(r, (...args: unknown[]) => {
    if (literal) return repl;
    const groupsObj = args[args.length - 1];
    const hasGroups = typeof groupsObj === 'object' && groupsObj !== null;
    const captures = args.slice(0, hasGroups ? -3 : -2) as string[];
    const m = Object.assign(captures.map((c) => c ?? ''), { index: 0, input: s, groups: hasGroups ? (groupsObj as Record<string, string>) : undefined }) as unknown as RegExpExecArray;
    return expandReplacement(repl, m);
  });
}

function goTitle(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    const sep = !/[\p{L}\p{N}_]/u.test(prev);
    out += sep ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

/** strings.Trim family with a cutset. */
function trimCutset(s: string, cutset: string, left: boolean, right: boolean): string {
  const set = new Set(Array.from(cutset));
  const chars = Array.from(s);
  let a = 0;
  let b = chars.length;
  if (left) while (a < b && set.has(chars[a]!)) a++;
  if (right) while (b > a && set.has(chars[b - 1]!)) b--;
  return chars.slice(a, b).join('');
}

function goTrimSpace(s: string): string {
  return s.replace(/^[\s\u0085\u00a0]+|[\s\u0085\u00a0]+$/gu, '');
}

function truncBytes(c: bigint, s: string): string {
  const len = byteLength(s);
  if (len === s.length) {
    if (c < 0n && BigInt(len) + c > 0n) return s.slice(len + Number(c));
    if (c >= 0n && BigInt(len) > c) return s.slice(0, Number(c));
    return s;
  }
  const b = Buffer.from(s, 'utf8');
  if (c < 0n && BigInt(len) + c > 0n) return b.subarray(len + Number(c)).toString('utf8');
  if (c >= 0n && BigInt(len) > c) return b.subarray(0, Number(c)).toString('utf8');
  return s;
}

function dict(...kv: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < kv.length; i += 2) {
    const k = strval(kv[i]);
    out[k] = i + 1 >= kv.length ? '' : kv[i + 1];
  }
  return out;
}

function until(count: bigint): bigint[] {
  return untilStep(0n, count, count < 0n ? -1n : 1n);
}

function intArith(op: (a: bigint, b: bigint) => bigint) {
  return (a: unknown, b: unknown): GoTypedInt => goInt64(op(toInt64(a), toInt64(b)));
}

function divide(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new FuncError('runtime error: integer divide by zero');
  return a / b;
}

function modulo(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new FuncError('runtime error: integer divide by zero');
  return a % b;
}

const CORE_SPRIG: FuncMap = {
  // defaults
  default: goFunc(['any'], (d: unknown, ...given: unknown[]) => (given.length === 0 || empty(given[0]) ? d : given[0]), 'any'),
  empty: goFunc(['any'], empty),
  coalesce: goFunc([], (...v: unknown[]) => v.find((x) => !empty(x)) ?? null, 'any'),
  ternary: goFunc(['any', 'any', 'bool'], (t: unknown, f: unknown, c: boolean) => (c ? t : f)),
  fail: goFunc(['string'], (msg: string) => {
    throw new FuncError(msg);
  }),
  all: goFunc([], (...v: unknown[]) => v.every((x) => !empty(x)), 'any'),
  any: goFunc([], (...v: unknown[]) => v.some((x) => !empty(x)), 'any'),
  deepEqual: goFunc(['any', 'any'], (a: unknown, b: unknown) => deepEqual(a, b)),
  // strings
  quote: goFunc([], (...v: unknown[]) => v.filter((x) => x !== null).map((x) => goQuote(strval(x))).join(' '), 'any'),
  squote: goFunc([], (...v: unknown[]) => v.filter((x) => x !== null).map((x) => `'${strval(x)}'`).join(' '), 'any'),
  cat: goFunc([], (...v: unknown[]) => v.filter((x) => x !== null).map(strval).join(' '), 'any'),
  indent: goFunc(['int', 'string'], (n: bigint, s: string) => padAll(n, s)),
  nindent: goFunc(['int', 'string'], (n: bigint, s: string) => '\n' + padAll(n, s)),
  trunc: goFunc(['int', 'string'], truncBytes),
  trim: goFunc(['string'], goTrimSpace),
  trimAll: goFunc(['string', 'string'], (cut: string, s: string) => trimCutset(s, cut, true, true)),
  trimall: goFunc(['string', 'string'], (cut: string, s: string) => trimCutset(s, cut, true, true)),
  trimPrefix: goFunc(['string', 'string'], (p: string, s: string) => (s.startsWith(p) ? s.slice(p.length) : s)),
  trimSuffix: goFunc(['string', 'string'], (p: string, s: string) => (p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s)),
  contains: goFunc(['string', 'string'], (sub: string, s: string) => s.includes(sub)),
  hasPrefix: goFunc(['string', 'string'], (p: string, s: string) => s.startsWith(p)),
  hasSuffix: goFunc(['string', 'string'], (p: string, s: string) => s.endsWith(p)),
  lower: goFunc(['string'], (s: string) => s.toLowerCase()),
  upper: goFunc(['string'], (s: string) => s.toUpperCase()),
  title: goFunc(['string'], goTitle),
  repeat: goFunc(['int', 'string'], (n: bigint, s: string) => {
    if (n < 0n) throw new FuncError('strings: negative Repeat count');
    return s.repeat(Number(n));
  }),
  replace: goFunc(['string', 'string', 'string'], (o: string, n: string, s: string) => (o !== '' ? s.split(o).join(n) : s === '' ? n : n + Array.from(s).join(n) + n)),
  nospace: goFunc(['string'], (s: string) => s.replace(/\s+/gu, '')),
  substr: goFunc(['int', 'int', 'string'], (start: bigint, end: bigint, s: string) => {
    const b = Buffer.from(s, 'utf8');
    if (start < 0n) return b.subarray(0, Number(end)).toString('utf8');
    if (end < 0n || end > BigInt(b.length)) return b.subarray(Number(start)).toString('utf8');
    return b.subarray(Number(start), Number(end)).toString('utf8');
  }),
  join: goFunc(['string', 'any'], (sep: string, v: unknown) => strslice(v).join(sep)),
  split: goFunc(['string', 'string'], (sep: string, s: string) => {
    const parts = s.split(sep);
    const m: Record<string, string> = {};
    parts.forEach((p, i) => (m[`_${i}`] = p));
    return new GoStringMap(m);
  }),
  splitn: goFunc(['string', 'int', 'string'], (sep: string, n: bigint, s: string) => {
    const m: Record<string, string> = {};
    goSplitN(s, sep, Number(n)).forEach((p, i) => (m[`_${i}`] = p));
    return new GoStringMap(m);
  }),
  splitList: goFunc(['string', 'string'], (sep: string, s: string) => (sep === '' ? Array.from(s) : s.split(sep))),
  toString: goFunc(['any'], strval),
  toStrings: goFunc(['any'], (v: unknown) => strslice(v)),
  b64enc: goFunc(['string'], (s: string) => Buffer.from(s, 'utf8').toString('base64')),
  b64dec: goFunc(['string'], (s: string) => {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return 'illegal base64 data at input byte ' + firstBadB64(s);
    return Buffer.from(s, 'base64').toString('utf8');
  }),
  sha256sum: goFunc(['string'], (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')),
  sha1sum: goFunc(['string'], (s: string) => createHash('sha1').update(s, 'utf8').digest('hex')),
  regexMatch: goFunc(['string', 'string'], (re: string, s: string) => {
    try {
      return goRegExp(re).test(s);
    } catch {
      return false;
    }
  }),
  regexFind: goFunc(['string', 'string'], (re: string, s: string) => goRegExp(re).exec(s)?.[0] ?? ''),
  regexFindAll: goFunc(['string', 'string', 'int'], (re: string, s: string, n: bigint) => {
    const all = Array.from(s.matchAll(goRegExp(re, true)), (m) => m[0]);
    return n < 0n ? all : all.slice(0, Number(n));
  }),
  regexReplaceAll: goFunc(['string', 'string', 'string'], (re: string, s: string, r: string) => regexReplaceAll(re, s, r, false)),
  regexReplaceAllLiteral: goFunc(['string', 'string', 'string'], (re: string, s: string, r: string) => regexReplaceAll(re, s, r, true)),
  regexSplit: goFunc(['string', 'string', 'int'], (re: string, s: string, n: bigint) => {
    const parts = s.split(goRegExp(re, true));
    return n < 0n ? parts : parts.slice(0, Number(n));
  }),
  // numbers
  atoi: goFunc(['string'], (s: string) => (/^[-+]?\d+$/.test(s) ? BigInt(s) : 0n)),
  int: goFunc(['any'], toInt64),
  int64: goFunc(['any'], (v: unknown) => goInt64(toInt64(v))),
  float64: goFunc(['any'], toFloat64),
  add: goFunc([], (...v: unknown[]) => goInt64(v.reduce<bigint>((a, b) => a + toInt64(b), 0n)), 'any'),
  add1: goFunc(['any'], (v: unknown) => goInt64(toInt64(v) + 1n)),
  sub: goFunc(['any', 'any'], intArith((a, b) => a - b)),
  mul: goFunc(['any'], (a: unknown, ...v: unknown[]) => goInt64(v.reduce<bigint>((x, y) => x * toInt64(y), toInt64(a))), 'any'),
  div: goFunc(['any', 'any'], intArith(divide)),
  mod: goFunc(['any', 'any'], intArith(modulo)),
  max: goFunc(['any'], (a: unknown, ...v: unknown[]) => goInt64(v.reduce<bigint>((x, y) => (toInt64(y) > x ? toInt64(y) : x), toInt64(a))), 'any'),
  min: goFunc(['any'], (a: unknown, ...v: unknown[]) => goInt64(v.reduce<bigint>((x, y) => (toInt64(y) < x ? toInt64(y) : x), toInt64(a))), 'any'),
  until: goFunc(['int'], until),
  untilStep: goFunc(['int', 'int', 'int'], untilStep),
  base: goFunc(['string'], (p: string) => posix.basename(p.replace(/\/+$/, '')) || (p.startsWith('/') ? '/' : '.')),
  dir: goFunc(['string'], (p: string) => goClean(p.slice(0, p.lastIndexOf('/') + 1))),
  clean: goFunc(['string'], (p: string) => goClean(p)),
  ext: goFunc(['string'], (p: string) => {
    const m = /\.[^./]*$/.exec(p);
    return m ? m[0] : '';
  }),
  isAbs: goFunc(['string'], (p: string) => p.startsWith('/')),
  // lists
  list: goFunc([], (...v: unknown[]) => v, 'any'),
  append: LIST_APPEND,
  push: LIST_APPEND,
  prepend: goFunc(['any', 'any'], (l: unknown, v: unknown) => [v, ...asList(l, 'prepend')]),
  first: goFunc(['any'], (l: unknown) => {
    const a = asList(l, 'find first');
    return a.length === 0 ? null : a[0];
  }),
  last: goFunc(['any'], (l: unknown) => {
    const a = asList(l, 'find last');
    return a.length === 0 ? null : a[a.length - 1];
  }),
  rest: goFunc(['any'], (l: unknown) => {
    const a = asList(l, 'find rest');
    return a.length === 0 ? null : a.slice(1);
  }),
  initial: goFunc(['any'], (l: unknown) => {
    const a = asList(l, 'find initial');
    return a.length === 0 ? null : a.slice(0, -1);
  }),
  reverse: goFunc(['any'], (l: unknown) => [...asList(l, 'find reverse')].reverse()),
  uniq: goFunc(['any'], (l: unknown) => {
    const out: unknown[] = [];
    for (const x of asList(l, 'find uniq')) if (!out.some((y) => deepEqual(x, y))) out.push(x);
    return out;
  }),
  compact: goFunc(['any'], (l: unknown) => asList(l, 'compact').filter((x) => !empty(x))),
  without: goFunc(['any'], (l: unknown, ...omit: unknown[]) => asList(l, 'find without').filter((x) => !omit.some((o) => deepEqual(x, o))), 'any'),
  has: goFunc(['any', 'any'], (needle: unknown, hay: unknown) => {
    if (hay === null) return false;
    if (!Array.isArray(hay)) throw new FuncError(`Cannot find has on type ${reflectKind(hay)}`);
    return hay.some((x) => deepEqual(x, needle));
  }),
  concat: goFunc([], (...lists: unknown[]) => lists.flatMap((l) => {
    const k = kindOrPanic(l);
    if (!Array.isArray(l)) throw new FuncError(`Cannot concat type ${k} as list`);
    return l;
  }), 'any'),
  slice: goFunc(['any'], (l: unknown, ...idx: unknown[]) => {
    const k = kindOrPanic(l);
    if (!Array.isArray(l)) throw new FuncError(`list should be type of slice or array but ${k}`);
    if (l.length === 0) return null;
    const start = idx.length > 0 ? Number(toInt64(idx[0])) : 0;
    const end = idx.length < 2 ? l.length : Number(toInt64(idx[1]));
    if (start < 0 || end > l.length || start > end) throw new FuncError('reflect: slice index out of range');
    return l.slice(start, end);
  }, 'any'),
  pluck: goFunc(['string'], (k: string, ...ds: Array<Record<string, unknown> | null>) =>
    ds.filter((d) => d !== null && Object.hasOwn(d, k)).map((d) => d![k]), 'map'),
  sortAlpha: goFunc(['any'], (l: unknown) => (Array.isArray(l) ? strslice(l).sort(compareGoStrings) : [strval(l)])),
  // dicts
  dict: goFunc([], dict, 'any'),
  get: goFunc(['map', 'string'], (d: Record<string, unknown> | null, k: string) => (d && Object.hasOwn(d, k) ? d[k] : '')),
  set: goFunc(['map', 'string', 'any'], (d: Record<string, unknown> | null, k: string, v: unknown) => {
    if (d === null) throw new FuncError('assignment to entry in nil map');
    d[k] = v;
    return d;
  }),
  unset: goFunc(['map', 'string'], (d: Record<string, unknown> | null, k: string) => {
    if (d !== null) delete d[k];
    return d;
  }),
  hasKey: goFunc(['map', 'string'], (d: Record<string, unknown> | null, k: string) => d !== null && Object.hasOwn(d, k)),
  keys: goFunc([], (...ds: Array<Record<string, unknown> | null>) => ds.flatMap((d) => Object.keys(d ?? {})), 'map'),
  values: goFunc(['map'], (d: Record<string, unknown> | null) => Object.values(d ?? {})),
  pick: goFunc(['map'], (d: Record<string, unknown> | null, ...ks: string[]) => {
    const out: Record<string, unknown> = {};
    for (const k of ks) if (d && Object.hasOwn(d, k)) out[k] = d[k];
    return out;
  }, 'string'),
  omit: goFunc(['map'], (d: Record<string, unknown> | null, ...ks: string[]) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(d ?? {})) if (!ks.includes(k)) out[k] = v;
    return out;
  }, 'string'),
  merge: goFunc(['map'], (dst: Record<string, unknown> | null, ...srcs: Array<Record<string, unknown> | null>) => {
    const d = dst ?? {};
    for (const s of srcs) mergeInto(d, s ?? {}, false);
    return d;
  }, 'map'),
  mergeOverwrite: goFunc(['map'], (dst: Record<string, unknown> | null, ...srcs: Array<Record<string, unknown> | null>) => {
    const d = dst ?? {};
    for (const s of srcs) mergeInto(d, s ?? {}, true);
    return d;
  }, 'map'),
  dig: goFunc([], (...args: unknown[]) => {
    if (args.length < 3) throw new FuncError('dig needs at least three arguments');
    let cur = requireMap(args[args.length - 1]);
    const def = args[args.length - 2];
    const keys = args.slice(0, -2).map((k) => {
      if (typeof k !== 'string') throw new FuncError(`interface conversion: interface {} is ${k === null ? 'nil' : goTypeName(k)}, not string`);
      return k;
    });
    for (let i = 0; i < keys.length; i++) {
      if (!Object.hasOwn(cur, keys[i]!)) return def;
      const step = cur[keys[i]!];
      if (i === keys.length - 1) return step;
      cur = requireMap(step);
    }
    return def;
  }, 'any'),
  deepCopy: goFunc(['any'], (v: unknown) => {
    if (v === null) throw new FuncError('reflect: call of reflect.Value.Type on zero Value');
    return deepCopy(v);
  }),
  // encoding
  toJson: goFunc(['any'], (v: unknown) => {
    try {
      return marshalJson(v);
    } catch {
      return '';
    }
  }),
  toPrettyJson: goFunc(['any'], (v: unknown) => {
    try {
      return marshalJsonIndent(v);
    } catch {
      return '';
    }
  }),
  toRawJson: goFunc(['any'], (v: unknown) => {
    try {
      return marshalJson(v).replace(/\\u003c/g, '<').replace(/\\u003e/g, '>').replace(/\\u0026/g, '&');
    } catch {
      return '';
    }
  }),
  fromJson: goFunc(['string'], (s: string) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      return null;
    }
  }),
  env: goFunc(['string'], (k: string) => process.env[k] ?? ''),
  typeOf: goFunc(['any'], (v: unknown) => (v === null ? '<nil>' : goTypeName(v))),
  kindOf: goFunc(['any'], (v: unknown) => reflectKind(v)),
  kindIs: goFunc(['string', 'any'], (k: string, v: unknown) => reflectKind(v) === k),
};

function firstBadB64(s: string): number {
  for (let i = 0; i < s.length; i++) if (!/[A-Za-z0-9+/=]/.test(s[i]!)) return i;
  return Math.max(0, s.length - (s.length % 4));
}

/** sprig v3.3.0's TxtFuncMap: the functions above plus every remaining name (see sprig-extra.ts). */
export const SPRIG_FUNCS: FuncMap = { ...CORE_SPRIG, ...sprigExtras(CORE_SPRIG) };
