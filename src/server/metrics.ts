import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Metric names are Istio's exactly (dashboards and alerts written for istiod keep working), plus a few
 * of our own under the `mesh_admission_` prefix. Istio's validation counters carry no `_total` suffix.
 */
export interface ServerMetrics {
  registry: Registry;
  injection: {
    requests: Counter;
    success: Counter;
    failure: Counter;
    skip: Counter;
    skipByReason: Counter<'reason'>;
    time: Histogram;
  };
  validation: {
    passed: Counter<'group' | 'version' | 'resource'>;
    failed: Counter<'group' | 'version' | 'resource' | 'reason'>;
    httpError: Counter<'status'>;
  };
}

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
  };
}
