import { parseArgs } from 'node:util';
import { admissionError, describeError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../k8s/json.js';
import { parseYamlDocuments } from '../k8s/yaml-parse.js';
import { INJECTOR_WEBHOOK_SUFFIX, OWNER_LABEL, OWNER_VALUE, REVISION_LABEL } from '../kube/webhook-patcher.js';
import { cliApis, mutatingWebhookConfigurations, validatingWebhookConfigurations } from './cluster.js';
import { readInput, type CliIO } from './io.js';

export const PRECHECK_USAGE = `usage: mesh-admission precheck [--revision REV] [-f FILE | --kubeconfig FILE]
  Reads the cluster's webhook configurations (or those in FILE: kubectl get
  mutatingwebhookconfigurations,validatingwebhookconfigurations -o yaml) and says what would conflict with
  installing mesh-admission under REV: istiod's injector or validator of the same revision (istiod rewrites
  the caBundle of every configuration labelled istio.io/rev=REV, ours included), istiod's
  istio-injection=enabled entries when REV is "default", and revision tags named REV.
  -r, --revision REV     the revision mesh-admission would serve (default "default")
  -f, --filename FILE    configurations from a file instead of the cluster
  --kubeconfig FILE      kubeconfig instead of $KUBECONFIG / ~/.kube/config
  -h, --help             show this help
Exit status: 0 no conflict, 1 conflicts found, 2 unusable input or arguments.`;

export interface Config {
  kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration';
  name: string;
  labels: Record<string, string>;
  webhooks: string[];
}

function toConfig(o: JsonObject): Config | undefined {
  if (o.kind !== 'MutatingWebhookConfiguration' && o.kind !== 'ValidatingWebhookConfiguration') return undefined;
  const meta = isJsonObject(o.metadata) ? o.metadata : {};
  const labels = (isJsonObject(meta.labels) ? meta.labels : {}) as Record<string, string>;
  const webhooks = Array.isArray(o.webhooks) ? o.webhooks.flatMap((w) => (isJsonObject(w) && typeof w.name === 'string' ? [w.name] : [])) : [];
  return { kind: o.kind, name: typeof meta.name === 'string' ? meta.name : '<no name>', labels, webhooks };
}

function configsOf(docs: readonly unknown[]): Config[] {
  return docs.flatMap((d) => {
    if (!isJsonObject(d)) return [];
    if (Array.isArray(d.items)) return configsOf(d.items);
    const c = toConfig(d);
    return c ? [c] : [];
  });
}

/** Every conflict one line; the caller prints them. Pure, so tests can feed it any set of configurations. */
export function findConflicts(configs: readonly Config[], revision: string): { ours: string[]; conflicts: string[] } {
  const ours: string[] = [];
  const conflicts: string[] = [];
  for (const c of configs) {
    const what = `${c.kind} ${c.name}`;
    if (c.labels[OWNER_LABEL] === OWNER_VALUE) {
      ours.push(`${what} (revision ${c.labels[REVISION_LABEL] ?? '<none>'})`);
      continue;
    }
    const rev = c.labels[REVISION_LABEL];
    const tag = c.labels['istio.io/tag'];
    const injector = c.kind === 'MutatingWebhookConfiguration' && c.webhooks.some((w) => w.endsWith(INJECTOR_WEBHOOK_SUFFIX));
    if (injector && tag === revision) {
      conflicts.push(`${what}: revision tag "${tag}" (pointing at revision ${rev ?? '<none>'}) already routes namespaces labelled istio.io/rev=${revision}; remove it (istioctl tag remove ${tag}) or pick another --revision`);
      continue;
    }
    // Another tag's webhooks route only namespaces labelled with that tag: no overlap with this revision.
    if (tag !== undefined) continue;
    if (rev === revision) {
      conflicts.push(
        injector
          ? `${what}: istiod's injector of revision ${revision}; istiod rewrites the caBundle of every mutating configuration labelled istio.io/rev=${revision} with *.${INJECTOR_WEBHOOK_SUFFIX} entries (ours too) and both would inject the same pods. Remove it (README "Replacing istiod's injector") or install beside istiod under another revision (overlays/beside-istiod)`
          : `${what}: labelled istio.io/rev=${revision}; istiod of that revision rewrites the caBundle of every such ${c.kind === 'ValidatingWebhookConfiguration' ? 'validating configuration (ours too) and validates the same resources' : 'configuration'}. Remove it or install under another revision`,
      );
      continue;
    }
    if (injector && revision === 'default' && c.webhooks.some((w) => w === `namespace.${INJECTOR_WEBHOOK_SUFFIX}` || w === `object.${INJECTOR_WEBHOOK_SUFFIX}`)) {
      conflicts.push(`${what}: istiod's istio-injection=enabled / sidecar.istio.io/inject=true entries would inject the same pods as the default revision; remove them or install beside istiod under another revision`);
    }
  }
  return { ours, conflicts };
}

export async function precheckCommand(argv: string[], io: CliIO): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        revision: { type: 'string', short: 'r', default: 'default' },
        filename: { type: 'string', short: 'f' },
        kubeconfig: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    io.stderr(`${admissionError('MA500_USAGE', describeError(e)).message}\n${PRECHECK_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout(`${PRECHECK_USAGE}\n`);
    return 0;
  }
  let configs: Config[];
  try {
    if (values.filename !== undefined) {
      configs = configsOf(parseYamlDocuments(await readInput(io, values.filename)));
    } else {
      const apis = cliApis(values.kubeconfig);
      configs = configsOf([...(await mutatingWebhookConfigurations(apis)), ...(await validatingWebhookConfigurations(apis))]);
    }
  } catch (e) {
    io.stderr(`${describeError(e)}\n`);
    return 2;
  }
  const { ours, conflicts } = findConflicts(configs, values.revision);
  for (const o of ours) io.stdout(`ours:     ${o}\n`);
  for (const c of conflicts) io.stdout(`conflict: ${c}\n`);
  io.stdout(conflicts.length === 0 ? `no conflict for revision ${values.revision} among ${configs.length} webhook configuration(s)\n` : `${conflicts.length} conflict(s) for revision ${values.revision}\n`);
  return conflicts.length === 0 ? 0 : 1;
}
