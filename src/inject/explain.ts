import { isJsonObject, type JsonObject } from '../k8s/json.js';
import { decideInjection, matchLabelSelector } from './decide.js';
import { applyPatch } from './patch.js';
import { STATUS_ANNOTATION } from './status.js';
import { injectAdmission, type WebhookInjectOptions } from './webhook.js';
import type { LabelSelector } from './settings/injection-config.js';
import type { InjectionSettings } from './types.js';

/** One entry of a MutatingWebhookConfiguration, as far as routing a pod is concerned. */
export interface WebhookEntry {
  name: string;
  /** The MutatingWebhookConfiguration holding the entry. */
  configuration?: string;
  /** What the API server calls: "service NS/NAME:PORT/PATH" or "url URL". */
  calls?: string;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
}

/** An entry that does not select the pod: the first requirement it fails and the label change that meets it. */
export interface UnselectedEntry {
  name: string;
  calls?: string;
  selector: 'namespaceSelector' | 'objectSelector';
  /** The failed requirement, e.g. "istio-injection=enabled" or "istio.io/rev DoesNotExist". */
  requirement: string;
  /** What would meet it, e.g. "kubectl label namespace shop istio-injection=enabled". */
  fix: string;
}

/** The two-stage answer to "why was (or wasn't) my pod injected?". */
export interface Explanation {
  /** Stage 1 (API server): the webhook entries whose selectors match; none means /inject is never called. */
  webhooks: string[];
  /** What each selecting entry calls (same order as `webhooks`; undefined when the configuration does not say). */
  calls: Array<string | undefined>;
  /** Every entry that does not select the pod, with the reason and the fix. */
  notSelected: UnselectedEntry[];
  /** Stage 2 (the injector): its decision and why, when a webhook matched. */
  decision?: { inject: boolean; reason: string; detail: string; warnings: string[] };
  /** When injected: what was added, from the status annotation, or the denial message. */
  injected?: { templates: string; initContainers: string[]; containers: string[]; volumes: string[] };
  denied?: string;
}

/** Webhook entries from MutatingWebhookConfiguration documents (a List is fine). */
export function webhookEntries(docs: readonly unknown[]): WebhookEntry[] {
  const out: WebhookEntry[] = [];
  for (const d of docs) {
    if (!isJsonObject(d)) continue;
    if (d.kind === 'List' && Array.isArray(d.items)) {
      out.push(...webhookEntries(d.items));
      continue;
    }
    if (d.kind !== 'MutatingWebhookConfiguration' || !Array.isArray(d.webhooks)) continue;
    const configuration = isJsonObject(d.metadata) && typeof d.metadata.name === 'string' ? d.metadata.name : undefined;
    for (const w of d.webhooks) {
      if (!isJsonObject(w) || typeof w.name !== 'string') continue;
      const calls = describeClientConfig(w.clientConfig);
      out.push({
        name: w.name,
        ...(configuration !== undefined ? { configuration } : {}),
        ...(calls !== undefined ? { calls } : {}),
        ...(isJsonObject(w.namespaceSelector) ? { namespaceSelector: w.namespaceSelector as LabelSelector } : {}),
        ...(isJsonObject(w.objectSelector) ? { objectSelector: w.objectSelector as LabelSelector } : {}),
      });
    }
  }
  return out;
}

function describeClientConfig(cc: unknown): string | undefined {
  if (!isJsonObject(cc)) return undefined;
  if (typeof cc.url === 'string') return `url ${cc.url}`;
  const svc = cc.service;
  if (!isJsonObject(svc) || typeof svc.name !== 'string') return undefined;
  // The API server's defaults: port 443, path "/".
  const port = typeof svc.port === 'number' ? svc.port : 443;
  const path = typeof svc.path === 'string' ? svc.path : '/';
  return `service ${String(svc.namespace ?? '')}/${svc.name}:${port}${path}`;
}

/**
 * The first requirement of `sel` that `labels` fail, and the label change that meets it; undefined
 * when the selector matches (or is invalid, which the API server rejects at configuration time).
 */
function firstUnmet(sel: LabelSelector, labels: Readonly<Record<string, string>>, apply: string): { requirement: string; fix: string } | undefined {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (labels[k] !== v) return { requirement: `${k}=${v}`, fix: `${apply} ${k}=${v}${k in labels ? ' --overwrite' : ''}` };
  }
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    const requirement = values.length > 0 ? `${e.key} ${e.operator} (${values.join(', ')})` : `${e.key} ${e.operator}`;
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(value!)) return { requirement, fix: `${apply} ${e.key}=${values[0] ?? ''}${has ? ' --overwrite' : ''}` };
        break;
      case 'NotIn':
        if (has && values.includes(value!)) return { requirement, fix: `${apply} ${e.key}- (it is "${value}")` };
        break;
      case 'Exists':
        if (!has) return { requirement, fix: `${apply} ${e.key}=<any value>` };
        break;
      case 'DoesNotExist':
        if (has) return { requirement, fix: `${apply} ${e.key}- (it is "${value}")` };
        break;
      default:
        return undefined;
    }
  }
  return undefined;
}

/** A webhook selector as the API server applies it: absent or empty matches everything. */
function selects(sel: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!sel) return true;
  const r = matchLabelSelector(sel, labels);
  return r.ok && r.matches;
}

function names(list: unknown): string[] {
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * Explain one pod (as its controller would create it) in a namespace with the given labels:
 * which webhook entries the API server would call, what the injector decides and what it adds.
 */
export function explainPod(
  settings: InjectionSettings,
  entries: readonly WebhookEntry[],
  pod: JsonObject,
  namespace: string,
  namespaceLabels: Readonly<Record<string, string>>,
  opts: WebhookInjectOptions = {},
): Explanation {
  const meta = isJsonObject(pod.metadata) ? pod.metadata : {};
  const labels = (isJsonObject(meta.labels) ? meta.labels : {}) as Record<string, string>;
  const annotations = (isJsonObject(meta.annotations) ? meta.annotations : {}) as Record<string, string>;
  // The API server adds this label to every namespace; Istio's selectors rely on it.
  const nsLabels = { ...namespaceLabels, 'kubernetes.io/metadata.name': namespace };
  const selected = entries.filter((e) => selects(e.namespaceSelector, nsLabels) && selects(e.objectSelector, labels));
  const webhooks = selected.map((e) => e.name);
  const calls = selected.map((e) => e.calls);
  const notSelected: UnselectedEntry[] = [];
  for (const e of entries) {
    if (selected.includes(e)) continue;
    const ns = e.namespaceSelector && firstUnmet(e.namespaceSelector, nsLabels, `kubectl label namespace ${namespace}`);
    const obj = !ns && e.objectSelector ? firstUnmet(e.objectSelector, labels, 'label the pod (template):') : undefined;
    const miss = ns ? { selector: 'namespaceSelector' as const, ...ns } : obj ? { selector: 'objectSelector' as const, ...obj } : undefined;
    if (miss) notSelected.push({ name: e.name, ...(e.calls !== undefined ? { calls: e.calls } : {}), ...miss });
  }
  if (webhooks.length === 0) return { webhooks, calls, notSelected };
  const decision = decideInjection(settings.config, {
    namespace,
    labels,
    annotations,
    hostNetwork: isJsonObject(pod.spec) && pod.spec.hostNetwork === true,
  });
  const out: Explanation = { webhooks, calls, notSelected, decision };
  if (!decision.inject) return out;
  const d = injectAdmission(settings, { uid: 'explain', namespace, object: pod }, '/inject', opts);
  if (!d.allowed) return { ...out, denied: d.message ?? d.reason };
  const result = applyPatch(pod, (d.patch ?? []) as never) as JsonObject;
  const m = isJsonObject(result.metadata) ? result.metadata : {};
  const ann = isJsonObject(m.annotations) ? m.annotations : {};
  let status: Record<string, unknown> = {};
  try {
    status = JSON.parse(String(ann[STATUS_ANNOTATION] ?? '{}')) as Record<string, unknown>;
  } catch {
    status = {};
  }
  // The status annotation lists the template's names, which may include the pod's own (merged, not added).
  const spec = isJsonObject(pod.spec) ? pod.spec : {};
  const own = (list: unknown): Set<string> =>
    new Set(Array.isArray(list) ? list.flatMap((c) => (isJsonObject(c) && typeof c.name === 'string' ? [c.name] : [])) : []);
  const added = (list: unknown, existing: Set<string>): string[] => names(list).filter((n) => !existing.has(n));
  return {
    ...out,
    injected: {
      templates: (d.detail ?? '').split('templates ')[1] ?? '',
      initContainers: added(status.initContainers, own(spec.initContainers)),
      containers: added(status.containers, own(spec.containers)),
      volumes: added(status.volumes, own(spec.volumes)),
    },
  };
}

/** The explanation as lines a person reads. */
export function formatExplanation(title: string, e: Explanation): string {
  const lines = [`${title}:`];
  if (e.webhooks.length === 0) {
    lines.push('  webhook:  none of the webhook entries selects this pod in this namespace, so the API server never asks the injector');
    for (const n of e.notSelected) {
      lines.push(`            ${n.name}${n.calls ? ` (calls ${n.calls})` : ''}: ${n.selector} needs ${n.requirement}; to select it: ${n.fix}`);
    }
    return `${lines.join('\n')}\n`;
  }
  lines.push(`  webhook:  ${e.webhooks.map((w, i) => (e.calls[i] ? `${w} (calls ${e.calls[i]})` : w)).join(', ')}`);
  if (e.decision) {
    lines.push(`  decision: ${e.decision.inject ? 'inject' : 'skip'} (${e.decision.reason}: ${e.decision.detail})`);
    for (const w of e.decision.warnings) lines.push(`  warning:  ${w}`);
  }
  if (e.denied) lines.push(`  denied:   ${e.denied.replace(/\n/g, '\n            ')}`);
  if (e.injected) {
    lines.push(`  adds:     templates ${e.injected.templates || '(none)'}`);
    if (e.injected.initContainers.length) lines.push(`            initContainers ${e.injected.initContainers.join(', ')}`);
    if (e.injected.containers.length) lines.push(`            containers ${e.injected.containers.join(', ')}`);
    if (e.injected.volumes.length) lines.push(`            volumes ${e.injected.volumes.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
