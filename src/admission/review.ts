import { admissionError, describeError } from '../errors.js';
import { MAX_MESSAGE_CHARS, capString, capWarnings } from './caps.js';
import {
  ADMISSION_VERSIONS,
  type AdmissionApiVersion,
  type AdmissionDecision,
  type AdmissionRequest,
  type AdmissionResponse,
  type AdmissionReview,
} from './types.js';

/** Istio's kube.MaxRequestBodyBytes: AdmissionReviews carry object + oldObject of up to ~1.5 MiB each. */
export const MAX_REQUEST_BODY_BYTES = 6 * 1024 * 1024;

/** Kubernetes UIDs are 36 characters; the answer must echo the uid, so a huge one is refused rather than copied. */
export const MAX_UID_CHARS = 256;

export type DecodeResult = { ok: true; review: AdmissionReview } | { ok: false; message: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Decode an AdmissionReview as the Kubernetes UniversalDeserializer would accept it for istiod:
 * JSON, `admission.k8s.io/v1` or `v1beta1`, kind AdmissionReview. `request: null` is answered
 * (istiod panics there), so it is a decode failure rather than a crash.
 */
export function decodeReview(body: string): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    return { ok: false, message: admissionError('MA103_UNDECODABLE_REVIEW', describeError(e)).message };
  }
  if (!isRecord(parsed)) {
    return { ok: false, message: admissionError('MA103_UNDECODABLE_REVIEW', 'body is not a JSON object').message };
  }
  const { apiVersion, kind } = parsed;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || apiVersion === '' || kind === '') {
    return {
      ok: false,
      message: admissionError('MA103_UNDECODABLE_REVIEW', 'Object \'Kind\' or \'apiVersion\' is missing').message,
    };
  }
  if (!(ADMISSION_VERSIONS as readonly string[]).includes(apiVersion) || kind !== 'AdmissionReview') {
    return {
      ok: false,
      message: admissionError(
        'MA103_UNDECODABLE_REVIEW',
        `unsupported type ${apiVersion}, Kind=${kind}: want AdmissionReview in ${ADMISSION_VERSIONS.join(' or ')}`,
      ).message,
    };
  }
  const request = parsed.request;
  if (request === undefined || request === null) {
    return { ok: false, message: admissionError('MA104_NO_REQUEST').message };
  }
  if (!isRecord(request)) {
    return { ok: false, message: admissionError('MA103_UNDECODABLE_REVIEW', 'request is not an object').message };
  }
  if (request.uid !== undefined && typeof request.uid !== 'string') {
    return { ok: false, message: admissionError('MA103_UNDECODABLE_REVIEW', 'request.uid is not a string').message };
  }
  if (typeof request.uid === 'string' && request.uid.length > MAX_UID_CHARS) {
    return {
      ok: false,
      message: admissionError('MA109_REQUEST_LIMIT', `request.uid is ${request.uid.length} characters`, `${MAX_UID_CHARS} characters`).message,
    };
  }
  const req: AdmissionRequest = { ...(request as Omit<AdmissionRequest, 'uid'>), uid: (request.uid as string) ?? '' };
  return { ok: true, review: { apiVersion: apiVersion as AdmissionApiVersion, kind: 'AdmissionReview', request: req } };
}

/** The response review: apiVersion/kind echoed, only `response`, as istiod writes it. */
export function encodeDecision(review: AdmissionReview, decision: AdmissionDecision): object {
  const response: AdmissionResponse = { uid: review.request.uid, allowed: decision.allowed };
  if (decision.message !== undefined) response.status = { metadata: {}, message: capString(decision.message, MAX_MESSAGE_CHARS) };
  if (decision.patch !== undefined && decision.patch.length > 0) {
    response.patch = Buffer.from(JSON.stringify(decision.patch)).toString('base64');
    response.patchType = 'JSONPatch';
  }
  if (decision.allowed && decision.warnings !== undefined && decision.warnings.length > 0) {
    response.warnings = capWarnings(decision.warnings);
  }
  return { kind: 'AdmissionReview', apiVersion: review.apiVersion, response };
}

/** A review that could not be decoded has no TypeMeta to echo; Istio answers v1beta1-shaped with an empty uid. */
export function encodeDecodeFailure(message: string): object {
  return { response: { uid: '', allowed: false, status: { metadata: {}, message: capString(message, MAX_MESSAGE_CHARS) } } };
}
