import type { AdmissionDecision, AdmissionRequest } from '../admission/types.js';
import type { CrdValidator } from './schema/index.js';
import { validateAdmission } from './webhook.js';

/**
 * The validating webhook as the server runs it: Istio's webhook rules, optionally preceded by the
 * CRD schema + CEL layer the API server would normally run first (useful when clients bypass it,
 * and in the CLI). Kinds the CRDs do not describe skip the schema layer.
 */
export function createValidationEngine(opts: { crdValidator?: CrdValidator } = {}): (request: AdmissionRequest) => AdmissionDecision {
  const known = new Set((opts.crdValidator?.list() ?? []).map((g) => `${g.group}/${g.kind}`));
  return (request) => {
    const op = request.operation ?? '';
    if (opts.crdValidator && (op === 'CREATE' || op === 'UPDATE')) {
      const obj = request.object as { apiVersion?: unknown; kind?: unknown } | undefined;
      const group = typeof obj?.apiVersion === 'string' && obj.apiVersion.includes('/') ? obj.apiVersion.slice(0, obj.apiVersion.lastIndexOf('/')) : '';
      if (typeof obj?.kind === 'string' && known.has(`${group}/${obj.kind}`)) {
        const { errors } = opts.crdValidator.validate(obj);
        if (errors.length > 0) return { allowed: false, message: errors.join('\n'), reason: 'schema_invalid' };
      }
    }
    const out = validateAdmission(request);
    return {
      allowed: out.allowed,
      message: out.message,
      warnings: out.warnings,
      reason: out.reason ?? (out.allowed ? 'valid' : 'invalid_resource'),
    };
  };
}
