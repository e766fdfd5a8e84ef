import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { admissionError, describeError } from '../errors.js';
import { readRawConfigDir } from '../config/dir-source.js';
import type { RawInjectConfig } from '../config/types.js';
import { compileInjectionSettings } from '../inject/engine.js';
import { explainPod, formatExplanation, webhookEntries } from '../inject/explain.js';
import { podsOf } from '../inject/kube-inject.js';
import type { JsonObject } from '../k8s/json.js';
import { parseInjectionPolicy, type InjectionPolicy } from '../inject/policy/rules.js';
import { parseYamlDocuments } from '../k8s/yaml-parse.js';
import type { CliIO } from './io.js';

const ROOT = resolve(import.meta.dirname, '../..');

export const EXPLAIN_USAGE = `usage: mesh-admission explain (-f FILE|- | --from-cluster POD [-n NS] | --from-cluster -f FILE) [options]
  Why is (or isn't) a pod injected? Both stages: which MutatingWebhookConfiguration entries the API
  server would call for the pod in its namespace (and, for those that would not, the selector that fails
  and the label that would select it), then the injector's decision and what it adds.
  -f, --filename FILE          Pods or workloads (YAML, - for stdin)
  -l, --namespace-labels K=V,...  labels of the pod's namespace (e.g. istio-injection=enabled)
  --webhook-config FILE        the MutatingWebhookConfiguration(s) (kubectl get ... -o yaml); default
                               manifests/mutatingwebhook.yaml
  --inject-config-dir DIR      the injector configuration (files config, values); default templates/
  --mesh-config FILE           MeshConfig YAML
  --injection-policy FILE      the operator's injection policy (YAML); a violation shows as the webhook's denial
  --from-cluster               read the namespace's labels, every MutatingWebhookConfiguration and (unless
                               --inject-config-dir is given) the injector ConfigMaps from the cluster;
                               with a POD name instead of -f, the pod too
  -n, --namespace NS           with --from-cluster POD: the pod's namespace (default "default")
  --kubeconfig FILE            kubeconfig instead of $KUBECONFIG / ~/.kube/config
  -i, --istioNamespace NS      namespace of the injector ConfigMaps (default istio-system)
  --injectConfigMapName NAME   injector ConfigMap (default istio-sidecar-injector; -<revision> is appended)
  --meshConfigMapName NAME     mesh ConfigMap (default istio; -<revision> is appended)
  -r, --revision REV           the revision whose ConfigMaps to read (default: default)
  -h, --help                   show this help
Exit status: 0 explained, 1 some pod would be denied by the injector, 2 unusable input or arguments.`;

function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw admissionError('MA500_USAGE', `--namespace-labels wants key=value pairs, got '${part}'`);
    out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      filename: { type: 'string', short: 'f' },
      'namespace-labels': { type: 'string', short: 'l' },
      'webhook-config': { type: 'string' },
      'inject-config-dir': { type: 'string' },
      'injection-policy': { type: 'string' },
      'mesh-config': { type: 'string' },
      'from-cluster': { type: 'boolean' },
      namespace: { type: 'string', short: 'n', default: 'default' },
      kubeconfig: { type: 'string' },
      istioNamespace: { type: 'string', short: 'i', default: 'istio-system' },
      injectConfigMapName: { type: 'string', default: 'istio-sidecar-injector' },
      meshConfigMapName: { type: 'string', default: 'istio' },
      revision: { type: 'string', short: 'r', default: '' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

type Values = ReturnType<typeof parse>['values'];

function usageProblem(v: Values, positionals: string[]): string | undefined {
  if (v['from-cluster']) {
    if (positionals.length > 1) return 'give one POD name';
    if ((positionals.length === 1) === (v.filename !== undefined)) return 'with --from-cluster give either a POD name or -f FILE';
    if (v['namespace-labels'] !== undefined) return '--namespace-labels comes from the cluster with --from-cluster';
    return undefined;
  }
  if (positionals.length > 0) return `unexpected argument '${positionals[0]}' (a POD name needs --from-cluster)`;
  if (v.filename === undefined) return '-f/--filename is required';
  return undefined;
}

interface Inputs {
  pods: Array<{ title: string; namespace: string; pod: JsonObject }>;
  webhookDocs: unknown[];
  labelsOf: (namespace: string) => Promise<Record<string, string>>;
  injectConfig: RawInjectConfig;
}

async function offlineInputs(v: Values, io: CliIO): Promise<Inputs> {
  const file = v.filename!;
  const input = file === '-' ? await io.readStdin() : readNamed(io, file, '-f');
  const webhookConfig = v['webhook-config'] ?? resolve(ROOT, 'manifests/mutatingwebhook.yaml');
  const labels = parseLabels(v['namespace-labels'] ?? '');
  return {
    pods: podsOf(input),
    webhookDocs: parseYamlDocuments(readNamed(io, webhookConfig, '--webhook-config')),
    labelsOf: async () => labels,
    injectConfig: readRawConfigDir(v['inject-config-dir'] ?? resolve(ROOT, 'templates'), v['mesh-config']),
  };
}

async function clusterInputs(v: Values, positionals: string[], io: CliIO): Promise<Inputs> {
  // Loaded here only: explaining a file stays a fast, local call without the Kubernetes client.
  const { apiCall, cliApis, injectorConfigMaps, mutatingWebhookConfigurations, namespaceLabels, asJson } = await import('./cluster.js');
  const apis = cliApis(v.kubeconfig);
  let pods: Inputs['pods'];
  if (positionals.length === 1) {
    const name = positionals[0]!;
    const pod = await apiCall(`get pod ${v.namespace}/${name}`, () => apis.core.readNamespacedPod({ namespace: v.namespace, name }));
    const json = asJson(pod);
    pods = [{ title: `Pod ${v.namespace}/${name}`, namespace: v.namespace, pod: { metadata: json.metadata ?? {}, spec: json.spec ?? {} } as JsonObject }];
  } else {
    const file = v.filename!;
    pods = podsOf(file === '-' ? await io.readStdin() : readNamed(io, file, '-f'));
  }
  const cache = new Map<string, Promise<Record<string, string>>>();
  const injectConfig =
    v['inject-config-dir'] !== undefined
      ? readRawConfigDir(v['inject-config-dir'], v['mesh-config'])
      : await injectorConfigMaps(apis, {
          namespace: v.istioNamespace,
          injectConfigMapName: v.injectConfigMapName,
          meshConfigMapName: v.meshConfigMapName,
          revision: v.revision,
        });
  return {
    pods,
    webhookDocs: await mutatingWebhookConfigurations(apis),
    labelsOf: (ns) => {
      let p = cache.get(ns);
      if (!p) cache.set(ns, (p = namespaceLabels(apis, ns)));
      return p;
    },
    injectConfig,
  };
}

function readNamed(io: CliIO, file: string, flag: string): string {
  try {
    return io.readFile(file);
  } catch (e) {
    throw admissionError('MA501_INPUT_UNREADABLE', `${flag} ${file}`, describeError(e));
  }
}

export async function explainCommand(argv: string[], io: CliIO): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parse(argv));
  } catch (e) {
    io.stderr(`${admissionError('MA500_USAGE', describeError(e)).message}\n${EXPLAIN_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout(`${EXPLAIN_USAGE}\n`);
    return 0;
  }
  const problem = usageProblem(values, positionals);
  if (problem) {
    io.stderr(`${admissionError('MA500_USAGE', problem).message}\n${EXPLAIN_USAGE}\n`);
    return 2;
  }
  let inputs: Inputs;
  let settings;
  let entries;
  let policy: InjectionPolicy | undefined;
  try {
    inputs = values['from-cluster'] ? await clusterInputs(values, positionals, io) : await offlineInputs(values, io);
    entries = webhookEntries(inputs.webhookDocs);
    if (entries.length === 0) throw admissionError('MA501_INPUT_UNREADABLE', values['from-cluster'] ? 'the cluster' : 'the webhook configuration', 'no MutatingWebhookConfiguration webhooks in it');
    settings = compileInjectionSettings(inputs.injectConfig);
    const policyFile = values['injection-policy'];
    if (policyFile !== undefined) policy = parseInjectionPolicy(io.readFile(policyFile), policyFile);
  } catch (e) {
    io.stderr(`${describeError(e)}\n`);
    return 2;
  }
  if (inputs.pods.length === 0) {
    io.stderr('no Pod or workload with a pod template in the input\n');
    return 2;
  }
  let denied = 0;
  for (const p of inputs.pods) {
    let labels;
    try {
      labels = await inputs.labelsOf(p.namespace);
    } catch (e) {
      io.stderr(`${describeError(e)}\n`);
      return 2;
    }
    const e = explainPod(settings, entries, p.pod, p.namespace, labels, { policy });
    if (e.denied !== undefined) denied++;
    io.stdout(formatExplanation(p.title, e));
  }
  return denied > 0 ? 1 : 0;
}
