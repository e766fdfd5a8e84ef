import { readMessage, readMessageList, readString, readStringMap, type JsonObject } from '../decode.js';
import { ValidationResult, errFromList, plainErr } from '../result.js';

function selectorLabelErrors(labels: Record<string, string>): string[] {
  const errs: string[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (k === '') errs.push(`empty key is not supported in selector: ${JSON.stringify(`${k}=${v}`)}`);
    if (k.includes('*') || v.includes('*')) errs.push(`wildcard is not supported in selector: ${JSON.stringify(`${k}=${v}`)}`);
  }
  return errs;
}

/**
 * ValidateAlphaWorkloadSelector (networking WorkloadSelector `.labels`) used by ServiceEntry, Sidecar
 * and EnvoyFilter. Callers return immediately when `err` is set.
 */
export function validateAlphaWorkloadSelector(selector: JsonObject | undefined): ValidationResult {
  const v = new ValidationResult();
  if (selector === undefined) return v;
  const labels = readStringMap(selector, 'labels') ?? {};
  v.err = errFromList(selectorLabelErrors(labels));
  if (Object.keys(labels).length === 0) v.warn = plainErr('workload selector specified without labels');
  return v;
}

/** validateWorkloadSelector for the type.v1beta1 selector (`matchLabels`). */
export function validateWorkloadSelector(selector: JsonObject | undefined): ValidationResult {
  const v = new ValidationResult();
  if (selector === undefined) return v;
  const labels = readStringMap(selector, 'matchLabels') ?? {};
  for (const e of selectorLabelErrors(labels)) v.addError(e);
  if (Object.keys(labels).length === 0) v.addWarning('workload selector specified without labels');
  return v;
}

/** At most one of selector, targetRef and targetRefs. */
export function validateOneOfSelectorType(spec: JsonObject): ValidationResult {
  let set = 0;
  if (readMessage(spec, 'selector') !== undefined) set++;
  if (readMessage(spec, 'targetRef') !== undefined) set++;
  if ((readMessageList(spec, 'targetRefs') ?? []).length > 0) set++;
  const v = new ValidationResult();
  if (set > 1) v.addError('only one of targetRefs or workloadSelector can be set');
  return v;
}

const ALLOWED_TARGET_REFS: readonly { group: string; kind: string; version: string }[] = [
  { group: 'core', version: 'v1', kind: 'Service' },
  { group: 'networking.istio.io', version: 'v1', kind: 'ServiceEntry' },
  { group: 'gateway.networking.k8s.io', version: 'v1', kind: 'Gateway' },
  { group: 'gateway.networking.k8s.io', version: 'v1', kind: 'GatewayClass' },
];

const ALLOWED_TARGET_REFS_TEXT = `[${ALLOWED_TARGET_REFS.map((r) => `${r.group}/${r.version}/${r.kind}`).join(' ')}]`;

export function validatePolicyTargetReference(ref: JsonObject | undefined): ValidationResult {
  const v = new ValidationResult();
  if (ref === undefined) return v;
  const name = readString(ref, 'name') ?? '';
  const namespace = readString(ref, 'namespace') ?? '';
  const group = readString(ref, 'group') ?? '';
  const kind = readString(ref, 'kind') ?? '';
  if (name === '') v.addError('targetRef name must be set');
  if (namespace !== '') v.addError('targetRef namespace must not be set; cross namespace referencing is not supported');
  const canonical = group === '' ? 'core' : group;
  if (!ALLOWED_TARGET_REFS.some((r) => r.kind === kind && r.group === canonical)) {
    v.addError(`targetRef must be to one of ${ALLOWED_TARGET_REFS_TEXT} but was ${group}/${kind}`);
  }
  return v;
}

export function validatePolicyTargetReferences(refs: JsonObject[] | undefined): ValidationResult {
  const v = new ValidationResult();
  for (const r of refs ?? []) v.merge(validatePolicyTargetReference(r));
  return v;
}
