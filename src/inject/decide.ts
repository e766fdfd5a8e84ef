import type { InjectionConfig, LabelSelector } from './settings/injection-config.js';

/** Namespaces istiod never injects (pkg/kube/inject/initializer.go IgnoredNamespaces). */
export const IGNORED_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

export const INJECT_KEY = 'sidecar.istio.io/inject';

export interface PodFacts {
  namespace: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  hostNetwork: boolean;
}

/** Why the pod is or is not injected, in words an operator can act on. */
export interface InjectionDecision {
  inject: boolean;
  /** machine-readable: hostNetwork, ignoredNamespace, label, annotation, neverInjectSelector, alwaysInjectSelector, policy */
  reason: string;
  detail: string;
  warnings: string[];
}

type SelectorResult = { ok: true; matches: boolean; empty: boolean } | { ok: false; error: string };

/** metav1.LabelSelectorAsSelector(...).Matches(labels), including its validation errors. */
export function matchLabelSelector(sel: LabelSelector, labels: Readonly<Record<string, string>>): SelectorResult {
  const ml = Object.entries(sel.matchLabels ?? {});
  const exprs = sel.matchExpressions ?? [];
  if (ml.length === 0 && exprs.length === 0) return { ok: true, matches: true, empty: true };
  let matches = true;
  for (const [k, v] of ml) if (labels[k] !== v) matches = false;
  for (const e of exprs) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (values.length === 0) return { ok: false, error: `values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty` };
        if (!has || !values.includes(labels[e.key]!)) matches = false;
        break;
      case 'NotIn':
        if (values.length === 0) return { ok: false, error: `values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty` };
        if (has && values.includes(labels[e.key]!)) matches = false;
        break;
      case 'Exists':
        if (values.length > 0) return { ok: false, error: `values: Invalid value: ${JSON.stringify(values)}: values set must be empty for exists and does not exist` };
        if (!has) matches = false;
        break;
      case 'DoesNotExist':
        if (values.length > 0) return { ok: false, error: `values: Invalid value: ${JSON.stringify(values)}: values set must be empty for exists and does not exist` };
        if (has) matches = false;
        break;
      default:
        return { ok: false, error: `"${e.operator}" is not a valid label selector operator` };
    }
  }
  return { ok: true, matches, empty: false };
}

/**
 * istiod's injectRequired, in its order: hostNetwork, ignored namespaces, the explicit
 * `sidecar.istio.io/inject` (label wins over annotation), neverInjectSelector, alwaysInjectSelector,
 * then the policy. `forcePolicy` is kube-inject's forced "enabled".
 */
export function decideInjection(config: Pick<InjectionConfig, 'policy' | 'neverInjectSelector' | 'alwaysInjectSelector'>, pod: PodFacts): InjectionDecision {
  const warnings: string[] = [];
  if (pod.hostNetwork) return { inject: false, reason: 'hostNetwork', detail: 'pod uses host networking', warnings };
  if (IGNORED_NAMESPACES.has(pod.namespace)) {
    return { inject: false, reason: 'ignoredNamespace', detail: `namespace ${pod.namespace} is never injected`, warnings };
  }
  const labelPresent = Object.prototype.hasOwnProperty.call(pod.labels, INJECT_KEY);
  const explicit = labelPresent ? pod.labels[INJECT_KEY]! : (pod.annotations[INJECT_KEY] ?? '');
  const source = labelPresent ? 'label' : 'annotation';
  let useDefault = false;
  let inject = false;
  let reason = source;
  let detail = `${source} ${INJECT_KEY}=${explicit}`;
  if (explicit === 'true') inject = true;
  else if (explicit === 'false') inject = false;
  else {
    useDefault = true;
    if (explicit !== '') {
      warnings.push(
        `Invalid value for ${INJECT_KEY}: "${explicit}". Only 'true' and 'false' are accepted. Falling back to default injection policy.`,
      );
    }
  }
  for (const [list, value, name] of [
    [config.neverInjectSelector, false, 'neverInjectSelector'],
    [config.alwaysInjectSelector, true, 'alwaysInjectSelector'],
  ] as const) {
    if (!useDefault) break;
    for (const [i, sel] of list.entries()) {
      const r = matchLabelSelector(sel, pod.labels);
      if (!r.ok) {
        warnings.push(`Invalid selector for ${name.charAt(0).toUpperCase()}${name.slice(1)}[${i}]: ${r.error}`);
        continue;
      }
      if (!r.empty && r.matches) {
        inject = value;
        useDefault = false;
        reason = name;
        detail = `pod labels match ${name}[${i}]`;
        break;
      }
    }
  }
  switch (config.policy) {
    case 'enabled':
      if (useDefault) return { inject: true, reason: 'policy', detail: 'policy is enabled', warnings };
      return { inject, reason, detail, warnings };
    case 'disabled':
      if (useDefault) return { inject: false, reason: 'policy', detail: 'policy is disabled', warnings };
      return { inject, reason, detail, warnings };
    default:
      warnings.push(`Illegal value for autoInject:${config.policy}, must be one of [disabled,enabled]. Auto injection disabled!`);
      return { inject: false, reason: 'policy', detail: `policy '${config.policy}' is not enabled|disabled`, warnings };
  }
}
