import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tagCommand } from '../../src/cli/tag.js';
import { parseYamlDocuments } from '../../src/k8s/yaml-parse.js';
import { isOwned, planMutating, planValidating } from '../../src/kube/webhook-patcher.js';
import { formatTagTable, generateTag, listTags, namespacesUsing, type NamespaceInfo, type WebhookConfig } from '../../src/tags/revision-tags.js';

const ROOT = join(import.meta.dirname, '../..');
const manifest = (f: string): WebhookConfig => parseYamlDocuments(readFileSync(join(ROOT, 'manifests', f), 'utf8'))[0] as unknown as WebhookConfig;
const injector = manifest('mutatingwebhook.yaml');
const validator = manifest('validatingwebhook.yaml');
// What istioctl would have left from an Istio install: a tag of istiod's, not ours.
const istiodTag: WebhookConfig = {
  kind: 'MutatingWebhookConfiguration',
  metadata: { name: 'istio-revision-tag-stable', labels: { 'istio.io/rev': '1-27', 'istio.io/tag': 'stable' } },
  webhooks: [{ name: 'rev.namespace.sidecar-injector.istio.io' }],
};
const configs = [injector, validator, istiodTag];
/** The same install under another revision name, as overlays/beside-istiod makes it. */
function asRevision(c: WebhookConfig, revision: string): WebhookConfig {
  const copy = structuredClone(c);
  copy.metadata.labels = { ...copy.metadata.labels, 'istio.io/rev': revision };
  return copy;
}

type Expr = { key: string; operator: string; values?: string[] };
type Entry = { name: string; clientConfig: unknown; namespaceSelector: { matchExpressions: Expr[] }; objectSelector: { matchExpressions: Expr[] } };
const entries = (c: WebhookConfig): Entry[] => (c.webhooks ?? []) as unknown as Entry[];

describe('revision tags', () => {
  it('a tag gets the rev.namespace / rev.object entries for istio.io/rev=<tag>, calling the revision as it does', () => {
    const [mwc, ...rest] = generateTag(configs, 'prod', 'default');
    expect(rest).toHaveLength(0);
    expect(mwc!.metadata).toEqual({
      name: 'istio-revision-tag-prod',
      labels: { app: 'sidecar-injector', 'app.kubernetes.io/managed-by': 'mesh-admission', 'istio.io/rev': 'default', 'istio.io/tag': 'prod' },
    });
    const [ns, obj] = entries(mwc!);
    expect(entries(mwc!).map((e) => e.name)).toEqual(['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io']);
    expect(ns!.clientConfig).toEqual(entries(injector)[0]!.clientConfig);
    expect(ns!.namespaceSelector.matchExpressions.slice(0, 2)).toEqual([
      { key: 'istio.io/rev', operator: 'In', values: ['prod'] },
      { key: 'istio-injection', operator: 'DoesNotExist' },
    ]);
    // The revision's own exclusions (its namespace, kube-*) stay on every entry.
    expect(ns!.namespaceSelector.matchExpressions[2]).toEqual({ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['mesh-admission', 'kube-system', 'kube-public', 'kube-node-lease'] });
    expect(obj!.objectSelector.matchExpressions).toEqual([
      { key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] },
      { key: 'istio.io/rev', operator: 'In', values: ['prod'] },
    ]);
  });

  it('the default tag also takes istio-injection=enabled and sidecar.istio.io/inject=true, and brings the default validator', () => {
    const [mwc, vwc] = generateTag([asRevision(injector, 'canary'), asRevision(validator, 'canary')], 'default', 'canary');
    expect(entries(mwc!).map((e) => e.name)).toEqual([
      'rev.namespace.sidecar-injector.istio.io',
      'rev.object.sidecar-injector.istio.io',
      'namespace.sidecar-injector.istio.io',
      'object.sidecar-injector.istio.io',
    ]);
    expect(entries(mwc!)[2]!.namespaceSelector.matchExpressions[0]).toEqual({ key: 'istio-injection', operator: 'In', values: ['enabled'] });
    expect(entries(mwc!)[3]!.objectSelector.matchExpressions[0]).toEqual({ key: 'sidecar.istio.io/inject', operator: 'In', values: ['true'] });
    expect(vwc!.metadata.name).toBe('istiod-default-validator');
    const [v] = (vwc!.webhooks ?? []) as Array<Record<string, unknown>>;
    expect(v!.name).toBe('validation.istio.io');
    expect(v!.failurePolicy).toBe('Ignore');
    expect(v!.objectSelector).toBeUndefined();
    expect(v!.clientConfig).toEqual((validator.webhooks ?? [])[0]!.clientConfig);
  });

  it("the revision's caBundle patcher keeps its tags current (they carry its labels) and leaves istiod's tags alone", () => {
    const [mwc, vwc] = generateTag([asRevision(injector, 'canary'), asRevision(validator, 'canary')], 'default', 'canary');
    expect(isOwned(mwc!)).toBe(true);
    expect(planMutating(mwc! as never, 'default', 'Q0EK')).toEqual({ kind: 'skip', reason: 'wrong_revision' });
    const plan = planMutating(mwc! as never, 'canary', 'Q0EK');
    expect(plan.kind).toBe('patch');
    expect(plan.kind === 'patch' && plan.ops.filter((o) => o.op === 'add').map((o) => o.path)).toEqual([0, 1, 2, 3].map((i) => `/webhooks/${i}/clientConfig/caBundle`));
    expect(planValidating(vwc! as never, 'Q0EK', true).ops.length).toBeGreaterThan(0);
    expect(isOwned(istiodTag)).toBe(false);
  });

  it('refuses an unknown revision, a tag named like an installed revision, and a tag that is not a label value', () => {
    expect(() => generateTag(configs, 'prod', 'canary')).toThrow('revision "canary" not found: no MutatingWebhookConfiguration labelled app.kubernetes.io/managed-by=mesh-admission,istio.io/rev=canary');
    expect(() => generateTag([...configs, asRevision(injector, 'canary')], 'canary', 'default')).toThrow(
      'cannot create revision tag "canary": a revision of that name is installed',
    );
    expect(() => generateTag(configs, 'Prod_1', 'default')).toThrow("must be lower-case letters, digits and '-'");
  });

  it('tag list: every tag (ours and istiod\'s) with its revision and the namespaces that use it', () => {
    const [mwc] = generateTag(configs, 'prod', 'default');
    const namespaces: NamespaceInfo[] = [
      { name: 'shop', labels: { 'istio.io/rev': 'prod' } },
      { name: 'web', labels: { 'istio.io/rev': 'stable' } },
      { name: 'plain', labels: { 'istio-injection': 'enabled' } },
    ];
    expect(namespacesUsing('default', namespaces)).toEqual(['plain']);
    expect(formatTagTable(listTags([...configs, mwc!], namespaces))).toBe('TAG    REVISION NAMESPACES\nprod   default  shop\nstable 1-27     web\n');
  });

  it('tag generate -f prints the configurations; usage errors exit 2 and --help exits 0', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), readFile: (p: string) => readFileSync(join(ROOT, p), 'utf8'), readStdin: async () => '' };
    expect(await tagCommand(['generate', 'prod', '--revision', 'default', '-f', 'manifests/mutatingwebhook.yaml'], io)).toBe(0);
    const printed = parseYamlDocuments(out.join('')) as unknown as WebhookConfig[];
    expect(printed.map((c) => c.metadata.name)).toEqual(['istio-revision-tag-prod']);
    expect(await tagCommand(['generate', 'prod', '--revision', 'nope', '-f', 'manifests/mutatingwebhook.yaml'], io)).toBe(1);
    expect(err.join('')).toContain('revision tag: revision "nope" not found');
    expect(await tagCommand(['set', 'prod'], io)).toBe(2);
    expect(await tagCommand(['frobnicate'], io)).toBe(2);
    expect(await tagCommand(['--help'], io)).toBe(0);
  });
});
