/**
 * The operator's injection policy (`--injection-policy FILE`): which overrides a pod may ask the injector for.
 * The file is parsed strictly — an unknown key is a typo that would silently allow what the operator meant
 * to deny, so it is an error — and compiled once per load; requests only read the result.
 */
import { parse as parseYaml } from 'yaml';
import { admissionError, describeError } from '../../errors.js';
import { K8sError } from '../../k8s/errors.js';
import { formatQuantity, parseQuantity, type Quantity } from '../../k8s/quantity.js';
import { isPlainObject } from '../settings/proto-fields.js';
import { MAX_GLOB_LENGTH, matchGlob } from './glob.js';

export interface ResourceCap {
  readonly quantity: Quantity;
  /** As the operator wrote it, for messages. */
  readonly text: string;
}

/** The rules that apply to one pod. Absent means the rule is off, which is Istio's behaviour. */
export interface PolicyRules {
  /** Globs the images of every injected container must match. */
  readonly allowedProxyImages?: readonly string[];
  readonly denyHostPathUserVolumes?: boolean;
  readonly denyPrivilegedProxy?: boolean;
  /** Upper bounds for istio-proxy's requests and limits, by resource name. */
  readonly maxProxyResources?: Readonly<Record<string, ResourceCap>>;
}

export interface InjectionPolicy {
  readonly rules: PolicyRules;
  /** Per-namespace overrides in file order; every entry whose glob matches the namespace applies, later ones win. */
  readonly namespaces: readonly NamespaceOverride[];
}

export interface NamespaceOverride {
  readonly glob: string;
  readonly rules: PolicyRules;
  /** The rules this entry names, including those set to null (which lift the base rule). */
  readonly overrides: readonly RuleKey[];
}

const MAX_NAMESPACE_LENGTH = 63;

const RULE_KEYS = ['allowedProxyImages', 'denyHostPathUserVolumes', 'denyPrivilegedProxy', 'maxProxyResources'] as const;
export type RuleKey = (typeof RULE_KEYS)[number];

function fail(at: string, why: string): never {
  throw new Error(at === '' ? why : `${at}: ${why}`);
}

function parseGlobs(v: unknown, at: string): string[] {
  if (!Array.isArray(v)) fail(at, 'must be a list of image globs');
  return v.map((g, i) => {
    if (typeof g !== 'string' || g === '') fail(`${at}[${i}]`, 'must be a non-empty string');
    if (g.length > MAX_GLOB_LENGTH) fail(`${at}[${i}]`, `longer than ${MAX_GLOB_LENGTH} characters`);
    return g;
  });
}

function parseCaps(v: unknown, at: string): Record<string, ResourceCap> {
  if (!isPlainObject(v)) fail(at, 'must map resource names (cpu, memory, ...) to quantities');
  const out: Record<string, ResourceCap> = {};
  for (const [name, q] of Object.entries(v)) {
    if (typeof q !== 'string' && typeof q !== 'number') fail(`${at}.${name}`, 'must be a quantity such as "4" or 4Gi');
    const text = String(q);
    let quantity: Quantity;
    try {
      quantity = parseQuantity(text);
    } catch (e) {
      if (e instanceof K8sError) fail(`${at}.${name}`, `${text}: ${e.message}`);
      throw e;
    }
    out[name] = { quantity, text: formatQuantity(quantity) };
  }
  return out;
}

function parseRules(v: unknown, at: string, allowNamespaces: boolean): PolicyRules {
  if (!isPlainObject(v)) fail(at, 'must be a mapping');
  const out: { -readonly [K in RuleKey]?: PolicyRules[K] } = {};
  for (const [key, value] of Object.entries(v)) {
    const here = at === '' ? key : `${at}.${key}`;
    if (key === 'namespaces' && allowNamespaces) continue;
    if (!(RULE_KEYS as readonly string[]).includes(key)) {
      fail(here, `unknown field; the rules are ${RULE_KEYS.join(', ')}${allowNamespaces ? ' and namespaces' : ''}`);
    }
    // null switches a rule off, which is how a namespace override lifts it.
    if (value === null) continue;
    switch (key as RuleKey) {
      case 'allowedProxyImages':
        out.allowedProxyImages = parseGlobs(value, here);
        break;
      case 'denyHostPathUserVolumes':
      case 'denyPrivilegedProxy':
        if (typeof value !== 'boolean') fail(here, 'must be true or false');
        out[key as 'denyHostPathUserVolumes' | 'denyPrivilegedProxy'] = value;
        break;
      case 'maxProxyResources':
        out.maxProxyResources = parseCaps(value, here);
        break;
    }
  }
  return out;
}

/** Parse a policy file's text. Throws MA310 with the file and the offending field. */
export function parseInjectionPolicy(text: string, file: string): InjectionPolicy {
  try {
    let doc: unknown;
    try {
      doc = parseYaml(text, { maxAliasCount: 100 });
    } catch (e) {
      fail('', `not YAML: ${describeError(e)}`);
    }
    // An empty file is a policy without rules: injection behaves as Istio's.
    if (doc === null || doc === undefined) return { rules: {}, namespaces: [] };
    const rules = parseRules(doc, '', true);
    const nsRaw = (doc as Record<string, unknown>).namespaces;
    const namespaces: NamespaceOverride[] = [];
    if (nsRaw !== undefined && nsRaw !== null) {
      if (!isPlainObject(nsRaw)) fail('namespaces', 'must map namespace globs to rules');
      for (const [glob, r] of Object.entries(nsRaw)) {
        if (glob.length > MAX_GLOB_LENGTH) fail(`namespaces.${glob.slice(0, 40)}…`, `longer than ${MAX_GLOB_LENGTH} characters`);
        const rules = parseRules(r, `namespaces.${glob}`, false);
        namespaces.push({ glob, rules, overrides: Object.keys(r as object) as RuleKey[] });
      }
    }
    return { rules, namespaces };
  } catch (e) {
    throw admissionError('MA310_POLICY_INVALID', file, describeError(e));
  }
}

/** The rules for a namespace: the base rules with every matching override applied in file order. */
export function rulesForNamespace(policy: InjectionPolicy, namespace: string): PolicyRules {
  const rules: Record<string, unknown> = { ...policy.rules };
  // Namespace names are at most 63 characters; a longer one (only a forged request has it) gets the base
  // rules, which keeps the glob work per request bounded.
  if (namespace.length > MAX_NAMESPACE_LENGTH) return rules as PolicyRules;
  for (const entry of policy.namespaces) {
    if (!matchGlob(entry.glob, namespace)) continue;
    for (const k of entry.overrides) {
      const v = entry.rules[k];
      if (v === undefined) delete rules[k];
      else rules[k] = v;
    }
  }
  return rules as PolicyRules;
}

/** True when no rule is on: the policy then never looks at a pod. */
export function isEmptyRules(rules: PolicyRules): boolean {
  return RULE_KEYS.every((k) => rules[k] === undefined || rules[k] === false);
}
