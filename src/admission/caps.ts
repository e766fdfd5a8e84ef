/**
 * Caps on strings that come from a request and leave the process again (log lines, the answer's message and
 * warnings). A hostile or broken client must not be able to make one answer or one log line megabytes long.
 */

/** Longest request-supplied string copied into a log line. */
export const MAX_LOG_STRING = 256;
/** Longest `status.message` in an answer; a long list of validation errors still fits. */
export const MAX_MESSAGE_CHARS = 16 * 1024;
/** Kubernetes' advice for admission warnings: at most 120 characters each. */
export const MAX_WARNING_CHARS = 120;
/** Warnings kept before the rest is folded into one "and N more" entry. */
export const MAX_WARNINGS = 20;

/** `s` cut to `max` characters plus a marker saying how much was cut; short strings are returned as they are. */
export function capString(s: string, max: number = MAX_LOG_STRING): string {
  if (s.length <= max) return s;
  return `${s.slice(0, max)}…(${s.length - max} more)`;
}

/** A value for a log field: strings capped, anything else (a request's wrong-typed field) described, never copied whole. */
export function logValue(v: unknown, max: number = MAX_LOG_STRING): string | number | boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return capString(v, max);
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return `(${Array.isArray(v) ? 'array' : typeof v})`;
}

/** One warning cut so that, marker included, it stays within `max` characters. */
function capWarning(w: string, max: number): string {
  if (w.length <= max) return w;
  return `${w.slice(0, max - 1)}…`;
}

/** Warnings as Kubernetes would show them: each ≤ 120 characters, at most MAX_WARNINGS, then "and N more". */
export function capWarnings(warnings: readonly string[], maxCount = MAX_WARNINGS, maxChars = MAX_WARNING_CHARS): string[] {
  const kept = warnings.slice(0, maxCount).map((w) => capWarning(w, maxChars));
  if (warnings.length > maxCount) kept.push(`and ${warnings.length - maxCount} more warnings`);
  return kept;
}
