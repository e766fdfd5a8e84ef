import type { Duration } from '../decode.js';

/** Duration in nanoseconds as a bigint (seconds and nanos share a sign in protobuf). */
export function durationNanos(d: Duration): bigint {
  return BigInt(d.seconds) * 1000000000n + BigInt(d.nanos);
}

/** agent.ValidateDuration: at least 1ms and a whole number of milliseconds. */
export function validateDuration(d: Duration): string | undefined {
  const ns = durationNanos(d);
  if (ns < 1000000n) return 'duration must be greater than 1ms';
  if (ns % 1000000n !== 0n) return 'only durations to ms precision are supported';
  return undefined;
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
