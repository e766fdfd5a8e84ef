/**
 * The rest of sprig v3.3.0's TxtFuncMap. Every name must exist so that any template Istio accepts also
 * parses here (a ConfigMap's templates are all parsed at load). Deterministic helpers are implemented;
 * clocks, randomness-free crypto, semver, DNS and certificate generation are registered but fail when
 * called, with a message saying so.
 */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { formatFloatV, formatValue } from './fmt.js';
import { FuncError, goFunc, type FuncMap, type GoFunc } from './func.js';
import { GoTypedInt, goInt64, goTypeName, isPlainMap } from './values.js';

/** Decimal arithmetic as shopspring/decimal does it on the shortest decimal form of each float64. */
interface Dec {
  m: bigint;
  scale: number;
}

function toDec(f: number): Dec {
  if (!Number.isFinite(f)) throw new FuncError(`Cannot create a Decimal from ${formatFloatV(f)}`);
  const [mant, expStr] = f.toExponential().split('e') as [string, string];
  const neg = mant.startsWith('-');
  const digits = (neg ? mant.slice(1) : mant).replace('.', '');
  const exp = Number(expStr) - (digits.length - 1);
  let m = BigInt(digits) * (neg ? -1n : 1n);
  let scale = -exp;
  if (scale < 0) {
    m *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { m, scale };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const s = Math.max(a.scale, b.scale);
  return [a.m * 10n ** BigInt(s - a.scale), b.m * 10n ** BigInt(s - b.scale), s];
}

function decToNumber(d: Dec): number {
  const neg = d.m < 0n;
  const digits = (neg ? -d.m : d.m).toString().padStart(d.scale + 1, '0');
  const text = d.scale > 0 ? `${digits.slice(0, -d.scale)}.${digits.slice(-d.scale)}` : digits;
  return Number((neg ? '-' : '') + text);
}

const DIVISION_PRECISION = 16;

function decOp(op: 'add' | 'sub' | 'mul' | 'div', a: Dec, b: Dec): Dec {
  switch (op) {
    case 'add': {
      const [x, y, s] = align(a, b);
      return { m: x + y, scale: s };
    }
    case 'sub': {
      const [x, y, s] = align(a, b);
      return { m: x - y, scale: s };
    }
    case 'mul':
      return { m: a.m * b.m, scale: a.scale + b.scale };
    case 'div': {
      if (b.m === 0n) throw new FuncError('decimal division by 0');
      // a/b rounded half away from zero at DIVISION_PRECISION places.
      const num = a.m * 10n ** BigInt(DIVISION_PRECISION + b.scale + 1);
      const den = b.m * 10n ** BigInt(a.scale);
      let q = num / den;
      const neg = q < 0n;
      if (neg) q = -q;
      q = (q + 5n) / 10n;
      return { m: neg ? -q : q, scale: DIVISION_PRECISION };
    }
  }
}

function toFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof GoTypedInt) return Number(v.value);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return Number(v);
  return 0;
}

function decimalFold(op: 'add' | 'sub' | 'mul' | 'div') {
  return (first: unknown, ...rest: unknown[]): number =>
    decToNumber(rest.reduce<Dec>((acc, x) => decOp(op, acc, toDec(toFloat(x))), toDec(toFloat(first))));
}

function kindName(v: unknown): string {
  if (v === null || v === undefined) throw new FuncError('runtime error: invalid memory address or nil pointer dereference');
  if (Array.isArray(v)) return 'slice';
  if (isPlainMap(v)) return 'map';
  return goTypeName(v);
}

function chunk(size: bigint, list: unknown): unknown[][] {
  const kind = kindName(list);
  if (!Array.isArray(list)) throw new FuncError(`Cannot chunk type ${kind}`);
  const n = Number(size);
  const out: unknown[][] = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

/** sprig's untilStep: start toward stop (exclusive) by step; empty when step points away. */
export function untilStep(start: bigint, stop: bigint, step: bigint): bigint[] {
  const v: bigint[] = [];
  if (stop < start) {
    if (step >= 0n) return v;
    for (let i = start; i > stop; i += step) v.push(i);
    return v;
  }
  if (step <= 0n) return v;
  for (let i = start; i < stop; i += step) v.push(i);
  return v;
}

function seq(...params: bigint[]): string {
  const range = untilStep;
  let out: bigint[];
  switch (params.length) {
    case 1: {
      const end = params[0]!;
      const inc = end < 1n ? -1n : 1n;
      out = range(1n, end + inc, inc);
      break;
    }
    case 2: {
      const [start, end] = params as [bigint, bigint];
      const step = end < start ? -1n : 1n;
      out = range(start, end + step, step);
      break;
    }
    case 3: {
      const [start, step, end] = params as [bigint, bigint, bigint];
      let inc = 1n;
      if (end < start) {
        inc = -1n;
        if (step > 0n) return '';
      }
      out = range(start, end + inc, step);
      break;
    }
    default:
      return '';
  }
  return out.join(' ');
}

function round(a: unknown, p: bigint, ...rOpt: unknown[]): number {
  const roundOn = rOpt.length > 0 ? toFloat(rOpt[0]) : 0.5;
  const pow = 10 ** Number(p);
  const digit = pow * toFloat(a);
  const frac = digit - Math.trunc(digit);
  return (frac >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow;
}

function adler32(s: string): number {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, 'utf8')) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536 + a) >>> 0;
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Encode(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

function base32Decode(s: string): string {
  if (s.length % 8 !== 0) return `illegal base32 data at input byte ${s.length - (s.length % 8)}`;
  const body = s.replace(/=+$/, '');
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (let i = 0; i < body.length; i++) {
    const idx = B32.indexOf(body[i]!);
    if (idx < 0) return `illegal base32 data at input byte ${i}`;
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function randomFrom(alphabet: string, n: bigint): string {
  let out = '';
  for (let i = 0n; i < n; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

/** Registered so templates parse as in Istio; calling one reports that this engine does not provide it. */
function unsupported(name: string): GoFunc {
  return goFunc([], () => {
    throw new FuncError(`${name} is not supported by mesh-admission's template engine`);
  }, 'any');
}

const UNSUPPORTED = [
  'ago', 'date', 'dateInZone', 'date_in_zone', 'dateModify', 'date_modify', 'mustDateModify', 'must_date_modify', 'duration',
  'durationRound', 'htmlDate', 'htmlDateInZone', 'now', 'toDate', 'mustToDate', 'unixEpoch', 'bcrypt', 'htpasswd',
  'derivePassword', 'genPrivateKey', 'buildCustomCert', 'genCA', 'genCAWithKey', 'genSelfSignedCert', 'genSelfSignedCertWithKey',
  'genSignedCert', 'genSignedCertWithKey', 'encryptAES', 'decryptAES', 'semver', 'semverCompare', 'getHostByName',
  'snakecase', 'camelcase', 'kebabcase', 'urlParse', 'urlJoin', 'shuffle',
];

/** goutils.AbbreviateFull; an illegal width gives "" as sprig discards the error. */
function abbreviateFull(str: string, offset: number, maxWidth: number): string {
  if (str === '') return '';
  if (maxWidth < 4) return '';
  if (str.length <= maxWidth) return str;
  let off = Math.min(offset, str.length);
  if (str.length - off < maxWidth - 3) off = str.length - (maxWidth - 3);
  if (off <= 4) return str.slice(0, maxWidth - 3) + '...';
  if (maxWidth < 7) return '';
  if (off + maxWidth - 3 < str.length) return '...' + abbreviateFull(str.slice(off), 0, maxWidth - 3);
  return '...' + str.slice(str.length - (maxWidth - 3));
}

/** goutils.WrapCustom. */
function wrapCustom(str: string, width: number, newline: string, wrapLong: boolean): string {
  if (str === '') return '';
  const nl = newline === '' ? '\n' : newline;
  const w = Math.max(1, width);
  let offset = 0;
  let out = '';
  while (str.length - offset > w) {
    if (str[offset] === ' ') {
      offset++;
      continue;
    }
    const at = str.slice(offset, w + offset + 1).lastIndexOf(' ') + offset;
    if (at >= offset) {
      out += str.slice(offset, at) + nl;
      offset = at + 1;
    } else if (wrapLong) {
      out += str.slice(offset, w + offset) + nl;
      offset += w;
    } else {
      const end = w + offset;
      const idx = str.slice(end).indexOf(' ');
      if (idx === -1) {
        out += str.slice(offset);
        offset = str.length;
      } else {
        out += str.slice(offset, idx + end) + nl;
        offset = idx + end + 1;
      }
    }
  }
  return out + str.slice(offset);
}

/** goutils.SwapCase: upper to lower, lower to upper (title case after white space, the same for our letters). */
function swapCase(str: string): string {
  let out = '';
  for (const ch of str) {
    const lower = ch.toLowerCase();
    out += ch !== lower ? lower : ch.toUpperCase();
  }
  return out;
}

/** `must*` variants report the same errors as their panicking twins, so they share the implementation. */
function mustVariants(base: FuncMap): FuncMap {
  const out: Record<string, GoFunc> = {};
  const pairs: Array<[string, string]> = [
    ['mustAppend', 'append'], ['mustPrepend', 'prepend'], ['mustFirst', 'first'], ['mustLast', 'last'], ['mustRest', 'rest'],
    ['mustInitial', 'initial'], ['mustReverse', 'reverse'], ['mustUniq', 'uniq'], ['mustWithout', 'without'], ['mustHas', 'has'],
    ['mustSlice', 'slice'], ['mustCompact', 'compact'], ['mustDeepCopy', 'deepCopy'], ['mustRegexFind', 'regexFind'],
    ['mustRegexFindAll', 'regexFindAll'], ['mustRegexReplaceAll', 'regexReplaceAll'], ['mustRegexReplaceAllLiteral', 'regexReplaceAllLiteral'],
    ['mustRegexSplit', 'regexSplit'], ['mustMergeOverwrite', 'mergeOverwrite'], ['mustMerge', 'merge'], ['tuple', 'list'], ['biggest', 'max'],
  ];
  for (const [name, of] of pairs) {
    const f = base[of];
    if (f) out[name] = f;
  }
  return out;
}

export function sprigExtras(base: FuncMap): FuncMap {
  const extras: Record<string, GoFunc> = {
    ...mustVariants(base),
    hello: goFunc([], () => 'Hello!'),
    add1f: goFunc(['any'], (v: unknown) => decimalFold('add')(v, 1)),
    addf: goFunc([], (...v: unknown[]) => decimalFold('add')(0, ...v), 'any'),
    subf: goFunc(['any'], decimalFold('sub'), 'any'),
    mulf: goFunc(['any'], decimalFold('mul'), 'any'),
    divf: goFunc(['any'], decimalFold('div'), 'any'),
    maxf: goFunc(['any'], (a: unknown, ...v: unknown[]) => v.reduce<number>((x, y) => Math.max(x, toFloat(y)), toFloat(a)), 'any'),
    minf: goFunc(['any'], (a: unknown, ...v: unknown[]) => v.reduce<number>((x, y) => Math.min(x, toFloat(y)), toFloat(a)), 'any'),
    floor: goFunc(['any'], (a: unknown) => Math.floor(toFloat(a))),
    ceil: goFunc(['any'], (a: unknown) => Math.ceil(toFloat(a))),
    round: goFunc(['any', 'int'], round, 'any'),
    toDecimal: goFunc(['any'], (v: unknown) => {
      // strconv.ParseInt(fmt.Sprint(v), 8, 64); anything unparsable is 0.
      const m = /^([+-]?)([0-7]+)$/.exec(formatValue(v, false));
      if (!m) return goInt64(0n);
      const n = BigInt('0o' + m[2]!) * (m[1] === '-' ? -1n : 1n);
      return goInt64(n >= -(1n << 63n) && n < 1n << 63n ? n : 0n);
    }),
    seq: goFunc([], seq, 'int'),
    chunk: goFunc(['int', 'any'], chunk),
    mustChunk: goFunc(['int', 'any'], chunk),
    abbrev: goFunc(['int', 'string'], (w: bigint, s: string) => (w < 4n ? s : abbreviateFull(s, 0, Number(w)))),
    abbrevboth: goFunc(['int', 'int', 'string'], (l: bigint, r: bigint, s: string) =>
      r < 4n || (l > 0n && r < 7n) ? s : abbreviateFull(s, Number(l), Number(r)),
    ),
    initials: goFunc(['string'], (s: string) => {
      let out = '';
      let gap = true;
      for (const ch of s) {
        if (/\s/u.test(ch)) gap = true;
        else if (gap) {
          out += ch;
          gap = false;
        }
      }
      return out;
    }),
    swapcase: goFunc(['string'], swapCase),
    wrap: goFunc(['int', 'string'], (l: bigint, s: string) => wrapCustom(s, Number(l), '', false)),
    wrapWith: goFunc(['int', 'string', 'string'], (l: bigint, sep: string, s: string) => wrapCustom(s, Number(l), sep, true)),
    plural: goFunc(['string', 'string', 'int'], (one: string, many: string, n: bigint) => (n === 1n ? one : many)),
    // goutils.Uncapitalize lowers the first letter of every whitespace-separated word.
    untitle: goFunc(['string'], (s: string) => s.replace(/(^|\s)(\S)/gu, (_m, sp: string, c: string) => sp + c.toLowerCase())),
    sha512sum: goFunc(['string'], (s: string) => createHash('sha512').update(s, 'utf8').digest('hex')),
    adler32sum: goFunc(['string'], (s: string) => String(adler32(s))),
    b32enc: goFunc(['string'], base32Encode),
    b32dec: goFunc(['string'], base32Decode),
    regexQuoteMeta: goFunc(['string'], (s: string) => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')),
    typeIs: goFunc(['string', 'any'], (t: string, v: unknown) => t === (v === null ? '<nil>' : goTypeName(v))),
    typeIsLike: goFunc(['string', 'any'], (t: string, v: unknown) => {
      const name = v === null ? '<nil>' : goTypeName(v);
      return t === name || `*${t}` === name;
    }),
    expandenv: goFunc(['string'], (s: string) =>
      s.replace(/\$(\{([^}]*)\}|([A-Za-z0-9_]+))/g, (_m, _all, braced?: string, bare?: string) => process.env[braced ?? bare ?? ''] ?? ''),
    ),
    osBase: base['base']!,
    osDir: base['dir']!,
    osClean: base['clean']!,
    osExt: base['ext']!,
    osIsAbs: base['isAbs']!,
    mustToJson: goFunc(['any'], (v: unknown) => (base['toJson']!.fn as (x: unknown) => string)(v)),
    mustToPrettyJson: goFunc(['any'], (v: unknown) => (base['toPrettyJson']!.fn as (x: unknown) => string)(v)),
    mustToRawJson: goFunc(['any'], (v: unknown) => (base['toRawJson']!.fn as (x: unknown) => string)(v)),
    mustFromJson: goFunc(['string'], (s: string) => {
      try {
        return JSON.parse(s) as unknown;
      } catch (e) {
        throw new FuncError(e instanceof Error ? e.message : String(e));
      }
    }),
    mustRegexMatch: goFunc(['string', 'string'], (re: string, s: string) => {
      let r: RegExp;
      try {
        r = new RegExp(re.replace(/\(\?P</g, '(?<'), 'u');
      } catch {
        throw new FuncError(`error parsing regexp: invalid or unsupported Perl syntax: \`${re}\``);
      }
      return r.test(s);
    }),
    uuidv4: goFunc([], () => randomUUID()),
    randAlphaNum: goFunc(['int'], (n: bigint) => randomFrom(LETTERS + DIGITS, n)),
    randAlpha: goFunc(['int'], (n: bigint) => randomFrom(LETTERS, n)),
    randNumeric: goFunc(['int'], (n: bigint) => randomFrom(DIGITS, n)),
    randAscii: goFunc(['int'], (n: bigint) => randomFrom(Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join(''), n)),
    randBytes: goFunc(['int'], (n: bigint) => randomBytes(Number(n)).toString('base64')),
    randInt: goFunc(['int', 'int'], (min: bigint, max: bigint) => {
      if (max <= min) throw new FuncError('invalid argument to Intn');
      return min + BigInt(randomInt(Number(max - min)));
    }),
  };
  for (const name of UNSUPPORTED) extras[name] = unsupported(name);
  return extras;
}
