/**
 * The one catalogue of mesh-admission's own error codes. Every error that leaves the process
 * (HTTP answer, log line, CLI stderr, /debug/config) is built here so codes stay stable and messages
 * stay consistent. Where Istio has a wire message users already grep for, the message text is
 * Istio's and the code is ours.
 *
 * Append new codes; never renumber or reuse one.
 */
export const ERROR_CATALOGUE = {
  // --- HTTP / AdmissionReview envelope (MA1xx) ---
  MA100_EMPTY_BODY: { http: 400, message: () => 'no body found' },
  MA101_BODY_TOO_LARGE: { http: 400, message: (limit: number) => `Request entity too large: limit is ${limit}` },
  MA102_BAD_CONTENT_TYPE: { http: 415, message: () => 'invalid Content-Type, want `application/json`' },
  MA103_UNDECODABLE_REVIEW: { http: 200, message: (why: string) => `could not decode body: ${why}` },
  MA104_NO_REQUEST: { http: 200, message: () => 'could not decode body: AdmissionReview has no request' },
  MA105_INTERNAL: { http: 500, message: (why: string) => `internal error: ${why}` },
  MA106_TOO_BUSY: {
    http: 429,
    message: (what: string, limit: string) => `too many admission requests in flight: ${what} (limit ${limit}); retry`,
  },
  MA107_NOT_FOUND: { http: 404, message: () => '404 page not found' },
  MA108_ENVELOPE_FIELD_TYPE: {
    http: 200,
    message: (field: string, want: string, got: string) => `could not decode body: request.${field} must be ${want}, got ${got}`,
  },
  MA109_REQUEST_LIMIT: { http: 200, message: (what: string, limit: string) => `request exceeds a limit: ${what} (limit ${limit})` },
  MA110_INVALID_METADATA: { http: 200, message: (field: string, value: string, why: string) => `${field}: Invalid value: ${value}: ${why}` },

  // --- injection (MA2xx) ---
  MA200_UNMARSHAL_POD: { http: 200, message: (why: string) => `could not unmarshal raw object: ${why}` },
  MA201_TEMPLATE_RUN: { http: 200, message: (why: string) => `failed to run injection template: ${why}` },
  MA202_TEMPLATE_NOT_FOUND: {
    http: 200,
    message: (name: string, have: string[]) => `requested template "${name}" not found; have ${have.join(', ')}`,
  },
  MA203_INVALID_ANNOTATION: {
    http: 200,
    message: (value: string, name: string, why: string) => `invalid value '${value}' for annotation '${name}': ${why}`,
  },
  MA204_INVALID_PROMETHEUS_SCRAPE: {
    http: 200,
    message: (what: 'configuration' | 'targets', why: string) => `invalid prometheus scrape ${what}: ${why}`,
  },
  // Injection policy denials (--injection-policy): each names what in the pod caused it and the rule.
  MA210_POLICY_DENIED: { http: 200, message: (violations: readonly string[]) => `denied by the injection policy: ${violations.join('; ')}` },
  MA211_POLICY_IMAGE: {
    http: 200,
    message: (cause: string, container: string, image: string, allowed: readonly string[]) =>
      `${cause} gives container ${container} image "${image}", which allowedProxyImages does not allow (${allowed.join(', ') || 'none'})`,
  },
  MA212_POLICY_HOST_PATH: {
    http: 200,
    message: (cause: string, what: string) => `${cause} ${what}, which denyHostPathUserVolumes forbids`,
  },
  MA213_POLICY_PRIVILEGED: {
    http: 200,
    message: (cause: string, what: readonly string[]) => `${cause} makes istio-proxy run with ${what.join(', ')}, which denyPrivilegedProxy forbids`,
  },
  MA214_POLICY_RESOURCES: {
    http: 200,
    message: (cause: string, field: string, value: string, max: string) =>
      `${cause} sets istio-proxy ${field} to ${value}, above maxProxyResources ${max}`,
  },

  // --- configuration load / reload (MA3xx) ---
  MA300_CONFIG_UNREADABLE: { http: 0, message: (what: string, why: string) => `cannot read ${what}: ${why}` },
  MA301_CONFIG_INVALID: { http: 0, message: (what: string, why: string) => `invalid ${what}: ${why}` },
  MA302_CANARY_FAILED: { http: 0, message: (why: string) => `canary injection failed: ${why}` },
  MA310_POLICY_INVALID: { http: 0, message: (file: string, why: string) => `invalid injection policy ${file}: ${why}` },
  // Worker threads (MA32x): answers computed off the HTTP thread.
  MA320_WORKER_DEADLINE: {
    http: 500,
    message: (ms: number) => `admission not computed within ${ms} ms; the worker thread computing it was replaced`,
  },
  MA321_WORKER_EXITED: { http: 500, message: (why: string) => `admission not computed: its worker thread exited (${why})` },
  MA322_WORKER_CONFIG: { http: 0, message: (why: string) => `a worker thread could not load the configuration: ${why}` },

  // --- certificates (MA4xx) ---
  MA400_CERT_UNREADABLE: { http: 0, message: (file: string, why: string) => `cannot read certificate ${file}: ${why}` },
  MA401_CERT_INVALID: { http: 0, message: (why: string) => `invalid certificate or key: ${why}` },

  // --- CLI (MA5xx) ---
  MA500_USAGE: { http: 0, message: (why: string) => `usage: ${why}` },
  MA501_INPUT_UNREADABLE: { http: 0, message: (file: string, why: string) => `cannot read ${file}: ${why}` },
  // Revision tags (`tag set|generate|list|remove`).
  MA530_TAG_REFUSED: { http: 0, message: (why: string) => `revision tag: ${why}` },

  // --- CRD schema layer (MA6xx) ---
  MA600_CRD_SCHEMAS_UNAVAILABLE: { http: 0, message: (source: string, why: string) => `CRD schemas unavailable from ${source}: ${why}` },
  MA601_CRD_UNKNOWN_KIND: {
    http: 0,
    message: (group: string, version: string, kind: string) =>
      `unrecognized type ${group}/${version}, Kind=${kind}: no CustomResourceDefinition schema for it`,
  },
  MA602_CRD_VERSION_NOT_SERVED: {
    http: 0,
    message: (version: string, kind: string, group: string, served: string[]) =>
      `version "${version}" of ${kind}.${group} is not served (served: ${served.join(', ') || 'none'})`,
  },
  MA603_NOT_A_RESOURCE: { http: 0, message: (why: string) => `not a Kubernetes resource: ${why}` },
  // --- Kubernetes API integration (MA7xx) ---
  MA700_KUBE_CONFIG: { http: 0, message: (why: string) => `cannot configure the Kubernetes client: ${why}` },
  MA701_KUBE_API: { http: 0, message: (op: string, why: string) => `Kubernetes API ${op} failed: ${why}` },
  MA702_WEBHOOK_NOT_READY: { http: 0, message: (why: string) => `webhook is not ready, retry: ${why}` },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

type MessageArgs<C extends ErrorCode> = Parameters<(typeof ERROR_CATALOGUE)[C]['message']>;

/** An error carrying a catalogue code; `message` is the catalogue's text. */
export class AdmissionError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  constructor(code: ErrorCode, message: string, httpStatus: number) {
    super(message);
    this.name = 'AdmissionError';
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

export function admissionError<C extends ErrorCode>(code: C, ...args: MessageArgs<C>): AdmissionError {
  const entry = ERROR_CATALOGUE[code];
  const message = (entry.message as (...a: MessageArgs<C>) => string)(...args);
  return new AdmissionError(code, message, entry.http);
}

/** Any thrown value as a message, without losing non-Error throws. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
