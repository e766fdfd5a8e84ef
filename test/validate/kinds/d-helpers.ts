import { normalizeSpec } from '../../../src/validate/decode.js';
import type { KindValidator, ObjectMetaLite } from '../../../src/validate/result.js';

export interface Outcome {
  error: string | undefined;
  warnings: string[];
}

export const META: ObjectMetaLite = { name: 'foo', namespace: 'bar', annotations: {}, labels: {} };

/** Run a kind validator the way the webhook does: spec normalised first, decode errors surfaced. */
export function run(v: KindValidator, spec: unknown, meta: Partial<ObjectMetaLite> = {}): Outcome {
  const r = v(normalizeSpec(spec), { ...META, ...meta });
  return { error: r.errorMessage(), warnings: r.warnings() };
}

/** The thrown decode error message (the webhook turns it into `error decoding configuration: …`). */
export function decodeFailure(v: KindValidator, spec: unknown): string {
  try {
    v(normalizeSpec(spec), META);
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  return 'no error';
}
