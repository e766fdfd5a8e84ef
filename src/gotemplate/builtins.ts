/** text/template's predefined functions (funcs.go), with Go's comparison kind rules and error texts. */
import { formatValue, sprint, sprintf, sprintln } from './fmt.js';
import { FuncError, goFunc, type FuncMap, type GoFunc } from './func.js';
import { GoNilPointer, GoStringMap, GoStruct, basicKind, byteLength, goTypeName, intValue, isPlainMap, isTrue } from './values.js';

/** Go's indirectInterface: a nil interface{} is the same as no value. */
function ind(v: unknown): unknown {
  return v === null ? undefined : v;
}

function length(v: unknown): bigint {
  const x = ind(v);
  if (x instanceof GoNilPointer) throw new FuncError('len of nil pointer');
  if (typeof x === 'string') return BigInt(byteLength(x));
  if (Array.isArray(x)) return BigInt(x.length);
  if (x instanceof GoStringMap) return BigInt(x.size);
  if (isPlainMap(x)) return BigInt(Object.keys(x).length);
  if (x === undefined) throw new FuncError('reflect: call of reflect.Value.Type on zero Value');
  throw new FuncError(`len of type ${goTypeName(x)}`);
}

function intIndex(index: unknown, cap: number, what = 'slice/array'): number {
  const x = ind(index);
  if (x === undefined) throw new FuncError(`cannot index ${what} with nil`);
  const n = intValue(x);
  if (n === undefined) throw new FuncError(`cannot index ${what} with type ${goTypeName(x)}`);
  if (n < 0n || n >= BigInt(cap)) throw new FuncError(`index out of range: ${n}`);
  return Number(n);
}

function mapKey(index: unknown): string {
  const x = ind(index);
  if (x === undefined) throw new FuncError('value is nil; should be of type string');
  if (typeof x !== 'string') throw new FuncError(`value has type ${goTypeName(x)}; should be string`);
  return x;
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  let cur = ind(item);
  if (cur === undefined) throw new FuncError('index of untyped nil');
  for (const ix of indexes) {
    if (cur === null || cur instanceof GoNilPointer) throw new FuncError('index of nil pointer');
    if (Array.isArray(cur)) {
      cur = cur[intIndex(ix, cur.length)];
    } else if (typeof cur === 'string') {
      const bytes = Buffer.from(cur, 'utf8');
      cur = BigInt(bytes[intIndex(ix, bytes.length)]!);
    } else if (cur instanceof GoStringMap) {
      const k = mapKey(ix);
      cur = cur.get(k) ?? '';
    } else if (isPlainMap(cur)) {
      const k = mapKey(ix);
      cur = Object.prototype.hasOwnProperty.call(cur, k) ? cur[k] : null;
    } else {
      throw new FuncError(`can't index item of type ${goTypeName(cur)}`);
    }
  }
  return cur;
}

function slice(item: unknown, ...idx: unknown[]): unknown {
  const x = ind(item);
  if (x === undefined) throw new FuncError('slice of untyped nil');
  if (idx.length > 3) throw new FuncError(`too many slice indexes: ${idx.length}`);
  let len: number;
  if (typeof x === 'string') {
    if (idx.length === 3) throw new FuncError('cannot 3-index slice a string');
    len = Buffer.byteLength(x);
  } else if (Array.isArray(x)) len = x.length;
  else throw new FuncError(`can't slice item of type ${goTypeName(x)}`);
  const bounds = [0, len];
  for (let i = 0; i < idx.length; i++) {
    const raw = ind(idx[i]);
    const v = intValue(raw);
    if (v === undefined) throw new FuncError(`cannot index slice/array with type ${goTypeName(raw)}`);
    if (v < 0n || v > BigInt(len)) throw new FuncError(`index out of range: ${v}`);
    bounds[i] = Number(v);
  }
  const [lo, hi] = bounds as [number, number];
  if (lo > hi) throw new FuncError(`invalid slice index: ${lo} > ${hi}`);
  if (typeof x === 'string') return Buffer.from(x, 'utf8').subarray(lo, hi).toString('utf8');
  return x.slice(lo, hi);
}

const errBadComparisonType = 'invalid type for comparison';
const errBadComparison = 'incompatible types for comparison';
const errNoComparison = 'missing argument for comparison';

function numOf(v: unknown): bigint {
  return intValue(v) ?? 0n;
}

function eq(arg1: unknown, ...arg2: unknown[]): boolean {
  const a = ind(arg1);
  if (arg2.length === 0) throw new FuncError(errNoComparison);
  const k1 = basicKind(a);
  for (const raw of arg2) {
    const b = ind(raw);
    const k2 = basicKind(b);
    let truth = false;
    if (k1 !== k2) {
      if (a !== undefined && b !== undefined) throw new FuncError(`${errBadComparison}: ${goTypeName(a)} and ${goTypeName(b)}`);
    } else {
      switch (k1) {
        case 'bool':
        case 'string':
        case 'float':
          truth = a === b;
          break;
        case 'int':
          truth = numOf(a) === numOf(b);
          break;
        case 'invalid':
          truth = true;
          break;
        default:
          truth = compareOther(a, b);
      }
    }
    if (truth) return true;
  }
  return false;
}

function compareOther(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || isPlainMap(a) || a instanceof GoStringMap) {
    throw new FuncError(`non-comparable type ${sprintf('%s', [a])}: ${goTypeName(a)}`);
  }
  if (goTypeName(a) !== goTypeName(b)) {
    throw new FuncError(`non-comparable types ${sprintf('%s', [a])}: ${goTypeName(a)}, ${goTypeName(b)}: ${formatValue(b, false)}`);
  }
  if (a instanceof GoNilPointer || b instanceof GoNilPointer) return a instanceof GoNilPointer && b instanceof GoNilPointer;
  if (a instanceof GoStruct && b instanceof GoStruct && a.typeName.startsWith('*')) return a === b;
  return a === b;
}

function lt(arg1: unknown, arg2: unknown): boolean {
  const a = ind(arg1);
  const b = ind(arg2);
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k1 === 'other' || k2 === 'invalid' || k2 === 'other') throw new FuncError(errBadComparisonType);
  if (k1 !== k2) throw new FuncError(`${errBadComparison}: ${goTypeName(a)} and ${goTypeName(b)}`);
  switch (k1) {
    case 'bool':
      throw new FuncError(errBadComparisonType);
    case 'int':
      return numOf(a) < numOf(b);
    case 'float':
      return (a as number) < (b as number);
    default:
      return Buffer.compare(Buffer.from(a as string), Buffer.from(b as string)) < 0;
  }
}

function le(a: unknown, b: unknown): boolean {
  if (lt(a, b)) return true;
  return eq(a, b);
}

/** html/template-free HTML escaping, as template.HTMLEscapeString. */
export function htmlEscape(s: string): string {
  return s.replace(/[<>&'"\0]/g, (c) => {
    switch (c) {
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '&':
        return '&amp;';
      case "'":
        return '&#39;';
      case '"':
        return '&#34;';
      default:
        return '\uFFFD';
    }
  });
}

export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
    }
    if (c < 0x20 || !isGoPrint(ch)) out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
    else out += ch;
  }
  return out;
}

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isGoPrint(ch: string): boolean {
  return ch === ' ' || /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch);
}

/** url.QueryEscape. */
export function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** evalArgs from funcs.go: one string is used as is, anything else goes through fmt.Sprint. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === undefined || a === null ? '<no value>' : a)));
}

function call(name: string, fn: unknown, ...args: unknown[]): unknown {
  const f = ind(fn);
  if (f === undefined) throw new FuncError('call of nil');
  if (typeof f !== 'function') throw new FuncError(`non-function ${name} of type ${goTypeName(f)}`);
  return (f as (...a: unknown[]) => unknown)(...args.map((a) => (a === undefined ? null : a)));
}

const andFn: GoFunc = { params: ['value'], variadic: 'value', fn: () => undefined, shortCircuit: 'and' };
const orFn: GoFunc = { params: ['value'], variadic: 'value', fn: () => undefined, shortCircuit: 'or' };

export const BUILTINS: FuncMap = {
  and: andFn,
  or: orFn,
  not: goFunc(['value'], (v: unknown) => !isTrue(ind(v))),
  len: goFunc(['value'], length),
  index: goFunc(['value'], index, 'value'),
  slice: goFunc(['value'], slice, 'value'),
  call: { params: ['value'], variadic: 'value', fn: call as GoFunc['fn'], withCalleeName: true },
  print: goFunc([], (...a: unknown[]) => sprint(a), 'any'),
  printf: goFunc(['string'], (f: string, ...a: unknown[]) => sprintf(f, a), 'any'),
  println: goFunc([], (...a: unknown[]) => sprintln(a), 'any'),
  eq: goFunc(['value'], eq, 'value'),
  ne: goFunc(['value', 'value'], (a: unknown, b: unknown) => !eq(a, b)),
  lt: goFunc(['value', 'value'], lt),
  le: goFunc(['value', 'value'], le),
  gt: goFunc(['value', 'value'], (a: unknown, b: unknown) => !le(a, b)),
  ge: goFunc(['value', 'value'], (a: unknown, b: unknown) => !lt(a, b)),
  html: goFunc([], (...a: unknown[]) => htmlEscape(evalArgs(a)), 'any'),
  js: goFunc([], (...a: unknown[]) => jsEscape(evalArgs(a)), 'any'),
  urlquery: goFunc([], (...a: unknown[]) => queryEscape(evalArgs(a)), 'any'),
};
