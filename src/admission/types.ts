/** The parts of admission.k8s.io v1/v1beta1 AdmissionReview that mesh-admission reads and writes. */

export const ADMISSION_VERSIONS = ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'] as const;
export type AdmissionApiVersion = (typeof ADMISSION_VERSIONS)[number];

export interface GroupVersionKind {
  group?: string;
  version?: string;
  kind?: string;
}

export interface AdmissionRequest {
  uid: string;
  kind?: GroupVersionKind;
  resource?: { group?: string; version?: string; resource?: string };
  subResource?: string;
  name?: string;
  namespace?: string;
  operation?: string;
  dryRun?: boolean;
  object?: unknown;
  oldObject?: unknown;
}

export interface AdmissionStatus {
  metadata: Record<string, never>;
  message?: string;
  code?: number;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: AdmissionStatus;
  patch?: string;
  patchType?: 'JSONPatch';
  warnings?: string[];
}

export interface AdmissionReview {
  apiVersion: AdmissionApiVersion;
  kind: 'AdmissionReview';
  request: AdmissionRequest;
}

/** What a webhook engine decides about one request; the envelope adds the uid and wire shape. */
export interface AdmissionDecision {
  allowed: boolean;
  message?: string;
  /** RFC 6902 operations; encoded to base64 JSON by the envelope. */
  patch?: readonly unknown[];
  warnings?: string[];
  /** For logs and metrics: why this decision (e.g. `injected`, `skipped:hostNetwork`, `invalid_resource`). */
  reason: string;
  /** For logs only: a human explanation (why skipped, what was odd). Never sent to the API server. */
  detail?: string;
}
