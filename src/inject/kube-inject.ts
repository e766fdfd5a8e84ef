import { K8sError } from '../k8s/errors.js';
import { cloneJson, isJsonObject, type JsonObject } from '../k8s/json.js';
import { normalizeAs } from '../k8s/normalize.js';
import { printYaml } from '../k8s/yaml-print.js';
import { goTypeForKind } from '../k8s/gotypes.js';
import { parseYamlDocumentAs } from '../k8s/yaml-parse.js';
import { decideInjection } from './decide.js';
import { deployMetaFromPod } from './owner.js';
import { runInjection } from './pipeline.js';
import { PROXY_CONFIG_ANNOTATION, mergeProxyConfig } from './settings/mesh.js';
import { SIDECAR_TEMPLATE } from './settings/injection-config.js';
import { DEFAULT_PROXY_UID } from './webhook.js';
import { policyDenial } from './policy/check.js';
import type { InjectionPolicy } from './policy/rules.js';
import type { InjectionSettings, OwnerMeta, TypeMeta } from './types.js';

/** The kinds istioctl kube-inject understands, by exact apiVersion/kind (initializer.go). */
const INJECTABLE: ReadonlySet<string> = new Set([
  'v1/Pod',
  'v1/ReplicationController',
  'v1/List',
  'apps/v1/Deployment',
  'apps/v1/DaemonSet',
  'apps/v1/ReplicaSet',
  'apps/v1/StatefulSet',
  'batch/v1/Job',
  'batch/v1/CronJob',
  'apps.openshift.io/v1/DeploymentConfig',
  // OpenShift's legacy group-less form, which istioctl's scheme also registers.
  'v1/DeploymentConfig',
]);

export interface KubeInjectOptions {
  /** The operator's injection policy: a violating workload fails the run with the webhook's denial. */
  policy?: InjectionPolicy;
}

export interface KubeInjectResult {
  output: string;
  warnings: string[];
}

/**
 * Split a YAML stream the way Kubernetes' YAMLReader does: on lines starting with `---` followed only
 * by spaces or a comment. Each chunk keeps its text for documents written back untouched.
 */
export function splitYamlDocuments(text: string): string[] {
  const docs: string[] = [];
  let current: string[] = [];
  const lines = text.split(/(?<=\n)/);
  for (const line of lines) {
    if (line.startsWith('---')) {
      const rest = line.slice(3).trim();
      if (rest === '' || rest.startsWith('#')) {
        if (current.length > 0) docs.push(current.join(''));
        current = [];
        continue;
      }
    }
    current.push(line);
  }
  if (current.length > 0) docs.push(current.join(''));
  return docs.filter((d) => d.trim() !== '');
}

function kindKey(obj: JsonObject): string {
  return `${String(obj.apiVersion ?? '')}/${String(obj.kind ?? '')}`;
}

interface PodTemplateRef {
  metadata: JsonObject;
  spec: JsonObject;
  write(metadata: JsonObject, spec: JsonObject): void;
}

function templateOf(obj: JsonObject): PodTemplateRef | undefined {
  const kind = obj.kind;
  if (kind === 'Pod') {
    return {
      metadata: isJsonObject(obj.metadata) ? obj.metadata : {},
      spec: isJsonObject(obj.spec) ? obj.spec : {},
      write: (m, s) => {
        obj.metadata = m;
        obj.spec = s;
      },
    };
  }
  const spec = isJsonObject(obj.spec) ? obj.spec : undefined;
  if (!spec) return undefined;
  let holder: JsonObject | undefined = spec;
  let metaHolder: JsonObject | undefined;
  if (kind === 'CronJob') {
    const jt = isJsonObject(spec.jobTemplate) ? spec.jobTemplate : undefined;
    const jtSpec = jt && isJsonObject(jt.spec) ? jt.spec : undefined;
    holder = jtSpec;
    metaHolder = jt;
  }
  const template = holder && isJsonObject(holder.template) ? holder.template : undefined;
  if (!template) return undefined;
  // A CronJob's pod metadata is the job template's metadata (Istio reads it from there).
  const metaSource = kind === 'CronJob' ? metaHolder! : template;
  return {
    metadata: isJsonObject(metaSource.metadata) ? metaSource.metadata : {},
    spec: isJsonObject(template.spec) ? template.spec : {},
    write: (m, s) => {
      metaSource.metadata = m;
      template.spec = s;
    },
  };
}

function fullName(namespace: string, name: string): string {
  return namespace !== '' ? `${namespace}/${name}` : name;
}

/** Inject one typed workload in place; returns warnings. */
function injectObject(settings: InjectionSettings, obj: JsonObject, warnings: string[], opts: KubeInjectOptions): void {
  if (obj.kind === 'List' && Array.isArray(obj.items)) {
    obj.items = obj.items.map((item) => {
      if (!isJsonObject(item) || !INJECTABLE.has(kindKey(item)) || item.kind === 'List') return item;
      const typed = normalizeAs(String(item.kind), item);
      injectObject(settings, typed, warnings, opts);
      return typed;
    });
    return;
  }
  const ref = templateOf(obj);
  if (!ref) throw new Error('spec.template is required value');
  const objMeta = isJsonObject(obj.metadata) ? obj.metadata : {};
  let deployMeta: OwnerMeta;
  let typeMeta: TypeMeta;
  if (obj.kind === 'Pod') {
    ({ deployMeta, typeMeta } = deployMetaFromPod(ref.metadata as Parameters<typeof deployMetaFromPod>[0]));
  } else {
    deployMeta = { name: String(objMeta.name ?? ''), namespace: String(objMeta.namespace ?? '') };
    typeMeta = { apiVersion: String(obj.apiVersion ?? ''), kind: String(obj.kind ?? '') };
  }
  const name = String(ref.metadata.name ?? '') || deployMeta.name;
  const label = typeMeta.kind ? `${typeMeta.kind} "${fullName(deployMeta.namespace, name)}"` : `"${fullName(deployMeta.namespace, name)}"`;
  if (ref.spec.hostNetwork === true) {
    warnings.push(`===> Skipping injection because ${label} has host networking enabled\n`);
    return;
  }
  const annotations = isJsonObject(ref.metadata.annotations) ? (ref.metadata.annotations as Record<string, string>) : {};
  const labels = isJsonObject(ref.metadata.labels) ? (ref.metadata.labels as Record<string, string>) : {};
  const namespace = String(ref.metadata.namespace ?? '') || deployMeta.namespace;
  // istioctl applies the annotation before it decides anything (webhook.go's reorderPod only for injected
  // pods), so an unparsable one fails even a pod that is not injected.
  let mesh = settings.mesh;
  const pca = annotations[PROXY_CONFIG_ANNOTATION];
  if (pca !== undefined) mesh = { ...mesh, defaultConfig: mergeProxyConfig(pca, mesh.defaultConfig) };
  const decision = decideInjection({ policy: 'enabled', neverInjectSelector: [], alwaysInjectSelector: [] }, {
    namespace,
    labels,
    annotations,
    hostNetwork: false,
  });
  if (!decision.inject) {
    warnings.push(`===> Skipping injection because ${label} has sidecar injection disabled\n`);
    return;
  }
  const pod = normalizeAs('Pod', { metadata: cloneJson(ref.metadata), spec: cloneJson(ref.spec) });
  const result = runInjection(
    { ...settings, mesh },
    {
      pod,
      deployMeta,
      typeMeta,
      proxyConfig: mesh.defaultConfig,
      proxyEnvs: {},
      defaultTemplates: [SIDECAR_TEMPLATE],
      aliases: {},
      injectedAnnotations: {},
      proxyUID: DEFAULT_PROXY_UID,
      proxyGID: DEFAULT_PROXY_UID,
    },
  );
  // A document without a namespace lands in kubectl's current one; `default` is the usual guess.
  const denied = policyDenial(opts.policy, { namespace: namespace || 'default', pod, injected: result.pod, templatePod: result.templatePod });
  // The caller names the document (the CLI: file#index and kind/name), so the denial is the webhook's text alone.
  if (denied !== undefined) throw new Error(denied);
  ref.write(isJsonObject(result.pod.metadata) ? result.pod.metadata : {}, isJsonObject(result.pod.spec) ? result.pod.spec : {});
}

/** The pods the injectable documents of a YAML stream would create, for explaining decisions. */
export function podsOf(input: string): Array<{ title: string; namespace: string; pod: JsonObject }> {
  const out: Array<{ title: string; namespace: string; pod: JsonObject }> = [];
  const visit = (doc: JsonObject) => {
    if (doc.kind === 'List' && Array.isArray(doc.items)) {
      for (const item of doc.items) if (isJsonObject(item) && INJECTABLE.has(kindKey(item))) visit(item);
      return;
    }
    const ref = templateOf(doc);
    if (!ref) return;
    const meta = isJsonObject(doc.metadata) ? doc.metadata : {};
    const namespace = String(ref.metadata.namespace ?? '') || String(meta.namespace ?? '') || 'default';
    const name = String(meta.name ?? '') || String(ref.metadata.name ?? '');
    out.push({ title: `${String(doc.kind)} ${namespace}/${name}`, namespace, pod: { metadata: cloneJson(ref.metadata), spec: cloneJson(ref.spec) } });
  };
  for (const raw of splitYamlDocuments(input)) {
    const doc = parseYamlDocumentAs(raw, goTypeForKind);
    if (isJsonObject(doc) && INJECTABLE.has(kindKey(doc))) visit(doc);
  }
  return out;
}

/**
 * istioctl kube-inject over a YAML stream: injectable documents are injected and re-printed as
 * Go would print the typed object; anything else is written back byte for byte. Each document is
 * followed by `---`. The settings' policy, selectors, aliases and injectedAnnotations are not used,
 * as in istioctl.
 */
export function kubeInject(settings: InjectionSettings, input: string, opts: KubeInjectOptions = {}): KubeInjectResult {
  const warnings: string[] = [];
  const out: string[] = [];
  for (const raw of splitYamlDocuments(input)) {
    let doc: unknown;
    try {
      doc = parseYamlDocumentAs(raw, goTypeForKind);
    } catch (e) {
      // sigs.k8s.io/yaml.Unmarshal's own prefixes, which istioctl prints as they are.
      throw new Error(`error converting YAML to JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!isJsonObject(doc) || !INJECTABLE.has(kindKey(doc))) {
      out.push(raw.endsWith('\n') ? raw : `${raw}\n`);
      out.push('---\n');
      continue;
    }
    let typed: JsonObject;
    try {
      typed = normalizeAs(String(doc.kind), doc);
    } catch (e) {
      if (e instanceof K8sError) throw new Error(`error unmarshaling JSON: while decoding JSON: ${e.message}`);
      throw e;
    }
    injectObject(settings, typed, warnings, opts);
    out.push(printYaml(normalizeAs(String(doc.kind), typed)));
    out.push('---\n');
  }
  return { output: out.join(''), warnings };
}
