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
