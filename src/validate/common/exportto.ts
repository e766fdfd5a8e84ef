import { isDNS1123Label } from './hosts.js';

function validateVisibility(v: string): string | undefined {
  if (v === '.' || v === '*') return undefined;
  if (v === '~') return 'exportTo ~ (none) is not allowed for Istio configuration objects';
  if (!isDNS1123Label(v)) return 'only .,*, or a valid DNS 1123 label is allowed as exportTo entry';
  return undefined;
}

/** validateExportTo: the errors in Istio's order (appendErrors semantics: caller decides plain/multi). */
export function validateExportTo(
  namespace: string,
  exportTo: readonly string[] | undefined,
  isServiceEntry: boolean,
  isDestinationRuleWithSelector: boolean,
): string[] {
  const errs: string[] = [];
  if (exportTo === undefined || exportTo.length === 0) return errs;
  const set = new Set<string>();
  for (const e of exportTo) {
    const key = e === '.' ? namespace : e;
    if (set.has(key)) {
      errs.push(key !== e ? `duplicate entries in exportTo: . and current namespace ${namespace}` : `duplicate entries in exportTo for entry ${e}`);
    } else if (isServiceEntry && e === '~') {
      set.add(key);
    } else {
      const err = validateVisibility(key);
      if (err !== undefined) errs.push(err);
      else set.add(key);
    }
  }
  if (isDestinationRuleWithSelector && set.size > 0) {
    if (set.has(namespace)) {
      if (set.size > 1) errs.push('destination rule with workload selector cannot have multiple entries in exportTo');
    } else {
      errs.push('destination rule with workload selector cannot have exportTo beyond current namespace');
    }
  }
  if (set.has('*') && exportTo.length > 1) errs.push('cannot have both public (*) and non-public exportTo values for a resource');
  if (set.has('~') && exportTo.length > 1) errs.push('cannot export service entry to no one (~) and someone');
  return errs;
}
