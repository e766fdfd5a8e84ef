/**
 * Helpers needed by engineer D's kinds (security, telemetry, extensions, EnvoyFilter, workloads) that
 * the shared common/ modules do not provide: object narrowing and the policy-targeting sequence
 * shared by the policy kinds.
 */

import { type JsonObject, readMessage, readMessageList, readStringMap } from '../decode.js';
import { ValidationResult } from '../result.js';
import {
  validateOneOfSelectorType,
  validatePolicyTargetReference,
  validatePolicyTargetReferences,
  validateWorkloadSelector,
} from './selector.js';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Policy targeting (selector / targetRef / targetRefs), in the order Istio's policy kinds run it.

export function readBetaSelector(spec: JsonObject): JsonObject | undefined {
  return readMessage(spec, 'selector');
}

/** True when a beta selector has at least one matchLabels entry. */
export function selectorHasLabels(selector: JsonObject | undefined): boolean {
  if (selector === undefined) return false;
  return Object.keys(readStringMap(selector, 'matchLabels') ?? {}).length > 0;
}

/**
 * validateOneOfSelectorType + validateWorkloadSelector + validatePolicyTargetReference(s).
 * TrafficExtension has no single `targetRef` field, so it is neither counted nor checked there.
 */
export function validatePolicyTargeting(spec: JsonObject, withSingleTargetRef = true): ValidationResult {
  const selector = readBetaSelector(spec);
  const res = new ValidationResult();
  if (withSingleTargetRef) {
    res.merge(validateOneOfSelectorType(spec));
  } else if (selector !== undefined && (readMessageList(spec, 'targetRefs') ?? []).length > 0) {
    res.addError('only one of targetRefs or workloadSelector can be set');
  }
  res.merge(validateWorkloadSelector(selector));
  if (withSingleTargetRef) res.merge(validatePolicyTargetReference(readMessage(spec, 'targetRef')));
  res.merge(validatePolicyTargetReferences(readMessageList(spec, 'targetRefs')));
  return res;
}
