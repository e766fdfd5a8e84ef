import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { admissionError, describeError } from '../errors.js';
import { readRawConfigDir } from '../config/dir-source.js';
import { TEMPLATE_HASH_ANNOTATION, hashRawConfig, type RawInjectConfig } from '../config/types.js';
import { canaryInject } from '../inject/canary.js';
import { deployMetaFromPod } from '../inject/owner.js';
import { applyPatch } from '../inject/patch.js';
import { STATUS_ANNOTATION, parseInjectionStatus } from '../inject/status.js';
import type { InjectionSettings } from '../inject/types.js';
import { parseInjectionPolicy, type InjectionPolicy } from '../inject/policy/rules.js';
import { fromCustomResource, sortResources, type ProxyConfigResource } from '../inject/proxyconfig-crs.js';
import { injectAdmission, type WebhookInjectOptions } from '../inject/webhook.js';
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from '../k8s/json.js';
import { normalizeAs } from '../k8s/normalize.js';
import { printYaml } from '../k8s/yaml-print.js';
import { apiErrorInfo, listInPages, type KubeApis } from '../kube/client.js';
import { buildInjectionSettings } from '../workers/engines.js';
import { apiCall, cliApis, injectorConfigMaps, asJson } from './cluster.js';
import { parseVerbArgs } from './args.js';
import { readInput, type CliIO } from './io.js';
import { compareOutcomes, unifiedDiff, type Comparison, type Outcome } from './preview-diff.js';

export const PREVIEW_USAGE = `usage: mesh-admission preview (--config DIR | --configmap NS/NAME) [-n NS] [-v] [options]
  What a proposed injector configuration would change in the pods running now. For each injected workload
  (pods carrying sidecar.istio.io/status; one pod per Deployment, StatefulSet, DaemonSet, Job or bare pod)
  the pod its controller submits is injected by the webhook's engine with the cluster's current
  configuration and with the proposed one, and the two results are compared.
  --config DIR               the proposed configuration: files config, values and optionally mesh (the
                             layout of a mounted ConfigMap); without mesh the cluster's mesh config is kept
  --configmap NS/NAME        the proposed configuration in a ConfigMap (keys config, values, optional mesh)
  -n, --namespace NS         only workloads in this namespace (default all)
  -v, --verbose              also print a unified diff of the injected pod YAML of each changed workload
  --exit-code                exit 1 when some workload would change (as git diff --exit-code)
  --injection-policy FILE    the server's --injection-policy: a pod it denies shows as denied
  --watch-proxyconfigs       apply the cluster's ProxyConfig resources, as a server with this flag does
  -r, --revision REV         the revision: its ConfigMaps get the -<revision> suffix, and only pods it
                             injected are previewed (default: default)
  -i, --istioNamespace NS    namespace of the current injector ConfigMaps (default istio-system)
  --injectConfigMapName NAME current injector ConfigMap (default istio-sidecar-injector)
  --meshConfigMapName NAME   current mesh ConfigMap (default istio)
  --kubeconfig FILE          kubeconfig instead of $KUBECONFIG / ~/.kube/config
  -h, --help                 show this help
Exit status: 0 computed (whether or not anything changes), 1 some workload changes and --exit-code was
given, 2 unusable input, an invalid proposed configuration or bad arguments.`;

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    options: {
      config: { type: 'string' },
      configmap: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      verbose: { type: 'boolean', short: 'v' },
      'exit-code': { type: 'boolean' },
      'injection-policy': { type: 'string' },
      'watch-proxyconfigs': { type: 'boolean' },
      revision: { type: 'string', short: 'r', default: 'default' },
      istioNamespace: { type: 'string', short: 'i', default: 'istio-system' },
      injectConfigMapName: { type: 'string', default: 'istio-sidecar-injector' },
      meshConfigMapName: { type: 'string', default: 'istio' },
      kubeconfig: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

type Values = ReturnType<typeof parse>['values'];

const obj = (v: JsonValue | undefined): JsonObject => (isJsonObject(v) ? v : {});
const str = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : '');

/** The revision that injected a pod (from its status annotation), or undefined when it was not injected. */
export function injectedRevision(pod: JsonObject): string | undefined {
  const annotations = obj(obj(pod.metadata).annotations) as Record<string, string>;
  if (typeof annotations[STATUS_ANNOTATION] !== 'string') return undefined;
  // An annotation that is not JSON still marks the pod as injected, by the default revision.
  return parseInjectionStatus(annotations)?.revision || 'default';
}

export interface ControllerRef {
  apiVersion: string;
  kind: string;
  name: string;
}

export function controllerRef(pod: JsonObject): ControllerRef | undefined {
  const refs = obj(pod.metadata).ownerReferences;
  const ref = Array.isArray(refs) ? refs.find((r) => isJsonObject(r) && r.controller === true) : undefined;
  if (!isJsonObject(ref)) return undefined;
  return { apiVersion: str(ref.apiVersion), kind: str(ref.kind), name: str(ref.name) };
}

export interface Workload {
  kind: string;
  namespace: string;
  name: string;
  /** The newest pod of the workload: during a rollout, the one the next restart resembles. */
  pod: JsonObject;
}

/**
 * Injected pods (of `revision`, still running) grouped by the workload that owns them, as the injector itself
 * names workloads (Deployment through its ReplicaSet, CronJob through its Job); a StatefulSet's pods (no
 * generateName) and other controllers by their controller reference; a pod without one is its own workload.
 */
export function groupWorkloads(pods: readonly JsonObject[], revision: string): Workload[] {
  const byKey = new Map<string, Workload>();
  for (const pod of pods) {
    const meta = obj(pod.metadata);
    const phase = str(obj(pod.status).phase);
    if (meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null) continue;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    if (injectedRevision(pod) !== (revision === '' ? 'default' : revision)) continue;
    const { deployMeta, typeMeta } = deployMetaFromPod(meta as Parameters<typeof deployMetaFromPod>[0]);
    const ref = controllerRef(pod);
    const kind = typeMeta.kind === 'Pod' && ref ? ref.kind : typeMeta.kind;
    const name = typeMeta.kind === 'Pod' && ref ? ref.name : deployMeta.name;
    const namespace = str(meta.namespace) || 'default';
    const key = `${namespace}\u0000${kind}\u0000${name}`;
    const seen = byKey.get(key);
    if (!seen || newer(pod, seen.pod)) byKey.set(key, { kind, namespace, name, pod });
  }
  return [...byKey.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

function newer(a: JsonObject, b: JsonObject): boolean {
  const ta = str(obj(a.metadata).creationTimestamp);
  const tb = str(obj(b.metadata).creationTimestamp);
  return ta !== tb ? ta > tb : str(obj(a.metadata).name) > str(obj(b.metadata).name);
}

/** Labels the controllers add to a pod beyond their template's (the ReplicaSet's pod-template-hash is in its template). */
const CONTROLLER_LABELS = ['controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index', 'pod-template-generation'];

/**
 * The pod as its controller submits it: the controller's pod template, with the pod's own namespace, name or
 * generateName, owner references and controller-added labels. This is the object the webhook was asked about,
 * except for what the API server's built-in admission plugins added before calling it (service-account token
 * volume, default tolerations), which no injection template reads.
 */
export function podFromTemplate(live: JsonObject, template: JsonObject): JsonObject {
  const meta = obj(live.metadata);
  const tmeta = cloneJson(obj(template.metadata));
  delete tmeta.name;
  delete tmeta.creationTimestamp;
  const labels = { ...obj(tmeta.labels) };
  const liveLabels = obj(meta.labels);
  for (const k of CONTROLLER_LABELS) if (typeof liveLabels[k] === 'string' && labels[k] === undefined) labels[k] = liveLabels[k];
  const metadata: JsonObject = {
    ...tmeta,
    ...(str(meta.generateName) !== '' ? { generateName: meta.generateName! } : { name: str(meta.name) }),
    namespace: str(meta.namespace),
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(meta.ownerReferences !== undefined ? { ownerReferences: cloneJson(meta.ownerReferences) } : {}),
  };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: cloneJson(obj(template.spec)) };
}

/**
 * A pod with no template to go back to (a bare pod, or one whose owner is gone), rebuilt from its injected
 * form: what the status annotation says was injected (containers, volumes, pull secrets) is taken out, the
 * rest is left as it is. Approximate: what injection changed inside the pod's own containers (rewritten
 * probes, for one) stays, on both sides of the comparison alike.
 */
export function podFromInjected(live: JsonObject): JsonObject {
  const meta = cloneJson(obj(live.metadata));
  const spec = cloneJson(obj(live.spec));
  const annotations = { ...obj(meta.annotations) };
  const status = parseInjectionStatus(annotations as Record<string, string>);
  const without = (v: JsonValue | undefined, drop: readonly string[]): JsonValue[] =>
    (Array.isArray(v) ? v : []).filter((c) => !(isJsonObject(c) && typeof c.name === 'string' && drop.includes(c.name)));
  for (const field of ['containers', 'initContainers', 'volumes', 'imagePullSecrets'] as const) {
    if (spec[field] === undefined) continue;
    const kept = without(spec[field], status?.[field] ?? []);
    if (kept.length > 0 || field === 'containers') spec[field] = kept;
    else delete spec[field];
  }
  delete annotations[STATUS_ANNOTATION];
  delete annotations[TEMPLATE_HASH_ANNOTATION];
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'managedFields', 'generation']) delete meta[k];
  meta.annotations = annotations;
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec };
}

/** Whether the webhook made istio-proxy a native sidecar for this pod (it decided per node, from the kubelet). */
export function nativeSidecarsOf(live: JsonObject): boolean {
  const init = obj(live.spec).initContainers;
  return Array.isArray(init) && init.some((c) => isJsonObject(c) && c.name === 'istio-proxy');
}

/**
 * What the webhook answers for `pod` under `settings`, applied: the injected pod (Go-typed, as stored), or why
 * it is not injected, or the denial. No template hash is stamped: it differs for any other text, and says
 * nothing about what the pod would run.
 */
export function outcomeOf(settings: InjectionSettings, pod: JsonObject, nativeSidecars: boolean, extra: ClusterInputs = {}): Outcome {
  const namespace = str(obj(pod.metadata).namespace);
  const d = injectAdmission(settings, { uid: 'preview', namespace, object: pod }, '/inject', { ...extra, nativeSidecars: () => nativeSidecars });
  if (!d.allowed) return { kind: 'denied', message: d.message ?? d.reason };
  if (d.reason !== 'injected') return { kind: 'skipped', reason: (d.detail ?? d.reason).split('; ')[0] || d.reason, pod: normalizeAs('Pod', pod) };
  return { kind: 'injected', pod: normalizeAs('Pod', applyPatch(pod, (d.patch ?? []) as never)) };
}

/** What else the webhook reads, the same for both configurations. */
export type ClusterInputs = Pick<WebhookInjectOptions, 'proxyConfigs' | 'policy'>;

/** The YAML of an outcome's pod for the diff (nothing for a denial). */
function outcomeYaml(o: Outcome): string {
  return o.kind === 'denied' ? '' : printYaml(o.pod);
}

interface OwnerKind {
  group: string;
  version: string;
  plural: string;
}
const OWNER_KINDS: Readonly<Record<string, OwnerKind>> = {
  'apps/v1/ReplicaSet': { group: 'apps', version: 'v1', plural: 'replicasets' },
  'apps/v1/StatefulSet': { group: 'apps', version: 'v1', plural: 'statefulsets' },
  'apps/v1/DaemonSet': { group: 'apps', version: 'v1', plural: 'daemonsets' },
  'batch/v1/Job': { group: 'batch', version: 'v1', plural: 'jobs' },
};

/** The pod before injection, and a note when it could only be approximated. */
async function preInjectionPod(apis: KubeApis, live: JsonObject): Promise<{ pod: JsonObject; approximate?: string }> {
  const ref = controllerRef(live);
  const namespace = str(obj(live.metadata).namespace);
  if (!ref) return { pod: podFromInjected(live), approximate: 'bare pod: rebuilt from its injected form' };
  const kind = OWNER_KINDS[`${ref.apiVersion}/${ref.kind}`];
  if (!kind) return { pod: podFromInjected(live), approximate: `owner ${ref.kind} has no known pod template: rebuilt from the injected pod` };
  let owner: unknown;
  try {
    owner = await apis.custom.getNamespacedCustomObject({ ...kind, namespace, name: ref.name });
  } catch (e) {
    if (apiErrorInfo(e).code === 404) return { pod: podFromInjected(live), approximate: `${ref.kind} ${ref.name} not found: rebuilt from the injected pod` };
    throw admissionError('MA701_KUBE_API', `get ${kind.plural} ${namespace}/${ref.name}`, apiErrorInfo(e).message);
  }
  const template = isJsonObject(owner) && isJsonObject(owner.spec) ? owner.spec.template : undefined;
  if (!isJsonObject(template)) return { pod: podFromInjected(live), approximate: `${ref.kind} ${ref.name} has no pod template: rebuilt from the injected pod` };
  return { pod: podFromTemplate(live, template) };
}

async function proposedConfig(apis: KubeApis, v: Values, current: RawInjectConfig): Promise<{ raw: RawInjectConfig; source: string }> {
  if (v.config !== undefined) {
    const meshFile = join(v.config, 'mesh');
    const raw = readRawConfigDir(v.config, existsSync(meshFile) ? meshFile : undefined);
    return { raw: { ...raw, ...(raw.mesh === undefined && current.mesh !== undefined ? { mesh: current.mesh } : {}) }, source: `--config ${v.config}` };
  }
  const [namespace, name, extra] = v.configmap!.split('/');
  const source = `configmap ${v.configmap}`;
  if (!namespace || !name || extra !== undefined) throw admissionError('MA500_USAGE', `--configmap wants NAMESPACE/NAME, got '${v.configmap}'`);
  const cm = await apiCall(`get configmap ${namespace}/${name}`, () => apis.core.readNamespacedConfigMap({ namespace, name }));
  const data = cm.data ?? {};
  for (const k of ['config', 'values']) {
    if (typeof data[k] !== 'string') throw admissionError('MA501_INPUT_UNREADABLE', source, `it has no '${k}' key`);
  }
  const mesh = data['mesh'] ?? current.mesh;
  return { raw: { config: data['config']!, values: data['values']!, ...(mesh !== undefined ? { mesh } : {}) }, source };
}

/** The cluster's ProxyConfig resources, oldest first; none when the CRD is not installed. */
async function clusterProxyConfigs(apis: KubeApis): Promise<ProxyConfigResource[]> {
  let res: unknown;
  try {
    res = await apis.custom.listClusterCustomObject({ group: 'networking.istio.io', version: 'v1beta1', plural: 'proxyconfigs' });
  } catch (e) {
    if (apiErrorInfo(e).code === 404) return [];
    throw admissionError('MA701_KUBE_API', 'list proxyconfigs.networking.istio.io', apiErrorInfo(e).message);
  }
  const items = isJsonObject(res) && Array.isArray(res.items) ? res.items : [];
  return sortResources(items.flatMap((o) => fromCustomResource(o) ?? []));
}

/** The server's loader: compile as the holder's build does, then the canary it must inject before going live. */
function loadSettings(raw: RawInjectConfig, revision: string, what: string): InjectionSettings {
  try {
    const settings = buildInjectionSettings(raw, { revision, nativeSidecars: true, openshift: false, watchProxyConfigs: false, schemaValidation: false });
    canaryInject(settings);
    return settings;
  } catch (e) {
    throw admissionError('MA301_CONFIG_INVALID', what, describeError(e));
  }
}

export interface WorkloadPreview {
  title: string;
  comparison: Comparison;
  /** Bracketed remarks on the line: how the pod was rebuilt, whether the running pod is stale. */
  notes: string[];
  diff: string;
}

export interface PreviewInputs extends ClusterInputs {
  /** How the pod before injection was approximated, when it was. */
  approximate?: string;
  /** The current configuration's hash: a running pod stamped with another one was injected before it. */
  currentHash?: string;
}

/** Preview one workload: its pre-injection pod through both configurations. */
export function previewWorkload(current: InjectionSettings, proposed: InjectionSettings, w: Workload, pod: JsonObject, inputs: PreviewInputs = {}): WorkloadPreview {
  const { approximate, currentHash, ...extra } = inputs;
  const native = nativeSidecarsOf(w.pod);
  const a = outcomeOf(current, pod, native, extra);
  const b = outcomeOf(proposed, pod, native, extra);
  const title = `${w.kind} ${w.namespace}/${w.name}`;
  const comparison = compareOutcomes(a, b);
  const slug = `${w.kind}/${w.namespace}/${w.name}`;
  const diff = comparison.changed ? unifiedDiff(outcomeYaml(a), outcomeYaml(b), `current/${slug}`, `proposed/${slug}`) : '';
  const notes: string[] = [];
  if (approximate !== undefined) notes.push(`approximate: ${approximate}`);
  const injectedWith = obj(obj(w.pod.metadata).annotations)[TEMPLATE_HASH_ANNOTATION];
  if (currentHash !== undefined && typeof injectedWith === 'string' && injectedWith !== currentHash) {
    notes.push(`stale: running pod injected with configuration ${injectedWith}, the current one is ${currentHash}`);
  }
  return { title, comparison, notes, diff };
}

export function formatPreview(p: WorkloadPreview, verbose: boolean): string {
  const line = `${p.title}: ${p.comparison.summary}${p.notes.map((n) => ` [${n}]`).join('')}\n`;
  return verbose && p.diff !== '' ? `${line}${p.diff}` : line;
}

export function countLine(previews: readonly WorkloadPreview[], scope: string): string {
  const changed = previews.filter((p) => p.comparison.changed).length;
  const n = previews.length;
  return `${n} injected workload${n === 1 ? '' : 's'} ${scope}: ${changed} changed, ${n - changed} unchanged\n`;
}

/** `preview`: the proposed injector configuration against the current one, on the workloads running now. */
export async function previewCommand(argv: string[], io: CliIO): Promise<number> {
  const v = parseVerbArgs(io, PREVIEW_USAGE, () => parse(argv));
  if (typeof v === 'number') return v;
  if ((v.config === undefined) === (v.configmap === undefined)) {
    io.stderr(`${admissionError('MA500_USAGE', 'give exactly one of --config DIR or --configmap NS/NAME').message}\n${PREVIEW_USAGE}\n`);
    return 2;
  }
  const revision = v.revision === '' ? 'default' : v.revision;
  let previews: WorkloadPreview[];
  try {
    const apis = cliApis(v.kubeconfig);
    const suffix = revision !== 'default' ? `-${revision}` : '';
    const currentRaw = await injectorConfigMaps(apis, {
      namespace: v.istioNamespace,
      injectConfigMapName: v.injectConfigMapName,
      meshConfigMapName: v.meshConfigMapName,
      revision,
    });
    const current = loadSettings(currentRaw, revision, `current configuration (configmap ${v.istioNamespace}/${v.injectConfigMapName}${suffix})`);
    const proposedRaw = await proposedConfig(apis, v, currentRaw);
    const proposed = loadSettings(proposedRaw.raw, revision, `proposed configuration (${proposedRaw.source})`);
    const ns = v.namespace;
    const list = await apiCall(ns !== undefined ? `list pods in ${ns}` : 'list pods', () =>
      listInPages((q) => (ns !== undefined ? apis.core.listNamespacedPod({ namespace: ns, ...q }) : apis.core.listPodForAllNamespaces(q)), (p) => p),
    );
    const workloads = groupWorkloads(
      list.items.map((p) => ({ ...asJson(p), kind: 'Pod' })),
      revision,
    );
    const policyFile = v['injection-policy'];
    const policy: InjectionPolicy | undefined = policyFile !== undefined ? parseInjectionPolicy(await readInput(io, policyFile), policyFile) : undefined;
    const proxyConfigs = v['watch-proxyconfigs'] === true ? await clusterProxyConfigs(apis) : undefined;
    const inputs: PreviewInputs = {
      currentHash: hashRawConfig(currentRaw),
      ...(policy !== undefined ? { policy } : {}),
      ...(proxyConfigs !== undefined ? { proxyConfigs: () => proxyConfigs } : {}),
    };
    previews = [];
    for (const w of workloads) {
      const { pod, approximate } = await preInjectionPod(apis, w.pod);
      previews.push(previewWorkload(current, proposed, w, pod, { ...inputs, ...(approximate !== undefined ? { approximate } : {}) }));
    }
    for (const p of previews) io.stdout(formatPreview(p, v.verbose === true));
    io.stdout(countLine(previews, ns !== undefined ? `in namespace ${ns}` : 'in all namespaces'));
  } catch (e) {
    io.stderr(`${describeError(e)}\n`);
    return 2;
  }
  return v['exit-code'] === true && previews.some((p) => p.comparison.changed) ? 1 : 0;
}
