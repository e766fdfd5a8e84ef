/**
 * Go's time.Duration text: ParseDuration (with its exact error texts) and Duration.String().
 * Istio's messages print durations and duration errors, so both must read as Go's do.
 */

/**
 * The time package's own quoting, not strconv.Quote: every byte of a non-ASCII or control
 * character is written as \xNN, so `é` reads "\xc3\xa9" in a ParseDuration error.
 */
export function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0x80 || cp < 0x20) {
      for (const byte of Buffer.from(ch, 'utf8')) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return `${out}"`;
}

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n,
  'μs': 1000n,
  ms: 1000000n,
  s: 1000000000n,
  m: 60000000000n,
  h: 3600000000000n,
};

const MAX_DURATION = (1n << 63n) - 1n;

/** Go's time.ParseDuration, returning nanoseconds; throws Error with Go's text. */
export function parseGoDuration(orig: string): bigint {
  const invalid = (): Error => new Error(`time: invalid duration ${timeQuote(orig)}`);
  // Fast path for the common "<integer><unit>" spelling.
  const simple = /^([0-9]{1,15})(ns|us|µs|μs|ms|s|m|h)$/.exec(orig);
  if (simple !== null) {
    const ns = BigInt(simple[1] ?? '0') * (UNIT_NS[simple[2] ?? 's'] ?? 1n);
    if (ns > MAX_DURATION) throw invalid();
    return ns;
  }
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) throw invalid();
    let i = 0;
    let v = 0n;
    while (isDigit(s[i])) {
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > 1n << 63n) throw invalid();
      i++;
    }
    const pre = i > 0;
    s = s.slice(i);
    let frac = 0n;
    let scale = 1n;
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      while (isDigit(s[j])) {
        if (!overflow) {
          const next = frac * 10n + BigInt(s.charCodeAt(j) - 48);
          if (next > 1n << 63n) overflow = true;
          else {
            frac = next;
            scale *= 10n;
          }
        }
        j++;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) throw invalid();
    let u = 0;
    while (u < s.length && s[u] !== '.' && !isDigit(s[u])) u++;
    if (u === 0) throw new Error(`time: missing unit in duration ${timeQuote(orig)}`);
    const unitName = s.slice(0, u);
    s = s.slice(u);
    const unit = UNIT_NS[unitName];
    if (unit === undefined) throw new Error(`time: unknown unit ${timeQuote(unitName)} in duration ${timeQuote(orig)}`);
    if (v > (1n << 63n) / unit) throw invalid();
    v *= unit;
    if (frac > 0n) {
      // Go does this in float64; the truncation matches for all realistic inputs.
      v += BigInt(Math.trunc(Number(frac) * (Number(unit) / Number(scale))));
      if (v > 1n << 63n) throw invalid();
    }
    total += v;
    if (total > 1n << 63n) throw invalid();
  }
  if (neg) return -total;
  if (total > MAX_DURATION) throw invalid();
  return total;
}

/** Go time.Duration.String() for a nanosecond count. */
export function formatGoDuration(nsIn: bigint): string {
  if (nsIn === 0n) return '0s';
  const neg = nsIn < 0n;
  const ns = neg ? -nsIn : nsIn;
  const sign = neg ? '-' : '';
  if (ns < 1000000000n) {
    const [unit, div] = ns < 1000n ? ['ns', 1n] : ns < 1000000n ? ['µs', 1000n] : ['ms', 1000000n];
    return sign + fraction(ns, div) + unit;
  }
  let rest = ns;
  const h = rest / 3600000000000n;
  rest -= h * 3600000000000n;
  const m = rest / 60000000000n;
  rest -= m * 60000000000n;
  let out = fraction(rest, 1000000000n) + 's';
  if (h > 0n) out = `${h}h${m}m${out}`;
  else if (m > 0n) out = `${m}m${out}`;
  return sign + out;
}

function fraction(v: bigint, div: bigint): string {
  const whole = v / div;
  const frac = v % div;
  if (frac === 0n) return whole.toString();
  const digits = div.toString().length - 1;
  return `${whole}.${frac.toString().padStart(digits, '0').replace(/0+$/, '')}`;
}
