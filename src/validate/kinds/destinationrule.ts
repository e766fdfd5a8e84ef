import { readMessage, readMessageList, readString, readStringList, readStringMap, type JsonObject } from '../decode.js';
import { validateExportTo } from '../common/exportto.js';
import { validateSubsetName } from '../common/destination.js';
import { validateWildcardDomain } from '../common/hosts.js';
import { validateLabels } from '../common/labels.js';
import { validateWorkloadSelector } from '../common/selector.js';
import { validateTrafficPolicy } from '../common/trafficpolicy.js';
import { ValidationResult, type ObjectMetaLite } from '../result.js';


/** validateSubset joins with appendErrors, so a subset's traffic policy warnings are dropped. */
function validateSubset(configNamespace: string, subset: JsonObject): ValidationResult {
  const v = new ValidationResult();
  v.addError(validateSubsetName(readString(subset, 'name') ?? ''));
  v.addErrTree(validateLabels(readStringMap(subset, 'labels')));
  v.mergeErrorsOnly(validateTrafficPolicy(configNamespace, readMessage(subset, 'trafficPolicy')));
  return v;
}

/** ValidateDestinationRule (validation.go). */
export function validateDestinationRule(spec: Record<string, unknown>, meta: ObjectMetaLite): ValidationResult {
  const v = new ValidationResult();
  v.addError(validateWildcardDomain(readString(spec, 'host') ?? ''));
  v.merge(validateTrafficPolicy(meta.namespace, readMessage(spec, 'trafficPolicy')));
  const names = new Set<string>();
  for (const subset of readMessageList(spec, 'subsets') ?? []) {
    const name = readString(subset, 'name') ?? '';
    if (names.has(name)) v.addError(`duplicate subset names: ${name}`);
    names.add(name);
    // The subset result is one Go error: plain when single, else a multierror that flattens in.
    v.addErrTree(validateSubset(meta.namespace, subset).err);
  }
  const selector = readMessage(spec, 'workloadSelector');
  for (const e of validateExportTo(meta.namespace, readStringList(spec, 'exportTo'), false, selector !== undefined)) v.addError(e);
  v.merge(validateWorkloadSelector(selector));
  return v;
}
