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
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
}

/** The two-stage answer to "why was (or wasn't) my pod injected?". */
export interface Explanation {
  /** Stage 1 (API server): the webhook entries whose selectors match; none means /inject is never called. */
  webhooks: string[];
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
    for (const w of d.webhooks) {
      if (!isJsonObject(w) || typeof w.name !== 'string') continue;
      out.push({
        name: w.name,
        ...(isJsonObject(w.namespaceSelector) ? { namespaceSelector: w.namespaceSelector as LabelSelector } : {}),
        ...(isJsonObject(w.objectSelector) ? { objectSelector: w.objectSelector as LabelSelector } : {}),
      });
    }
  }
  return out;
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
  const webhooks = entries.filter((e) => selects(e.namespaceSelector, nsLabels) && selects(e.objectSelector, labels)).map((e) => e.name);
  if (webhooks.length === 0) return { webhooks };
  const decision = decideInjection(settings.config, {
    namespace,
    labels,
    annotations,
    hostNetwork: isJsonObject(pod.spec) && pod.spec.hostNetwork === true,
  });
  const out: Explanation = { webhooks, decision };
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
  return {
    ...out,
    injected: {
      templates: (d.detail ?? '').split('templates ')[1] ?? '',
      initContainers: names(status.initContainers),
      containers: names(status.containers),
      volumes: names(status.volumes),
    },
  };
}

/** The explanation as lines a person reads. */
export function formatExplanation(title: string, e: Explanation): string {
  const lines = [`${title}:`];
  if (e.webhooks.length === 0) {
    lines.push('  webhook:  none of the webhook entries selects this pod in this namespace, so the API server never asks the injector');
    return `${lines.join('\n')}\n`;
  }
  lines.push(`  webhook:  ${e.webhooks.join(', ')}`);
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
