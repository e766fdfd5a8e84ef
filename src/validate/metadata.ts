import { parseBool } from '../go/strconv.js';
import { isObject } from './decode.js';
import type { ObjectMetaLite } from './result.js';

export const ANNOTATION_DRY_RUN = 'istio.io/dry-run';
export const ANNOTATION_ALWAYS_REJECT = 'internal.istio.io/webhook-always-reject';
export const ANNOTATION_PARENT_NAMESPACE = 'internal.istio.io/parent-namespace';
export const ANNOTATION_PARENTS = 'internal.istio.io/parents';
export const ANNOTATION_ROUTE_SEMANTICS = 'internal.istio.io/route-semantics';
export const ANNOTATION_GATEWAY_SEMANTICS = 'internal.istio.io/gateway-semantics';


/**
 * The validateMetadata wrapper Istio puts around every kind's validator. Returns the single
 * error message (Istio returns before running the kind validator) or undefined.
 * `authzAction` is the decoded AuthorizationPolicy action name, or undefined for other kinds.
 */
export function checkMetadata(
  meta: ObjectMetaLite,
  isAuthorizationPolicy: boolean,
  authzAction: string | undefined,
): string | undefined {
  const a = meta.annotations;
  if (Object.hasOwn(a, ANNOTATION_DRY_RUN)) {
    const val = a[ANNOTATION_DRY_RUN] ?? '';
    if (!isAuthorizationPolicy) {
      return `${meta.namespace}/${meta.name} has unsupported annotation ${ANNOTATION_DRY_RUN}, please remove the annotation`;
    }
    const action = authzAction ?? 'ALLOW';
    if (action === 'ALLOW' || action === 'DENY') {
      const dryRun = parseBool(val);
      if (!dryRun.ok) {
        return `${meta.namespace}/${meta.name} has annotation ${ANNOTATION_DRY_RUN} with invalid value (${val}): ${dryRun.error}`;
      }
    } else {
      return `the annotation ${ANNOTATION_DRY_RUN} currently only supports action ALLOW/DENY, found action ${action} in ${meta.namespace}/${meta.name}`;
    }
  }
  if (Object.hasOwn(a, ANNOTATION_ALWAYS_REJECT)) return `"${ANNOTATION_ALWAYS_REJECT}" annotation found, rejecting`;
  if (Object.hasOwn(a, ANNOTATION_PARENT_NAMESPACE)) {
    return `"${ANNOTATION_PARENT_NAMESPACE}" annotation found, this may not be set by users`;
  }
  if (Object.hasOwn(a, ANNOTATION_PARENTS)) return `"${ANNOTATION_PARENTS}" annotation found, this may not be set by users`;
  return undefined;
}

/** Pull string maps out of untrusted metadata; non-string values are dropped by the caller's decode. */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}
