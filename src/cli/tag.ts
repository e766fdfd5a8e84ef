import { parseArgs } from 'node:util';
import { admissionError, describeError } from '../errors.js';
import { isJsonObject } from '../k8s/json.js';
import { printYaml } from '../k8s/yaml-print.js';
import { parseYamlDocuments } from '../k8s/yaml-parse.js';
import type { KubeApis } from '../kube/client.js';
import {
  DEFAULT_VALIDATOR,
  TAG_LABEL,
  TagError,
  formatTagTable,
  generateTag,
  listTags,
  namespacesUsing,
  tagConfig,
  type NamespaceInfo,
  type WebhookConfig,
} from '../tags/revision-tags.js';
import { apiCall, cliApis, mutatingWebhookConfigurations, validatingWebhookConfigurations } from './cluster.js';
import { readInput, type CliIO } from './io.js';

export const TAG_USAGE = `usage: mesh-admission tag set <tag> --revision REV [--overwrite] [--dry-run] [--kubeconfig FILE]
       mesh-admission tag generate <tag> --revision REV [-f FILE | --kubeconfig FILE]
       mesh-admission tag list [--kubeconfig FILE]
       mesh-admission tag remove <tag> [-y/--skip-confirmation] [--kubeconfig FILE]
  Revision tags as istioctl tag manages them: a MutatingWebhookConfiguration istio-revision-tag-<tag> routes
  namespaces and pods labelled istio.io/rev=<tag> to the revision REV installed by mesh-admission (the
  default tag also takes istio-injection=enabled and comes with the istiod-default-validator). Moving a tag
  to another revision (set --overwrite) and restarting workloads is a canary upgrade without relabelling.
  -r, --revision REV        the mesh-admission revision the tag points at (set, generate)
  --overwrite               replace an existing tag (set)
  --dry-run                 print what set would write instead of writing it
  -f, --filename FILE       generate from configurations in FILE (kubectl get mutatingwebhookconfigurations,
                            validatingwebhookconfigurations -o yaml) instead of the cluster
  -y, --skip-confirmation   remove a tag that namespaces still use (their new pods lose injection)
  --kubeconfig FILE         kubeconfig instead of $KUBECONFIG / ~/.kube/config
  -h, --help                show this help
Exit status: 0 done, 1 refused (unknown revision, tag exists, tag in use), 2 unusable input or arguments.`;

type Values = { revision?: string; overwrite?: boolean; 'dry-run'?: boolean; filename?: string; 'skip-confirmation'?: boolean; kubeconfig?: string; help?: boolean };

const usageError = (io: CliIO, why: string): number => {
  io.stderr(`${admissionError('MA500_USAGE', why).message}\n${TAG_USAGE}\n`);
  return 2;
};

function configsFromDocs(docs: readonly unknown[]): WebhookConfig[] {
  return docs.flatMap((d): WebhookConfig[] => {
    if (!isJsonObject(d)) return [];
    if (Array.isArray(d.items)) return configsFromDocs(d.items);
    const kind = d.kind;
    if ((kind === 'MutatingWebhookConfiguration' || kind === 'ValidatingWebhookConfiguration') && isJsonObject(d.metadata) && typeof d.metadata.name === 'string') {
      return [d as unknown as WebhookConfig];
    }
    return [];
  });
}

async function clusterConfigs(apis: KubeApis): Promise<WebhookConfig[]> {
  return configsFromDocs([...(await mutatingWebhookConfigurations(apis)), ...(await validatingWebhookConfigurations(apis))]);
}

async function clusterNamespaces(apis: KubeApis): Promise<NamespaceInfo[]> {
  const list = await apiCall('list namespaces', () => apis.core.listNamespace());
  return list.items.map((n) => ({ name: n.metadata?.name ?? '', labels: n.metadata?.labels ?? {} }));
}

/** Create, or replace keeping the stored resourceVersion (an update must name the version it replaces). */
async function write(apis: KubeApis, obj: WebhookConfig, existing: readonly WebhookConfig[]): Promise<'created' | 'replaced'> {
  const name = obj.metadata.name;
  const old = existing.find((c) => c.kind === obj.kind && c.metadata.name === name);
  const body = old ? { ...obj, metadata: { ...obj.metadata, resourceVersion: old.metadata['resourceVersion'] } } : obj;
  const a = apis.admission;
  if (obj.kind === 'MutatingWebhookConfiguration') {
    if (old) await apiCall(`replace mutatingwebhookconfiguration ${name}`, () => a.replaceMutatingWebhookConfiguration({ name, body }));
    else await apiCall(`create mutatingwebhookconfiguration ${name}`, () => a.createMutatingWebhookConfiguration({ body }));
  } else if (old) await apiCall(`replace validatingwebhookconfiguration ${name}`, () => a.replaceValidatingWebhookConfiguration({ name, body }));
  else await apiCall(`create validatingwebhookconfiguration ${name}`, () => a.createValidatingWebhookConfiguration({ body }));
  return old ? 'replaced' : 'created';
}

const printAll = (objs: readonly WebhookConfig[]): string => objs.map((o) => printYaml(o)).join('---\n');

export async function tagCommand(argv: string[], io: CliIO, apisFor: (kubeconfig?: string) => KubeApis = cliApis): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        revision: { type: 'string', short: 'r' },
        overwrite: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        filename: { type: 'string', short: 'f' },
        'skip-confirmation': { type: 'boolean', short: 'y' },
        kubeconfig: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    return usageError(io, describeError(e));
  }
  if (values.help) {
    io.stdout(`${TAG_USAGE}\n`);
    return 0;
  }
  const [sub, tag, ...extra] = positionals;
  if (sub === undefined) return usageError(io, 'a subcommand is required: set, generate, list or remove');
  if (!['set', 'generate', 'list', 'remove'].includes(sub)) return usageError(io, `unknown subcommand '${sub}'`);
  if (extra.length > 0 || (sub === 'list' ? tag !== undefined : tag === undefined)) {
    return usageError(io, sub === 'list' ? 'tag list takes no tag name' : `tag ${sub} takes exactly one tag name`);
  }
  if ((sub === 'set' || sub === 'generate') && !values.revision) return usageError(io, `tag ${sub} needs --revision`);
  try {
    if (sub === 'generate' && values.filename !== undefined) {
      io.stdout(printAll(generateTag(configsFromDocs(parseYamlDocuments(await readInput(io, values.filename))), tag!, values.revision!)));
      return 0;
    }
    const apis = apisFor(values.kubeconfig);
    const configs = await clusterConfigs(apis);
    if (sub === 'list') {
      io.stdout(formatTagTable(listTags(configs, await clusterNamespaces(apis))));
      return 0;
    }
    if (sub === 'generate') {
      io.stdout(printAll(generateTag(configs, tag!, values.revision!)));
      return 0;
    }
    if (sub === 'set') {
      const existing = tagConfig(configs, tag!);
      if (existing && !values.overwrite) {
        const points = existing.metadata.labels?.['istio.io/rev'] ?? '<none>';
        throw new TagError(`revision tag "${tag}" already exists (pointing at revision ${points}); use --overwrite to point it at ${values.revision}`);
      }
      const objs = generateTag(configs, tag!, values.revision!);
      if (values['dry-run']) {
        io.stdout(printAll(objs));
        return 0;
      }
      for (const o of objs) io.stdout(`${o.kind} ${o.metadata.name} ${await write(apis, o, configs)}\n`);
      io.stdout(`revision tag "${tag}" points at revision ${values.revision}; restart workloads labelled istio.io/rev=${tag} to move them\n`);
      return 0;
    }
    // remove
    const existing = tagConfig(configs, tag!);
    if (!existing) throw new TagError(`revision tag "${tag}" not found`);
    const users = namespacesUsing(tag!, await clusterNamespaces(apis));
    if (users.length > 0 && !values['skip-confirmation']) {
      throw new TagError(`revision tag "${tag}" is still used by namespace(s) ${users.join(', ')}; their new pods would not be injected. Relabel them first or pass --skip-confirmation`);
    }
    const name = existing.metadata.name;
    await apiCall(`delete mutatingwebhookconfiguration ${name}`, () => apis.admission.deleteMutatingWebhookConfiguration({ name }));
    io.stdout(`MutatingWebhookConfiguration ${name} deleted\n`);
    const validator = configs.find((c) => c.kind === 'ValidatingWebhookConfiguration' && c.metadata.name === DEFAULT_VALIDATOR && c.metadata.labels?.[TAG_LABEL] === tag);
    if (validator) {
      await apiCall(`delete validatingwebhookconfiguration ${DEFAULT_VALIDATOR}`, () => apis.admission.deleteValidatingWebhookConfiguration({ name: DEFAULT_VALIDATOR }));
      io.stdout(`ValidatingWebhookConfiguration ${DEFAULT_VALIDATOR} deleted\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof TagError) {
      io.stderr(`${admissionError('MA530_TAG_REFUSED', e.message).message}\n`);
      return 1;
    }
    io.stderr(`${describeError(e)}\n`);
    return 2;
  }
}


