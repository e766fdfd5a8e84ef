import { validateObject, type ValidationOutcome } from '../../src/validate/webhook.js';

/** Run a networking.istio.io object through the full webhook decision. */
export function check(kind: string, spec: unknown, meta: Record<string, unknown> = {}): ValidationOutcome {
  return validateObject({
    apiVersion: 'networking.istio.io/v1',
    kind,
    metadata: { name: 'obj', namespace: 'ns', ...meta },
    spec,
  });
}

/** The bare validation error text (without the `configuration is invalid: ` envelope). */
export function errorOf(out: ValidationOutcome): string | undefined {
  return out.message?.replace(/^configuration is invalid: /, '');
}
