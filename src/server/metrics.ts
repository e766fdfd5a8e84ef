import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ISTIO_KIND_NAMES } from '../validate/kinds/names.js';

/**
 * Metric names are Istio's exactly (dashboards and alerts written for istiod keep working), plus a few
 * of our own under the `mesh_admission_` prefix. Istio's validation counters carry no `_total` suffix.
 * Every label value is drawn from a fixed set (anything else is `other`), so no request can grow /metrics.
 */
export interface ServerMetrics {
  registry: Registry;
  injection: {
    requests: Counter;
    success: Counter;
    failure: Counter;
    skip: Counter;
    skipByReason: Counter<'reason'>;
    answerMemo: Counter<'result'>;
    time: Histogram;
  };
  validation: {
    passed: Counter<'group' | 'version' | 'resource'>;
    failed: Counter<'group' | 'version' | 'resource' | 'reason'>;
    httpError: Counter<'status'>;
  };
  server: {
    inFlight: Gauge;
    inFlightBodyBytes: Gauge;
    rejectedBusy: Counter<'limit'>;
  };
}

export const OTHER = 'other';

const VALIDATION_GROUPS = new Set(ISTIO_KIND_NAMES.map((k) => k.group));
const VALIDATION_VERSIONS = new Set(ISTIO_KIND_NAMES.flatMap((k) => k.versions));
const VALIDATION_RESOURCES = new Set(ISTIO_KIND_NAMES.map((k) => k.plural));
/** Reasons the validation engine and the envelope give for a denial. */
const VALIDATION_REASONS = new Set([
  'unsupported_operation',
  'yaml_decode_error',
  'unknown_type',
  'crd_conversion_error',
  'invalid_resource',
  'schema_invalid',
  'internal_error',
  'invalid_envelope',
  'request_limit',
]);
/** Why a pod was not injected (src/inject/decide.ts). */
const SKIP_REASONS = new Set(['hostNetwork', 'ignoredNamespace', 'label', 'annotation', 'neverInjectSelector', 'alwaysInjectSelector', 'policy']);
const HTTP_STATUSES = new Set(['400', '404', '408', '413', '415', '429', '500', '503']);

const known = (set: ReadonlySet<string>, v: unknown): string => (typeof v === 'string' && set.has(v) ? v : OTHER);

/** Labels of the galley_validation_* counters from a request's `resource` (any shape). */
export function validationLabels(resource: unknown): { group: string; version: string; resource: string } {
  const r = (typeof resource === 'object' && resource !== null ? resource : {}) as Record<string, unknown>;
  return {
    group: known(VALIDATION_GROUPS, r['group']),
    version: known(VALIDATION_VERSIONS, r['version']),
    resource: known(VALIDATION_RESOURCES, r['resource']),
  };
}

export const validationReasonLabel = (reason: string): string => known(VALIDATION_REASONS, reason);
export const skipReasonLabel = (reason: string): string => known(SKIP_REASONS, reason);
export const httpStatusLabel = (status: number): string => known(HTTP_STATUSES, String(status));

export function createMetrics(registry = new Registry(), defaults = true): ServerMetrics {
  if (defaults) collectDefaultMetrics({ register: registry });
  const r = [registry];
  return {
    registry,
    injection: {
      requests: new Counter({ name: 'sidecar_injection_requests_total', help: 'Total number of injection requests.', registers: r }),
      success: new Counter({ name: 'sidecar_injection_success_total', help: 'Total number of successful injection requests.', registers: r }),
      failure: new Counter({ name: 'sidecar_injection_failure_total', help: 'Total number of failed injection requests.', registers: r }),
      skip: new Counter({ name: 'sidecar_injection_skip_total', help: 'Total number of skipped injection requests.', registers: r }),
      skipByReason: new Counter({
        name: 'mesh_admission_injection_skip_total',
        help: 'Pods not injected, by the reason of the decision.',
        labelNames: ['reason'] as const,
        registers: r,
      }),
      answerMemo: new Counter({
        name: 'mesh_admission_answer_memo_total',
        help: 'Injection answers looked up in the workers\' answer memo, by result (hit: a repeated request answered without the engine).',
        labelNames: ['result'] as const,
        registers: r,
      }),
      time: new Histogram({
        name: 'sidecar_injection_time_seconds',
        help: 'Total time taken for injection in seconds.',
        buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 1, 3, 5, 10, 20, 30, 60],
        registers: r,
      }),
    },
    validation: {
      passed: new Counter({
        name: 'galley_validation_passed',
        help: 'Resource is valid.',
        labelNames: ['group', 'version', 'resource'] as const,
        registers: r,
      }),
      failed: new Counter({
        name: 'galley_validation_failed',
        help: 'Resource validation failed.',
        labelNames: ['group', 'version', 'resource', 'reason'] as const,
        registers: r,
      }),
      httpError: new Counter({
        name: 'galley_validation_http_error',
        help: 'Resource validation http serve errors.',
        labelNames: ['status'] as const,
        registers: r,
      }),
    },
    server: {
      inFlight: new Gauge({ name: 'mesh_admission_in_flight_requests', help: 'Admission requests being read or answered.', registers: r }),
      inFlightBodyBytes: new Gauge({
        name: 'mesh_admission_in_flight_body_bytes',
        help: 'Bytes reserved for request bodies being read or answered (Content-Length, or the body limit when unknown).',
        registers: r,
      }),
      rejectedBusy: new Counter({
        name: 'mesh_admission_rejected_busy_total',
        help: 'Admission requests answered 429 because a limit on in-flight work was reached.',
        labelNames: ['limit'] as const,
        registers: r,
      }),
    },
  };
}
