/**
 * Kubernetes `resource.ParseQuantity` as a validator (apimachinery pkg/api/resource). Returns
 * undefined for an acceptable quantity, else the apimachinery error text Istio passes through.
 * The scan mirrors apimachinery's, including its leniencies ("+", "1.", ".5Gi" are accepted).
 */
const SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
export const QUANTITY_FORMAT_WRONG = `quantities must match the regular expression '${SPLIT_RE}'`;
export const QUANTITY_NUMERIC = 'unable to parse numeric part of quantity';
export const QUANTITY_SUFFIX = "unable to parse quantity's suffix";

const DECIMAL_SUFFIXES = new Set(['n', 'u', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E']);
const BINARY_SUFFIXES = new Set(['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']);
const SUFFIX_CHARS = 'eEinumkKMGTP';

interface Scanned {
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function scan(str: string): Scanned | 'format' {
  const end = str.length;
  let pos = 0;
  if (str[0] === '-' || str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { value: '0', num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { value: str, num: str.slice(pos), denom: '', suffix: '' };
  let num = str.slice(pos, i);
  pos = i;
  if (num === '') num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    let j = pos;
    while (j < end && isDigit(str[j])) j++;
    if (j >= end) return { value: str, num, denom: str.slice(pos), suffix: '' };
    denom = str.slice(pos, j);
    pos = j;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  let k = pos;
  while (k < end && SUFFIX_CHARS.includes(str[k]!)) k++;
  if (k >= end) return { value, num, denom, suffix: str.slice(suffixStart) };
  pos = k;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos >= end) return { value, num, denom, suffix: str.slice(suffixStart) };
  return 'format';
}

function suffixKnown(suffix: string): { decimalExponent: number | undefined; known: boolean } {
  if (DECIMAL_SUFFIXES.has(suffix) || BINARY_SUFFIXES.has(suffix)) return { decimalExponent: undefined, known: true };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const exp = suffix.slice(1);
    if (/^[+-]?[0-9]+$/.test(exp)) return { decimalExponent: Number(exp), known: true };
  }
  return { decimalExponent: undefined, known: false };
}

export function quantityError(str: string): string | undefined {
  if (str.length === 0) return QUANTITY_FORMAT_WRONG;
  if (str === '0') return undefined;
  const scanned = scan(str);
  if (scanned === 'format') return QUANTITY_FORMAT_WRONG;
  if (!suffixKnown(scanned.suffix).known) return QUANTITY_SUFFIX;
  // apimachinery's fast path parses num+denom as an integer; the slow path needs a decimal literal.
  // Either way the numeric part must be digits with at most one dot.
  if (!/^[+-]?[0-9]*\.?[0-9]*$/.test(scanned.value)) return QUANTITY_NUMERIC;
  if (!/[0-9]/.test(scanned.num + scanned.denom)) return QUANTITY_NUMERIC;
  return undefined;
}
