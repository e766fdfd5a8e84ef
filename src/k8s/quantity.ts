/**
 * resource.Quantity (k8s.io/apimachinery/pkg/api/resource) parse + canonical string, reproducing Go's
 * observable behaviour: the same accepted syntax, the same error texts, the same rounding (up to
 * nano), the same cap for binary values, and the same "reuse the input text when it is already
 * canonical" rule, which is why `100m` and `1e3` come back unchanged while `2000m` becomes `2`.
 */
import { K8sError } from './errors.js';

export type QuantityFormat = 'DecimalExponent' | 'DecimalSI' | 'BinarySI';

export interface Quantity {
  /** Signed unscaled value: the quantity is `unscaled * 10^exp10`. */
  readonly unscaled: bigint;
  readonly exp10: number;
  readonly format: QuantityFormat;
  /** Go keeps the input text when it is already canonical; String() then returns it verbatim. */
  readonly cached?: string;
}

const SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
export const QUANTITY_FORMAT_ERROR = `quantities must match the regular expression '${SPLIT_RE}'`;
export const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

const SUFFIX_CHARS = 'eEinumkKMGTP';
const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXP = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXP = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]));

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
/** Digits an int64 can always hold; Go's fast path only runs below this precision. */
const MAX_INT64_FACTORS = 18;
const NANO = -9;
const MAX_EXPONENT = 100_000;

function fail(message: string): never {
  throw new K8sError('quantity', message);
}

interface SplitQuantity {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Mirrors Go's hand-written scanner, including its leniencies (e.g. "." is a valid zero). */
function splitQuantity(str: string): SplitQuantity {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };

  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value: str, num: str.slice(pos), denom: '', suffix: '' };
  let num = str.slice(pos, i);
  pos = i;
  if (num === '') num = '0';

  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  i = pos;
  while (i < end && SUFFIX_CHARS.includes(str[i]!)) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  fail(QUANTITY_FORMAT_ERROR);
}

interface Interpreted {
  base: 10 | 2;
  exponent: number;
  format: QuantityFormat;
}

function interpretSuffix(suffix: string): Interpreted {
  const dec = DECIMAL_SUFFIXES[suffix];
  if (dec !== undefined && Object.hasOwn(DECIMAL_SUFFIXES, suffix)) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = BINARY_SUFFIXES[suffix];
  if (bin !== undefined && Object.hasOwn(BINARY_SUFFIXES, suffix)) return { base: 2, exponent: bin, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const rest = suffix.slice(1);
    if (/^[+-]?[0-9]+$/.test(rest)) {
      const parsed = BigInt(rest);
      if (parsed >= INT64_MIN && parsed <= INT64_MAX) {
        // Go narrows the int64 to int32 without a check; BigInt.asIntN reproduces the wrap-around.
        return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
      }
    }
  }
  fail(QUANTITY_SUFFIX_ERROR);
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Parse like resource.ParseQuantity. Throws K8sError with Go's message on bad input. */
export function parseQuantity(str: string): Quantity {
  if (str.length === 0) fail(QUANTITY_FORMAT_ERROR);
  if (str === '0') return { unscaled: 0n, exp10: 0, format: 'DecimalSI', cached: str };

  const { positive, value, num, denom, suffix } = splitQuantity(str);
  const { base, exponent, format: parsedFormat } = interpretSuffix(suffix);
  // Go would grind through 10^exponent for absurd exponents (a request could stall the webhook);
  // nothing real is that large, so refuse instead.
  if (Math.abs(exponent) > MAX_EXPONENT) fail(QUANTITY_NUMERIC_ERROR);
  let format = parsedFormat;

  let precision = 0;
  let scale = 0;
  let mantissa = 1n;
  if (format === 'BinarySI') {
    if (exponent >= 0 && denom.length === 0) {
      mantissa = 1n << BigInt(exponent);
      precision = 15 - num.length - Math.trunc(Math.fround((Math.fround(exponent) * 3) / 10)) - 1;
    } else {
      precision = -1;
    }
  } else {
    scale = exponent;
    precision = MAX_INT64_FACTORS - (num.length + denom.length);
  }

  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= NANO) {
      const shifted = num + denom;
      const v = BigInt(shifted);
      if (v > INT64_MAX) fail(QUANTITY_NUMERIC_ERROR);
      const product = v * mantissa;
      if (product <= INT64_MAX) {
        const result = positive ? product : -product;
        let canonicalInput = false;
        if (format === 'BinarySI') {
          canonicalInput = exponent % 10 === 0 && (v & 7n) !== 0n;
        } else {
          canonicalInput = scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
        }
        return canonicalInput
          ? { unscaled: result, exp10: scale, format, cached: str }
          : { unscaled: result, exp10: scale, format };
      }
    }
  }

  // Slow path: arbitrary precision, rounded up to nano, binary values capped at MaxInt64.
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(value);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) fail(QUANTITY_NUMERIC_ERROR);
  const frac = m[3] ?? '';
  let abs = BigInt((m[2] ?? '') + frac || '0');
  let exp10 = -frac.length;
  if (base === 10) {
    exp10 += exponent;
  } else {
    abs *= 1n << BigInt(exponent);
  }
  if (abs !== 0n && exp10 < NANO) {
    const shift = NANO - exp10;
    if (abs.toString().length <= shift) {
      abs = 1n; // below one nano: rounds up to the smallest representable amount
    } else {
      const div = pow10(shift);
      const q = abs / div;
      abs = abs % div === 0n ? q : q + 1n;
    }
    exp10 = NANO;
  }
  if (format === 'BinarySI' && compareScaled(abs, exp10, INT64_MAX, 0) > 0) {
    abs = INT64_MAX;
    exp10 = 0;
  }
  if (format === 'BinarySI' && abs !== 0n && compareScaled(abs, exp10, 1n, 0) < 0) format = 'DecimalSI';
  const negative = m[1] === '-';
  return { unscaled: negative ? -abs : abs, exp10, format };
}

function compareScaled(a: bigint, ea: number, b: bigint, eb: number): number {
  const e = Math.min(ea, eb);
  const x = a * pow10(ea - e);
  const y = b * pow10(eb - e);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The sign of a - b, comparing exact values (whatever their suffixes). */
export function compareQuantities(a: Quantity, b: Quantity): number {
  return compareScaled(a.unscaled, a.exp10, b.unscaled, b.exp10);
}

function removeFactors(v: bigint, base: bigint): [bigint, number] {
  let times = 0;
  if (v === 0n) return [v, 0];
  while (v % base === 0n) {
    v /= base;
    times++;
  }
  return [v, times];
}

/** Quantity.String(): the cached input if Go kept it, else the canonical form. */
export function formatQuantity(q: Quantity): string {
  if (q.cached !== undefined) return q.cached;
  if (q.unscaled === 0n) return '0';
  let format = q.format;
  let integral = 0n;
  if (format === 'BinarySI') {
    if (compareScaled(q.unscaled, q.exp10, -1024n, 0) > 0 && compareScaled(q.unscaled, q.exp10, 1024n, 0) < 0) {
      format = 'DecimalSI';
    } else if (q.exp10 >= 0) {
      integral = q.unscaled * pow10(q.exp10);
    } else {
      const div = pow10(-q.exp10);
      if (q.unscaled % div !== 0n) format = 'DecimalSI';
      else integral = q.unscaled / div;
    }
  }
  if (format === 'BinarySI') {
    const [mant, times] = removeFactors(integral, 1024n);
    return mant.toString() + (BINARY_BY_EXP.get(times * 10) ?? '');
  }
  let [mant, exp] = removeFactors(q.unscaled, 10n);
  exp += q.exp10;
  while (exp % 3 !== 0) {
    mant *= 10n;
    exp--;
  }
  let suffix: string;
  if (format === 'DecimalSI') suffix = DECIMAL_BY_EXP.get(exp) ?? '';
  else suffix = exp === 0 ? '' : `e${exp}`;
  return mant.toString() + suffix;
}

/** The text Go's encoding/json hands to Quantity.UnmarshalJSON for a JSON number. */
export function goNumberText(n: number): string {
  if (!Number.isFinite(n)) fail(QUANTITY_FORMAT_ERROR);
  return String(n);
}

/**
 * What a Quantity field holds after a JSON round trip: Quantity.UnmarshalJSON then MarshalJSON.
 * Accepts a JSON string or number; `null` is the zero quantity.
 */
export function canonicalQuantity(q: string | number | null): string {
  if (q === null) return '0';
  const text = typeof q === 'number' ? goNumberText(q) : q.trim();
  return formatQuantity(parseQuantity(text));
}
