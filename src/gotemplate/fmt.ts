/** Go's fmt package, as far as templates can reach it: Sprint, Sprintln, Sprintf and %v rendering. */
import {
  GoEnum,
  GoNilPointer,
  GoStringMap,
  GoStruct,
  GoTypedInt,
  goTypeName,
  isPlainMap,
  sortedKeys,
} from './values.js';
import { goQuote } from '../go/strconv.js';

/** strconv.FormatFloat(f, 'g', -1, 64) with fmt's %v exponent threshold (shortest digits, eprec 6). */
export function formatFloatV(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, expStr] = f.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 21 || exp >= 6) return goExp(mant, exp);
  // Plain decimal notation from the shortest digits.
  return shortestFixed(mant, exp);
}

function goExp(mant: string, exp: number): string {
  const sign = exp < 0 ? '-' : '+';
  const a = Math.abs(exp);
  return `${mant}e${sign}${a < 10 ? '0' : ''}${a}`;
}

function shortestFixed(mant: string, exp: number): string {
  const neg = mant.startsWith('-');
  const digits = (neg ? mant.slice(1) : mant).replace('.', '');
  let out: string;
  if (exp >= 0) {
    if (digits.length <= exp + 1) out = digits + '0'.repeat(exp + 1 - digits.length);
    else out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  } else {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return neg ? `-${out}` : out;
}

export { goQuote };

/** The %v rendering of any template value. */
export function formatValue(v: unknown, top = true): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'number':
      return formatFloatV(v);
    case 'undefined':
      return top ? '<no value>' : '<nil>';
    case 'function':
      return '0x0';
  }
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map((e) => formatValue(e, false)).join(' ')}]`;
  if (v instanceof GoStringMap) {
    return `map[${sortedKeys(v.keys())
      .map((k) => `${k}:${v.get(k) ?? ''}`)
      .join(' ')}]`;
  }
  if (v instanceof GoEnum) return v.name;
  if (v instanceof GoTypedInt) return v.value.toString();
  if (v instanceof GoNilPointer) {
    const s = v.methods['String'];
    if (s) return String(s());
    return '<nil>';
  }
  if (v instanceof GoStruct) {
    const s = v.methods['String'];
    if (s) return formatValue(s(), false);
    const body = `{${Object.values(v.fields)
      .map((f) => formatValue(f, false))
      .join(' ')}}`;
    return v.typeName.startsWith('*') ? `&${body}` : body;
  }
  if (isPlainMap(v)) {
    return `map[${sortedKeys(Object.keys(v))
      .map((k) => `${k}:${formatValue(v[k], false)}`)
      .join(' ')}]`;
  }
  return String(v);
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a, false);
  }
  return out;
}

export function sprintln(args: readonly unknown[]): string {
  return args.map((a) => formatValue(a, false)).join(' ') + '\n';
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  /** %+v and %#v: field names, Go syntax. */
  plusV?: boolean;
  sharpV?: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

/**
 * Width padding. Go pads with '0' under the 0 flag for every verb; numbers keep their sign in front,
 * and integers with an explicit precision ignore the flag ('nozero').
 */
function pad(s: string, spec: Spec, mode: 'text' | 'number' | 'nozero' = 'text'): string {
  if (spec.width === undefined || s.length >= spec.width) return s;
  const n = spec.width - s.length;
  if (spec.minus) return s + ' '.repeat(n);
  if (spec.zero && mode !== 'nozero') {
    const signLen = mode === 'number' && (s.startsWith('-') || s.startsWith('+') || s.startsWith(' ')) ? 1 : 0;
    return s.slice(0, signLen) + '0'.repeat(n) + s.slice(signLen);
  }
  return ' '.repeat(n) + s;
}

/** %!verb(type=value): the value is printed with %v under the same flags, width and precision. */
function badVerb(verb: string, v: unknown, spec?: Spec): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  const shown = spec ? fmtOne(v, 'v', spec, 1) : formatValue(v, false);
  return `%!${verb}(${goTypeName(v)}=${shown})`;
}

/** fmt's fmtInteger: precision and zero-width fill count digits only; the # prefix and sign come on top. */
function fmtInt(v: bigint, verb: string, spec: Spec): string {
  const base = verb === 'x' || verb === 'X' ? 16 : verb === 'o' || verb === 'O' ? 8 : verb === 'b' ? 2 : verb === 'd' || verb === 'v' ? 10 : 0;
  if (base === 0) return badVerb(verb, v, spec);
  // Go prints nothing but padding for a zero value under an explicit zero precision.
  if (spec.prec === 0 && v === 0n) return pad('', { ...spec, zero: false });
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  let prec = spec.prec ?? -1;
  if (spec.prec === undefined && spec.zero && spec.width !== undefined && !spec.minus) {
    prec = spec.width;
    if (neg || spec.plus || spec.space) prec--;
  }
  if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
  let prefix = '';
  if (spec.sharp) {
    if (verb === 'x') prefix = '0x';
    else if (verb === 'X') prefix = '0X';
    else if (verb === 'b') prefix = '0b';
    else if (verb === 'o' && digits[0] !== '0') prefix = '0';
  }
  if (verb === 'O') prefix = '0o';
  const sgn = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  return pad(sgn + prefix + digits, { ...spec, zero: false });
}

function fmtFloat(v: number, verb: string, spec: Spec): string {
  let s: string;
  if (!Number.isFinite(v)) {
    s = Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
    if (spec.plus && s === 'NaN') s = '+NaN';
    return pad(s, spec, 'nozero');
  }
  switch (verb) {
    case 'v':
    case 'g':
    case 'G':
      s = spec.prec === undefined ? formatFloatV(v) : formatG(v, spec.prec);
      if (verb === 'G') s = s.toUpperCase();
      break;
    case 'f':
    case 'F':
      s = toFixedExact(v, spec.prec ?? 6);
      break;
    case 'x':
    case 'X':
      s = hexFloat(v, spec.prec, verb === 'X');
      break;
    case 'b': {
      // strconv 'b': the integer mantissa and the binary exponent.
      const view = new DataView(new ArrayBuffer(8));
      view.setFloat64(0, Math.abs(v));
      const hi = view.getUint32(0);
      const e = (hi >>> 20) & 0x7ff;
      let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(view.getUint32(4));
      if (e !== 0) m |= 1n << 52n;
      const exp = (e === 0 ? -1022 : e - 1023) - 52;
      s = `${sign(v)}${m}p${exp >= 0 ? '+' : ''}${exp}`;
      break;
    }
    case 'e':
    case 'E':
      s = toExponentialExact(v, spec.prec ?? 6);
      if (verb === 'E') s = s.toUpperCase();
      break;
    default:
      return badVerb(verb, v, spec);
  }
  if (spec.sharp && verb !== 'b') s = sharpFloat(s, verb, spec.prec);
  if (!s.startsWith('-')) {
    if (spec.plus) s = '+' + s;
    else if (spec.space) s = ' ' + s;
  }
  return pad(s, spec, 'number');
}

/** %#v: values in Go syntax. `iface` marks a slot of static type interface{}, where nil is interface {}(nil). */
function goSyntax(v: unknown, top: boolean, spec: Spec): string {
  const plain: Spec = { ...spec, sharp: false, sharpV: false, plusV: false };
  if (v === undefined || v === null) return top ? pad('<nil>', spec) : 'interface {}(nil)';
  if (typeof v === 'string') return fmtString(v, 'q', plain);
  if (typeof v === 'boolean') return pad(String(v), spec);
  if (typeof v === 'bigint') return fmtInt(v, 'd', plain);
  if (typeof v === 'number') return fmtFloat(v, 'g', plain);
  if (v instanceof GoTypedInt) return fmtInt(v.value, 'd', plain);
  if (v instanceof GoEnum) return fmtInt(BigInt(v.value), 'd', plain);
  const el = (e: unknown): string => goSyntax(e, false, spec);
  if (Array.isArray(v)) return `[]interface {}{${v.map(el).join(', ')}}`;
  if (v instanceof GoStringMap) {
    if (v.entries === null) return 'map[string]string(nil)';
    return `map[string]string{${sortedKeys(v.keys())
      .map((k) => `${el(k)}:${el(v.get(k) ?? '')}`)
      .join(', ')}}`;
  }
  if (v instanceof GoNilPointer) return `(${v.typeName})(nil)`;
  if (v instanceof GoStruct) {
    const name = v.typeName.replace(/^\*/, '');
    const body = `${name}{${Object.entries(v.fields)
      .map(([k, f]) => `${k}:${el(f)}`)
      .join(', ')}}`;
    return v.typeName.startsWith('*') ? `&${body}` : body;
  }
  if (isPlainMap(v)) {
    return `map[string]interface {}{${sortedKeys(Object.keys(v))
      .map((k) => `${el(k)}:${el(v[k])}`)
      .join(', ')}}`;
  }
  return formatValue(v, false);
}

/** The # flag on floats: always a decimal point, and %g/%v keep trailing zeros up to the precision (6 by default). */
function sharpFloat(num: string, verb: string, prec: number | undefined): string {
  const neg = num.startsWith('-');
  let body = neg ? num.slice(1) : num;
  let digits = 'vgGx'.includes(verb) ? (prec ?? 6) : 0;
  let tail = '';
  let hasPoint = false;
  let sawNonzero = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '.') hasPoint = true;
    else if (c === 'p' || c === 'P' || ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X')) {
      tail = body.slice(i);
      body = body.slice(0, i);
      break;
    } else {
      if (c !== '0') sawNonzero = true;
      if (sawNonzero) digits--;
    }
  }
  if (!hasPoint) {
    if (body === '0') digits--;
    body += '.';
  }
  if (digits > 0) body += '0'.repeat(digits);
  return (neg ? '-' : '') + body + tail;
}

/** The rune an integer stands for; invalid code points become U+FFFD as in Go. */
function runeOf(v: bigint): string {
  if (v < 0n || v > 0x10ffffn || (v >= 0xd800n && v <= 0xdfffn)) return '\ufffd';
  return String.fromCodePoint(Number(v));
}

/** strconv.QuoteRune. */
function quoteRune(r: string, asciiOnly: boolean): string {
  if (r === "'") return "'\\''";
  if (r === '"') return `'"'`;
  return `'${goQuote(r, asciiOnly).slice(1, -1)}'`;
}

/** strconv.CanBackquote: no control characters other than tab, no backquote, no U+FEFF, valid text. */
function canBackquote(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '`' || c === 0xfeff || c === 0xfffd || (c < 0x20 && c !== 0x09) || c === 0x7f) return false;
  }
  return true;
}

/** strconv 'x' format: hexadecimal mantissa and binary exponent, shortest or with `prec` hex digits. */
function hexFloat(v: number, prec: number | undefined, upper: boolean): string {
  let out: string;
  if (v === 0) {
    out = '0x0' + (prec !== undefined && prec > 0 ? '.' + '0'.repeat(prec) : '') + 'p+00';
  } else {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, Math.abs(v));
    const hi = view.getUint32(0);
    const lo = view.getUint32(4);
    let exp = (hi >>> 20) & 0x7ff;
    let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    if (exp === 0) {
      exp = -1022;
      while (mant < 1n << 52n) {
        mant <<= 1n;
        exp--;
      }
    } else {
      mant |= 1n << 52n;
      exp -= 1023;
    }
    let digits: string;
    if (prec === undefined) {
      digits = (mant & ((1n << 52n) - 1n)).toString(16).padStart(13, '0').replace(/0+$/, '');
    } else {
      // Round the whole mantissa (leading 1 included) to `prec` hex digits, ties to even.
      const keep = BigInt(Math.min(prec, 13) * 4);
      const drop = 52n - keep;
      let q = mant;
      if (drop > 0n) {
        const unit = 1n << drop;
        const r = mant % unit;
        q = mant / unit;
        if (r * 2n > unit || (r * 2n === unit && q % 2n === 1n)) q++;
        if (q >> (keep + 1n) === 1n) {
          q >>= 1n;
          exp++;
        }
      }
      const frac = q & ((1n << keep) - 1n);
      digits = keep > 0n ? frac.toString(16).padStart(Number(keep / 4n), '0') : '';
      digits += '0'.repeat(Math.max(0, prec - 13));
    }
    const lead = 1;
    const e = Math.abs(exp);
    out = `0x${lead}${digits ? '.' + digits : ''}p${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  out = sign(v) + out;
  return upper ? out.toUpperCase() : out;
}

/** The exact value of a finite double as N / 10^scale (N >= 0). */
function exactDecimal(v: number): { n: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(v));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const expBits = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (expBits === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = expBits - 1075;
  }
  if (exp >= 0) return { n: mant << BigInt(exp), scale: 0 };
  return { n: mant * 5n ** BigInt(-exp), scale: -exp };
}

/** q rounded at a cut with remainder r of `unit`, ties to even (strconv's decimal rounding). */
function roundHalfEven(q: bigint, r: bigint, unit: bigint): bigint {
  const twice = r * 2n;
  if (twice > unit || (twice === unit && q % 2n === 1n)) return q + 1n;
  return q;
}

function sign(v: number): string {
  return v < 0 || Object.is(v, -0) ? '-' : '';
}

/** %.<prec>f with correct rounding (Number.toFixed breaks ties upward and gives up at 1e21). */
function toFixedExact(v: number, prec: number): string {
  const { n, scale } = exactDecimal(v);
  let q: bigint;
  if (scale <= prec) q = n * 10n ** BigInt(prec - scale);
  else {
    const unit = 10n ** BigInt(scale - prec);
    q = roundHalfEven(n / unit, n % unit, unit);
  }
  const digits = q.toString().padStart(prec + 1, '0');
  const body = prec > 0 ? `${digits.slice(0, -prec)}.${digits.slice(-prec)}` : digits;
  return sign(v) + body;
}

/** Significant digits rounded ties-to-even: value ≈ 0.d1d2... × 10^(exp10+1), digits has `sig` digits. */
function roundSignificant(v: number, sig: number): { digits: string; exp10: number } {
  if (v === 0) return { digits: '0'.repeat(sig), exp10: 0 };
  const { n, scale } = exactDecimal(v);
  const all = n.toString();
  let exp10 = all.length - 1 - scale;
  let digits: string;
  if (all.length <= sig) digits = all + '0'.repeat(sig - all.length);
  else {
    const unit = 10n ** BigInt(all.length - sig);
    const q = roundHalfEven(BigInt(all.slice(0, sig)), BigInt(all.slice(sig)), unit);
    digits = q.toString();
    if (digits.length > sig) {
      digits = digits.slice(0, sig);
      exp10++;
    }
  }
  return { digits, exp10 };
}

function toExponentialExact(v: number, prec: number): string {
  const { digits, exp10 } = roundSignificant(v, prec + 1);
  const mant = prec > 0 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return sign(v) + goExp(mant, exp10);
}

/** strconv 'g' with an explicit precision: p significant digits, trailing zeros dropped. */
function formatG(v: number, prec: number): string {
  const p = prec === 0 ? 1 : prec;
  const { digits, exp10 } = roundSignificant(v, p);
  const trimmed = digits.replace(/0+$/, '') || '0';
  const nd = trimmed.length;
  const dp = exp10 + 1;
  let eprec = p;
  if (eprec > nd && nd >= dp) eprec = nd;
  const mant = nd > 1 ? `${trimmed[0]}.${trimmed.slice(1)}` : trimmed;
  if (exp10 < -4 || exp10 >= eprec) return sign(v) + goExp(mant, exp10);
  return sign(v) + shortestFixed(mant, exp10);
}

function fmtString(s: string, verb: string, spec: Spec): string {
  let out = s;
  switch (verb) {
    case 's':
    case 'v':
      if (spec.prec !== undefined) out = Array.from(s).slice(0, spec.prec).join('');
      break;
    case 'q': {
      const t = spec.prec !== undefined ? Array.from(s).slice(0, spec.prec).join('') : s;
      out = spec.sharp && canBackquote(t) ? '`' + t + '`' : goQuote(t, spec.plus);
      break;
    }
    case 'x':
    case 'X': {
      // fmtSbx: precision limits the bytes encoded; space separates bytes; # prefixes 0x.
      let bytes = Buffer.from(s, 'utf8');
      if (spec.prec !== undefined && spec.prec < bytes.length) bytes = bytes.subarray(0, spec.prec);
      const prefix = verb === 'X' ? '0X' : '0x';
      out = '';
      bytes.forEach((b, i) => {
        if (spec.space && i > 0) out += ' ';
        if (spec.sharp && (spec.space || i === 0)) out += prefix;
        const h = b.toString(16).padStart(2, '0');
        out += verb === 'X' ? h.toUpperCase() : h;
      });
      break;
    }
    default:
      return badVerb(verb, s, spec);
  }
  return pad(out, spec);
}

function isStringer(v: unknown): boolean {
  return v instanceof GoEnum || (v instanceof GoStruct && v.methods['String'] !== undefined);
}

/** One operand under one verb; composites apply the verb to every element, as fmt's printValue does. */
function fmtOne(v: unknown, verb: string, spec: Spec, depth = 0): string {
  if (verb === 'T') return v === null || v === undefined ? pad('<nil>', spec) : fmtString(goTypeName(v), 's', spec);
  if (v === null || v === undefined) {
    if (depth > 0) return '<nil>';
    if (verb === 'v') return pad('<nil>', spec);
    return `%!${verb}(<nil>)`;
  }
  if (verb === 'v' && spec.sharpV) return goSyntax(v, depth === 0, spec);
  if (isStringer(v) && (verb === 'v' || verb === 's' || verb === 'q' || verb === 'x' || verb === 'X')) {
    return fmtString(formatValue(v, false), verb, spec);
  }
  if (v instanceof GoEnum) return fmtInt(BigInt(v.value), verb, spec);
  if (v instanceof GoTypedInt) return fmtOne(v.value, verb, spec, depth);
  switch (typeof v) {
    case 'string':
      return fmtString(v, verb, spec);
    case 'boolean':
      if (verb === 't' || verb === 'v') return pad(v ? 'true' : 'false', spec);
      return badVerb(verb, v, spec);
    case 'bigint':
      if (verb === 'U') {
        const u = `U+${BigInt.asUintN(64, v).toString(16).toUpperCase().padStart(Math.max(4, spec.prec ?? 0), '0')}`;
        const r = runeOf(v);
        const printable = r !== '\ufffd' && goQuote(r).length === 2 + r.length;
        return pad(spec.sharp && printable ? `${u} '${r}'` : u, { ...spec, zero: false });
      }
      if (verb === 'c') return pad(runeOf(v), spec);
      if (verb === 'q') return pad(quoteRune(runeOf(v), spec.plus), spec);
      return fmtInt(v, verb, spec);
    case 'number':
      return fmtFloat(v, verb, spec);
  }
  if (Array.isArray(v)) return `[${v.map((e) => fmtOne(e, verb, spec, depth + 1)).join(' ')}]`;
  if (isPlainMap(v)) {
    return `map[${sortedKeys(Object.keys(v))
      .map((k) => `${fmtOne(k, verb, spec, depth + 1)}:${fmtOne(v[k], verb, spec, depth + 1)}`)
      .join(' ')}]`;
  }
  if (v instanceof GoStringMap) {
    return `map[${sortedKeys(v.keys())
      .map((k) => `${fmtOne(k, verb, spec, depth + 1)}:${fmtOne(v.get(k), verb, spec, depth + 1)}`)
      .join(' ')}]`;
  }
  if (v instanceof GoStruct) {
    const body = `{${Object.entries(v.fields)
      .map(([k, f]) => (spec.plusV ? `${k}:` : '') + fmtOne(f, verb, spec, depth + 1))
      .join(' ')}}`;
    return v.typeName.startsWith('*') ? `&${body}` : body;
  }
  if (v instanceof GoNilPointer) {
    if (verb === 'v') return pad('<nil>', spec);
    return `%!${verb}(${v.typeName}=<nil>)`;
  }
  return badVerb(verb, v, spec);
}

/** fmt.Sprintf with Go's verbs, flags, width and precision (including `*`), and its error notation. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argi = 0;
  const n = format.length;
  let i = 0;
  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false, width: undefined, prec: undefined };
    for (; i < n; i++) {
      const c = format[i];
      if (c === '-') spec.minus = true;
      else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = !spec.minus;
      else break;
    }
    if (format[i] === '*') {
      i++;
      const w = args[argi++];
      if (typeof w === 'bigint') {
        spec.width = Number(w < 0n ? -w : w);
        if (w < 0n) spec.minus = true;
      } else out += '%!(BADWIDTH)';
    } else {
      const start = i;
      while (i < n && format.charCodeAt(i) >= 48 && format.charCodeAt(i) <= 57) i++;
      if (i > start) spec.width = Number(format.slice(start, i));
    }
    if (format[i] === '.') {
      i++;
      if (format[i] === '*') {
        i++;
        const p = args[argi++];
        if (typeof p === 'bigint' && p >= 0n) spec.prec = Number(p);
        else out += '%!(BADPREC)';
      } else {
        const start = i;
        while (i < n && format.charCodeAt(i) >= 48 && format.charCodeAt(i) <= 57) i++;
        spec.prec = i > start ? Number(format.slice(start, i)) : 0;
      }
    }
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const cp = format.codePointAt(i) ?? 0;
    const verb = String.fromCodePoint(cp);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    if (verb === 'v') {
      // For %v, '+' asks for struct field names and '#' for Go syntax, not for signs or alternate forms.
      spec.plusV = spec.plus;
      spec.sharpV = spec.sharp;
      spec.plus = false;
      spec.sharp = false;
    }
    out += fmtOne(args[argi++], verb, spec);
  }
  if (argi < args.length) {
    out += '%!(EXTRA ';
    out += args
      .slice(argi)
      .map((a) => (a === null || a === undefined ? '<nil>' : `${goTypeName(a)}=${formatValue(a, false)}`))
      .join(', ');
    out += ')';
  }
  return out;
}
