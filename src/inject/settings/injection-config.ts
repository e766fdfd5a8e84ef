import { parse as parseYaml } from 'yaml';
import { isPlainObject } from './proto-fields.js';

/** A metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** The `config` key of the istio-sidecar-injector ConfigMap (inject.Config), with Istio's defaults applied. */
export interface InjectionConfig {
  policy: string;
  defaultTemplates: string[];
  templates: Record<string, string>;
  aliases: Record<string, string[]>;
  neverInjectSelector: LabelSelector[];
  alwaysInjectSelector: LabelSelector[];
  injectedAnnotations: Record<string, string>;
}

export const SIDECAR_TEMPLATE = 'sidecar';

function stringMap(v: unknown, what: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isPlainObject(v)) throw new Error(`${what} must be a map of strings`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (val === null || val === undefined) out[k] = '';
    else if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
    else throw new Error(`${what}.${k} must be a string`);
  }
  return out;
}

function selectors(v: unknown, what: string): LabelSelector[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${what} must be a list of label selectors`);
  return v.map((s, i) => {
    if (s === null) return {};
    if (!isPlainObject(s)) throw new Error(`${what}[${i}] must be a label selector`);
    const sel: LabelSelector = {};
    if (s.matchLabels !== undefined && s.matchLabels !== null) sel.matchLabels = stringMap(s.matchLabels, `${what}[${i}].matchLabels`);
    if (Array.isArray(s.matchExpressions)) {
      sel.matchExpressions = s.matchExpressions.map((e, j) => {
        if (!isPlainObject(e) || typeof e.key !== 'string' || typeof e.operator !== 'string') {
          throw new Error(`${what}[${i}].matchExpressions[${j}] needs key and operator`);
        }
        const values = Array.isArray(e.values) ? e.values.map(String) : undefined;
        return { key: e.key, operator: e.operator, ...(values ? { values } : {}) };
      });
    }
    return sel;
  });
}

/**
 * Istio decodes `config` with sigs.k8s.io/yaml into typed fields, where a YAML 1.1 boolean like `y`
 * landing in a string field keeps its text. The YAML 1.2 core schema gives the same strings.
 */
function parseYamlLoose(text: string): unknown {
  return parseYaml(text, { version: '1.2', uniqueKeys: false });
}

/** inject.UnmarshalConfig: unknown keys ignored; defaultTemplates defaults to [sidecar]. */
export function parseInjectionConfig(text: string): InjectionConfig {
  let doc: unknown;
  try {
    doc = parseYamlLoose(text);
  } catch (e) {
    throw new Error(`failed to unmarshal injection template: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isPlainObject(doc)) throw new Error('failed to unmarshal injection template: expected a mapping');
  const defaultTemplates = Array.isArray(doc.defaultTemplates) ? doc.defaultTemplates.map(String) : [];
  const aliases: Record<string, string[]> = {};
  if (isPlainObject(doc.aliases)) {
    for (const [k, v] of Object.entries(doc.aliases)) aliases[k] = Array.isArray(v) ? v.map(String) : [];
  }
  return {
    policy: typeof doc.policy === 'string' ? doc.policy : '',
    defaultTemplates: defaultTemplates.length > 0 ? defaultTemplates : [SIDECAR_TEMPLATE],
    templates: stringMap(doc.templates, 'templates'),
    aliases,
    neverInjectSelector: selectors(doc.neverInjectSelector, 'neverInjectSelector'),
    alwaysInjectSelector: selectors(doc.alwaysInjectSelector, 'alwaysInjectSelector'),
    injectedAnnotations: stringMap(doc.injectedAnnotations, 'injectedAnnotations'),
  };
}

/**
 * kube-inject's --injectConfigFile: a whole `config` document, or (when it has no templates or is
 * not a config at all) a bare template that becomes the `sidecar` template.
 */
export function parseInjectConfigFile(text: string): InjectionConfig {
  let templates: Record<string, string> = {};
  try {
    const doc = parseYamlLoose(text);
    if (isPlainObject(doc) && isPlainObject(doc.templates)) templates = stringMap(doc.templates, 'templates');
  } catch {
    templates = {};
  }
  if (Object.keys(templates).length === 0) {
    return { ...parseInjectionConfig(''), templates: { [SIDECAR_TEMPLATE]: text } };
  }
  return parseInjectionConfig(text);
}

/** The `values` key: JSON (or YAML) as a map; numbers stay float64-like JS numbers, as Go's map[string]any. */
export function parseValues(text: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = text.trim() === '' ? {} : parseYamlLoose(text);
  } catch (e) {
    throw new Error(`failed to parse values.yaml: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) throw new Error('failed to parse values.yaml: expected a mapping');
  return doc;
}
