/**
 * One AdmissionReview body in, the answer text and a summary out: the part of a webhook call that
 * can run away from the HTTP thread (in a worker, or inline). The summary carries what the server
 * needs for its log line and metrics, so neither the request nor the answer crosses back as objects.
 */
import { admissionError, describeError } from '../errors.js';
import { ANSWER_MEMO_MAX_BODY, answerMemoKey, patchBase64, type AnswerMemo } from './answer-memo.js';
import { decodeReview, encodeDecodeFailure } from './review.js';
import { MAX_LOG_STRING, MAX_MESSAGE_CHARS, capString, capWarnings } from './caps.js';
import { checkEnvelope } from './envelope.js';
import { checkRequestLimits } from './limits.js';
import type { AdmissionDecision, AdmissionRequest, AdmissionReview } from './types.js';

export type WebhookKind = 'inject' | 'validate';

/** The engines behind the two webhooks, on whichever thread computes them. */
export interface AdmissionEngines {
  inject(request: AdmissionRequest, path: string): AdmissionDecision;
  validate(request: AdmissionRequest): AdmissionDecision;
  /**
   * The memo for the current configuration and cache snapshot, in which injection answers depend on the request
   * alone (pure templates); undefined when they may not be remembered.
   */
  injectMemo?(): AnswerMemo | undefined;
}

/** What the server logs and counts about one answered review. */
export type AdmissionSummary =
  | { decoded: false; message: string }
  | {
      decoded: true;
      uid: string;
      objectKind: string;
      operation: string;
      namespace: string;
      name: string;
      resource: { group: string; version: string; resource: string };
      dryRun: boolean;
      allowed: boolean;
      reason: string;
      message?: string;
      detail?: string;
      /** The engine threw (a bug): the answer is a denial with MA105, this is what it threw. */
      engineError?: string;
      /** Whether the answer memo was consulted, and whether it held the answer. */
      memo?: 'hit' | 'miss';
    };

export interface AdmissionAnswer {
  /** The 200 answer body (application/json). */
  body: string;
  summary: AdmissionSummary;
}

/**
 * The response review as text, field for field what `JSON.stringify(encodeDecision(...))` writes, but
 * the base64 patch is appended as is instead of being scanned for escapes a second time.
 */
export function encodeDecisionText(review: AdmissionReview, decision: AdmissionDecision, patchText?: string): string {
  let s = `{"kind":"AdmissionReview","apiVersion":${JSON.stringify(review.apiVersion)},"response":{"uid":${JSON.stringify(review.request.uid)},"allowed":${decision.allowed}`;
  if (decision.message !== undefined) s += `,"status":{"metadata":{},"message":${JSON.stringify(capString(decision.message, MAX_MESSAGE_CHARS))}}`;
  const patch = patchText ?? patchBase64(decision);
  if (patch !== undefined) s += `,"patch":"${patch}","patchType":"JSONPatch"`;
  if (decision.allowed && decision.warnings !== undefined && decision.warnings.length > 0) s += `,"warnings":${JSON.stringify(capWarnings(decision.warnings))}`;
  return `${s}}}`;
}

/** A request-supplied string for the summary: only strings, capped, so a huge name never crosses threads or reaches a log. */
function str(v: unknown): string {
  return typeof v === 'string' ? capString(v, MAX_LOG_STRING) : '';
}

/** Envelope field types and request limits, checked before any engine work; undefined when the request may go on. */
export function ingressDenial(request: AdmissionRequest): AdmissionDecision | undefined {
  const problem = checkEnvelope(request as unknown as Record<string, unknown>);
  if (problem) {
    const message = admissionError('MA108_ENVELOPE_FIELD_TYPE', problem.field, problem.want, problem.got).message;
    return { allowed: false, message, reason: 'invalid_envelope' };
  }
  const limit = checkRequestLimits(request);
  if (limit) return { allowed: false, message: limit, reason: 'request_limit' };
  return undefined;
}

export function answerReview(engines: AdmissionEngines, kind: WebhookKind, body: string, path: string): AdmissionAnswer {
  const decoded = decodeReview(body);
  if (!decoded.ok) return { body: JSON.stringify(encodeDecodeFailure(decoded.message)), summary: { decoded: false, message: decoded.message } };
  const { review } = decoded;
  const r = review.request;
  let decision = ingressDenial(r);
  let engineError: string | undefined;
  let patchText: string | undefined;
  const candidate = !decision && kind === 'inject' && body.length <= ANSWER_MEMO_MAX_BODY ? engines.injectMemo?.() : undefined;
  const key = candidate !== undefined ? answerMemoKey(r, path) : undefined;
  const memo = key !== undefined ? candidate : undefined;
  const remembered = memo !== undefined && key !== undefined ? memo.get(key) : undefined;
  if (remembered !== undefined) {
    decision = remembered.decision;
    patchText = remembered.patchBase64;
  } else if (!decision) {
    try {
      decision = kind === 'inject' ? engines.inject(r, path) : engines.validate(r);
      if (memo !== undefined && key !== undefined) {
        patchText = patchBase64(decision);
        // Only the text is kept: the operations, parts of pods, would keep far more memory alive.
        const { patch: _ops, ...rest } = decision;
        memo.set(key, { decision: rest, patchBase64: patchText });
      }
    } catch (e) {
      // An engine bug must still produce an answer the API server can act on.
      engineError = describeError(e);
      decision = { allowed: false, message: admissionError('MA105_INTERNAL', engineError).message, reason: 'internal_error' };
    }
  }
  const rawObj: unknown = r.object;
  const obj = (typeof rawObj === 'object' && rawObj !== null ? rawObj : {}) as { metadata?: { name?: unknown; generateName?: unknown; namespace?: unknown } };
  const rawKind: unknown = r.kind;
  const kindName = typeof rawKind === 'object' && rawKind !== null ? (rawKind as { kind?: unknown }).kind : undefined;
  const generateName = str(obj.metadata?.generateName);
  return {
    body: encodeDecisionText(review, decision, patchText),
    summary: {
      decoded: true,
      uid: r.uid,
      objectKind: str(kindName),
      operation: str(r.operation),
      namespace: str(r.namespace) || str(obj.metadata?.namespace),
      name: str(r.name) || str(obj.metadata?.name) || (generateName ? `${generateName}***** (actual name not yet known)` : ''),
      resource: resourceOf(r.resource),
      dryRun: r.dryRun === true,
      allowed: decision.allowed,
      reason: decision.reason,
      ...(decision.message !== undefined ? { message: capString(decision.message, MAX_LOG_STRING) } : {}),
      ...(decision.detail ? { detail: capString(decision.detail, MAX_LOG_STRING) } : {}),
      ...(engineError !== undefined ? { engineError: capString(engineError, MAX_LOG_STRING) } : {}),
      ...(memo !== undefined ? { memo: remembered !== undefined ? ('hit' as const) : ('miss' as const) } : {}),
    },
  };
}

function resourceOf(v: unknown): { group: string; version: string; resource: string } {
  const r = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  return { group: str(r['group']), version: str(r['version']), resource: str(r['resource']) };
}
