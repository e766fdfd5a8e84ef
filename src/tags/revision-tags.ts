import { isJsonObject, type JsonObject } from '../k8s/json.js';
import { INJECTOR_WEBHOOK_SUFFIX, OWNER_LABEL, OWNER_VALUE, REVISION_LABEL } from '../kube/webhook-patcher.js';

/**
 * Revision tags as `istioctl tag` manages them: a MutatingWebhookConfiguration `istio-revision-tag-<tag>`
 * whose entries select namespaces and pods labelled `istio.io/rev=<tag>` and call the revision the tag points
 * at; the `default` tag also takes `istio-injection=enabled` / `sidecar.istio.io/inject=true` and comes with
 * the `istiod-default-validator`. Here the entries call one of this project's revisions, so the tag carries
 * the ownership label and that revision's label: its caBundle patcher then keeps the tag's caBundle current.
 * Pure functions over the configurations and namespaces; src/cli/tag.ts reads and writes the cluster.
 */
export const TAG_LABEL = 'istio.io/tag';
export const TAG_PREFIX = 'istio-revision-tag-';
export const DEFAULT_VALIDATOR = 'istiod-default-validator';

export type Labels = Record<string, string>;

export interface WebhookConfig {
  kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration';
  metadata: { name: string; labels?: Labels; [k: string]: unknown };
  webhooks?: JsonObject[];
  [k: string]: unknown;
}

export interface NamespaceInfo {
  name: string;
  labels: Labels;
}

const labelsOf = (c: WebhookConfig): Labels => c.metadata.labels ?? {};
const owned = (c: WebhookConfig): boolean => labelsOf(c)[OWNER_LABEL] === OWNER_VALUE;

/** A tag is a label value (Kubernetes' syntax, at most 63 characters); the configuration name adds the prefix. */
export function tagNameProblem(tag: string): string | undefined {
  if (tag.length === 0 || tag.length > 63) return `tag "${tag}" must be 1-63 characters`;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(tag)) return `tag "${tag}" must be lower-case letters, digits and '-', starting and ending with a letter or digit`;
  return undefined;
}

/** The revision's own injector (not a tag): owned by this project, labelled with the revision, no tag label. */
export function revisionInjector(configs: readonly WebhookConfig[], revision: string): WebhookConfig | undefined {
  return configs.find(
    (c) => c.kind === 'MutatingWebhookConfiguration' && owned(c) && labelsOf(c)[REVISION_LABEL] === revision && labelsOf(c)[TAG_LABEL] === undefined,
  );
}

export function revisionValidator(configs: readonly WebhookConfig[], revision: string): WebhookConfig | undefined {
  return configs.find(
    (c) =>
      c.kind === 'ValidatingWebhookConfiguration' &&
      owned(c) &&
      labelsOf(c)[REVISION_LABEL] === revision &&
      labelsOf(c)[TAG_LABEL] === undefined &&
      c.metadata.name !== DEFAULT_VALIDATOR,
  );
}

export function tagConfig(configs: readonly WebhookConfig[], tag: string): WebhookConfig | undefined {
  return configs.find((c) => c.kind === 'MutatingWebhookConfiguration' && c.metadata.name === `${TAG_PREFIX}${tag}`);
}

type Expr = { key: string; operator: string; values?: string[] };
const expr = (key: string, operator: string, values?: string[]): Expr => (values ? { key, operator, values } : { key, operator });

/** The namespace exclusions of the revision's entries (its own namespace, kube-*), kept on every tag entry. */
function nameExclusions(injector: WebhookConfig): Expr[] {
  const first = injector.webhooks?.find((w) => typeof w.name === 'string' && w.name.endsWith(INJECTOR_WEBHOOK_SUFFIX));
  const sel = first && isJsonObject(first.namespaceSelector) ? first.namespaceSelector : {};
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions : [];
  return exprs.filter((e): e is Expr => isJsonObject(e) && e.key === 'kubernetes.io/metadata.name') as Expr[];
}

/** What every entry of the tag shares with the revision's injector: whom it calls and how. */
function callOf(webhook: JsonObject): JsonObject {
  const keep = ['admissionReviewVersions', 'clientConfig', 'failurePolicy', 'matchPolicy', 'reinvocationPolicy', 'rules', 'sideEffects', 'timeoutSeconds'];
  const out: JsonObject = {};
  for (const k of keep) if (webhook[k] !== undefined) out[k] = structuredClone(webhook[k]);
  return out;
}

export class TagError extends Error {}

/**
 * The configurations `tag set TAG --revision REV` writes: the tag's MutatingWebhookConfiguration and, for the
 * `default` tag, the default validator (Istio's `istiod-default-validator`, fail-open until the revision's
 * patcher has seen the webhook deny an invalid object, like the revision's own validator).
 */
export function generateTag(configs: readonly WebhookConfig[], tag: string, revision: string): WebhookConfig[] {
  const problem = tagNameProblem(tag);
  if (problem) throw new TagError(problem);
  const injector = revisionInjector(configs, revision);
  if (!injector) {
    throw new TagError(
      `revision "${revision}" not found: no MutatingWebhookConfiguration labelled ${OWNER_LABEL}=${OWNER_VALUE},${REVISION_LABEL}=${revision} (install that revision first)`,
    );
  }
  if (revisionInjector(configs, tag)) throw new TagError(`cannot create revision tag "${tag}": a revision of that name is installed`);
  const base = injector.webhooks?.find((w) => typeof w.name === 'string' && w.name.endsWith(INJECTOR_WEBHOOK_SUFFIX));
  if (!base) throw new TagError(`MutatingWebhookConfiguration ${injector.metadata.name} has no *.${INJECTOR_WEBHOOK_SUFFIX} entry to point the tag at`);
  const call = callOf(base);
  const excl = nameExclusions(injector);
  const entry = (prefix: string, ns: Expr[], obj: Expr[]): JsonObject => ({
    name: `${prefix}${INJECTOR_WEBHOOK_SUFFIX}`,
    ...structuredClone(call),
    namespaceSelector: { matchExpressions: [...ns, ...excl] },
    objectSelector: { matchExpressions: obj },
  });
  const notDisabled = expr('sidecar.istio.io/inject', 'NotIn', ['false']);
  const webhooks = [
    entry('rev.namespace.', [expr(REVISION_LABEL, 'In', [tag]), expr('istio-injection', 'DoesNotExist')], [notDisabled]),
    entry('rev.object.', [expr(REVISION_LABEL, 'DoesNotExist'), expr('istio-injection', 'DoesNotExist')], [notDisabled, expr(REVISION_LABEL, 'In', [tag])]),
  ];
  if (tag === 'default') {
    webhooks.push(
      entry('namespace.', [expr('istio-injection', 'In', ['enabled'])], [notDisabled]),
      entry('object.', [expr('istio-injection', 'DoesNotExist'), expr(REVISION_LABEL, 'DoesNotExist')], [
        expr('sidecar.istio.io/inject', 'In', ['true']),
        expr(REVISION_LABEL, 'DoesNotExist'),
      ]),
    );
  }
  const labels: Labels = { app: 'sidecar-injector', [OWNER_LABEL]: OWNER_VALUE, [REVISION_LABEL]: revision, [TAG_LABEL]: tag };
  const out: WebhookConfig[] = [
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: `${TAG_PREFIX}${tag}`, labels }, webhooks },
  ];
  if (tag === 'default') {
    const validator = revisionValidator(configs, revision);
    const vbase = validator?.webhooks?.[0];
    if (!vbase) throw new TagError(`revision "${revision}" has no ValidatingWebhookConfiguration labelled ${OWNER_LABEL}=${OWNER_VALUE},${REVISION_LABEL}=${revision} for the default validator`);
    const { reinvocationPolicy: _notValidating, ...vcall } = callOf(vbase);
    out.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: DEFAULT_VALIDATOR, labels: { app: 'istiod', [OWNER_LABEL]: OWNER_VALUE, [REVISION_LABEL]: revision, [TAG_LABEL]: tag } },
      // No object selector: the default validator checks every Istio resource, whatever revision it names.
      webhooks: [{ name: 'validation.istio.io', ...vcall, failurePolicy: 'Ignore' }],
    });
  }
  return out;
}

/** Namespaces that a removal would leave without an injector: labelled with the tag (and, for `default`, istio-injection=enabled). */
export function namespacesUsing(tag: string, namespaces: readonly NamespaceInfo[]): string[] {
  return namespaces
    .filter((n) => n.labels[REVISION_LABEL] === tag || (tag === 'default' && n.labels['istio-injection'] === 'enabled' && n.labels[REVISION_LABEL] === undefined))
    .map((n) => n.name)
    .sort();
}

export interface TagRow {
  tag: string;
  revision: string;
  namespaces: string[];
}

/** `tag list`: every revision tag in the cluster (ours or istioctl's), the revision it points at, who uses it. */
export function listTags(configs: readonly WebhookConfig[], namespaces: readonly NamespaceInfo[]): TagRow[] {
  return configs
    .filter((c) => c.kind === 'MutatingWebhookConfiguration' && labelsOf(c)[TAG_LABEL] !== undefined)
    .map((c) => {
      const tag = labelsOf(c)[TAG_LABEL] ?? '';
      return { tag, revision: labelsOf(c)[REVISION_LABEL] ?? '<none>', namespaces: namespacesUsing(tag, namespaces) };
    })
    .sort((a, b) => a.tag.localeCompare(b.tag));
}

/** `tag list`'s table, in istioctl's columns. */
export function formatTagTable(rows: readonly TagRow[]): string {
  const table = [['TAG', 'REVISION', 'NAMESPACES'], ...rows.map((r) => [r.tag, r.revision, r.namespaces.join(',')])];
  const widths = [0, 1].map((i) => Math.max(...table.map((row) => row[i]!.length)));
  return table.map((row) => `${row[0]!.padEnd(widths[0]!)} ${row[1]!.padEnd(widths[1]!)} ${row[2]}`.trimEnd()).join('\n') + '\n';
}
