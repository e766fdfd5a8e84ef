/**
 * time.Parse(time.RFC3339, s) as metav1.Time uses it: the layout walked element by element so
 * accepted inputs (one-digit hours, any fractional seconds, `Z` or ±hh:mm) and error texts match
 * Go. Returns epoch milliseconds (fractions below a millisecond are irrelevant: Time marshals at
 * second precision).
 */
const LAYOUT = '2006-01-02T15:04:05Z07:00';

export class TimeParseError extends Error {}

function quote(s: string): string {
  return JSON.stringify(s);
}

function cannotParse(value: string, rest: string, elem: string): never {
  throw new TimeParseError(`parsing time ${quote(value)} as ${quote(LAYOUT)}: cannot parse ${quote(rest)} as ${quote(elem)}`);
}

function outOfRange(value: string, what: string): never {
  throw new TimeParseError(`parsing time ${quote(value)}: ${what} out of range`);
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

export function parseRfc3339(value: string): number {
  let rest = value;
  /** Two digits for "01"/"02"/"04"/"05", one or two for "15" (Go's getnum). */
  const num = (elem: string, fixed: boolean): number => {
    if (!isDigit(rest[0])) cannotParse(value, rest, elem);
    if (!isDigit(rest[1])) {
      if (fixed) cannotParse(value, rest, elem);
      const v = Number(rest[0]);
      rest = rest.slice(1);
      return v;
    }
    const v = Number(rest.slice(0, 2));
    rest = rest.slice(2);
    return v;
  };
  const literal = (lit: string) => {
    if (!rest.startsWith(lit)) cannotParse(value, rest, lit);
    rest = rest.slice(lit.length);
  };
  // Go slices the four year characters off before checking them, so the error shows what follows.
  if (rest.length < 4) cannotParse(value, rest, '2006');
  const yearText = rest.slice(0, 4);
  rest = rest.slice(4);
  if (!Array.from(yearText).every(isDigit)) cannotParse(value, rest, '2006');
  const year = Number(yearText);
  literal('-');
  const month = num('01', true);
  if (month < 1 || month > 12) outOfRange(value, 'month');
  literal('-');
  const day = num('02', true);
  literal('T');
  const hour = num('15', false);
  if (hour >= 24) outOfRange(value, 'hour');
  literal(':');
  const minute = num('04', true);
  if (minute >= 60) outOfRange(value, 'minute');
  literal(':');
  const second = num('05', true);
  if (second >= 60) outOfRange(value, 'second');
  let millis = 0;
  if ((rest[0] === '.' || rest[0] === ',') && isDigit(rest[1])) {
    let i = 1;
    while (isDigit(rest[i])) i++;
    millis = Math.floor(Number(`0.${rest.slice(1, i)}`) * 1000);
    rest = rest.slice(i);
  }
  let offsetMin = 0;
  if (rest.startsWith('Z')) {
    rest = rest.slice(1);
  } else {
    // Go slices `±hh:mm` off first and validates the pieces afterwards.
    if (rest.length < 6 || rest[3] !== ':') cannotParse(value, rest, 'Z07:00');
    const sign = rest[0];
    const hhText = rest.slice(1, 3);
    const mmText = rest.slice(4, 6);
    rest = rest.slice(6);
    const two = (t: string) => isDigit(t[0]) && isDigit(t[1]);
    if (!two(hhText) || !two(mmText)) cannotParse(value, rest, 'Z07:00');
    const hh = Number(hhText);
    const mm = Number(mmText);
    if (hh > 24) outOfRange(value, 'time zone offset hour');
    if (mm > 60) outOfRange(value, 'time zone offset minute');
    if (sign !== '+' && sign !== '-') cannotParse(value, rest, 'Z07:00');
    offsetMin = (sign === '-' ? -1 : 1) * (hh * 60 + mm);
  }
  if (rest !== '') throw new TimeParseError(`parsing time ${quote(value)}: extra text: ${quote(rest)}`);
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
  if (day < 1 || day > daysInMonth) outOfRange(value, 'day');
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis));
  d.setUTCFullYear(year); // Date.UTC would map years 0-99 to the 1900s; Go does not
  return d.getTime() - offsetMin * 60_000;
}

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

/** metav1.Time.MarshalJSON: UTC, second precision, RFC3339; the zero time is null. */
export function formatRfc3339(ms: number): string | null {
  const d = new Date(Math.floor(ms / 1000) * 1000);
  if (isZeroTime(d)) return null;
  const y = d.getUTCFullYear();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(y, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
}

function isZeroTime(d: Date): boolean {
  return (
    d.getUTCFullYear() === 1 &&
    d.getUTCMonth() === 0 &&
    d.getUTCDate() === 1 &&
    d.getUTCHours() === 0 &&
    d.getUTCMinutes() === 0 &&
    d.getUTCSeconds() === 0
  );
}
