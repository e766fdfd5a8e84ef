import { AdmissionError, admissionError } from '../errors.js';
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from '../k8s/json.js';
import { normalizeAs } from '../k8s/normalize.js';
import { strategicMerge } from '../k8s/smp.js';
import { parseYamlDocument } from '../k8s/yaml-parse.js';
import { formatMultiError } from '../go/multierror.js';
import {
  applyProbeRewrite,
  applyPrometheusMerge,
  applySecurePrometheusAnnotation,
  overwriteClusterInfo,
  reorderPod,
  ownPod,
  editablePod,
  validateAnnotations,
  type Pod,
} from './postprocess/index.js';
import { buildTemplateData } from './template-data.js';
import { renderTemplatesCached } from './template-cache.js';
import { PROXY_CONFIG_ANNOTATION, mergeProxyConfig } from './settings/mesh.js';
import { isPlainObject } from './settings/proto-fields.js';
import { OVERRIDES_ANNOTATION, STATUS_ANNOTATION, injectionStatusValue, parseInjectionStatus } from './status.js';
import type { InjectionParams, InjectionSettings } from './types.js';

const PROXY = 'istio-proxy';
const INIT = 'istio-init';
const VALIDATION = 'istio-validation';
const NATIVE_ANNOTATION = 'sidecar.istio.io/nativeSidecar';
const TEMPLATES_ANNOTATION = 'inject.istio.io/templates';
const NETWORK_LABEL = 'topology.istio.io/network';

type Containers = JsonObject[];

function meta(pod: JsonObject): JsonObject {
  if (!isJsonObject(pod.metadata)) pod.metadata = {};
  return pod.metadata as JsonObject;
}
function spec(pod: JsonObject): JsonObject {
  if (!isJsonObject(pod.spec)) pod.spec = {};
  return pod.spec as JsonObject;
}
function stringMapOf(v: JsonValue | undefined): Record<string, string> {
  return isJsonObject(v) ? (v as Record<string, string>) : {};
}
export function annotationsOf(pod: JsonObject): Record<string, string> {
  return stringMapOf(isJsonObject(pod.metadata) ? pod.metadata.annotations : undefined);
}
export function labelsOf(pod: JsonObject): Record<string, string> {
  return stringMapOf(isJsonObject(pod.metadata) ? pod.metadata.labels : undefined);
}
function containersOf(pod: JsonObject, key: 'containers' | 'initContainers'): Containers {
  const s = isJsonObject(pod.spec) ? pod.spec[key] : undefined;
  return Array.isArray(s) ? (s.filter(isJsonObject) as Containers) : [];
}
function findContainer(list: Containers, name: string): JsonObject | undefined {
  return list.find((c) => c.name === name);
}

/** inject.selectTemplates + resolveAliases (one level). */
export function selectTemplates(annotations: Record<string, string>, params: Pick<InjectionParams, 'defaultTemplates' | 'aliases'>): string[] {
  const requested = Object.prototype.hasOwnProperty.call(annotations, TEMPLATES_ANNOTATION)
    ? annotations[TEMPLATES_ANNOTATION]!.split(',').map((s) => s.trim())
    : [...params.defaultTemplates];
  return requested.flatMap((n) => (Object.prototype.hasOwnProperty.call(params.aliases, n) ? [...params.aliases[n]!] : [n]));
}

/** stripPod + reinsertOverrides: the pod as the templates should see it when re-injecting. */
function strippedPod(pod: JsonObject, statusPort: number): JsonObject {
  const prev = parseInjectionStatus(annotationsOf(pod));
  let out = pod;
  if (prev) {
    out = cloneJson(pod);
    const s = spec(out);
    s.containers = containersOf(out, 'containers').filter((c) => !prev.containers.includes(String(c.name)));
    s.initContainers = containersOf(out, 'initContainers').filter((c) => !prev.initContainers.includes(String(c.name)));
    if ((s.initContainers as Containers).length === 0) delete s.initContainers;
    const ann = { ...annotationsOf(out) };
    if (ann['prometheus.io/port'] === String(statusPort)) {
      delete ann['prometheus.io/port'];
      delete ann['prometheus.io/path'];
      delete ann['prometheus.io/scrape'];
    }
    delete ann[STATUS_ANNOTATION];
    meta(out).annotations = ann;
  }
  const overrides = parseOverrides(annotationsOf(out));
  if (overrides.containers.length === 0 && overrides.initContainers.length === 0) return out;
  out = out === pod ? cloneJson(pod) : out;
  const s = spec(out);
  for (const key of ['containers', 'initContainers'] as const) {
    const list = containersOf(out, key);
    for (const c of overrides[key]) if (!findContainer(list, String(c.name))) list.push(c);
    if (list.length > 0) s[key] = list;
  }
  return out;
}

function parseOverrides(annotations: Record<string, string>): { containers: Containers; initContainers: Containers } {
  const raw = annotations[OVERRIDES_ANNOTATION];
  if (raw === undefined) return { containers: [], initContainers: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new Error(`invalid ${OVERRIDES_ANNOTATION} annotation: ${e instanceof Error ? e.message : String(e)}`);
  }
  const list = (v: unknown) => (Array.isArray(v) ? (v.filter(isJsonObject) as Containers) : []);
  return isPlainObject(parsed) ? { containers: list(parsed.containers), initContainers: list(parsed.initContainers) } : { containers: [], initContainers: [] };
}

function statusPortOf(settings: InjectionSettings): number {
  const p = settings.mesh.defaultConfig.statusPort;
  return typeof p === 'number' ? p : 15020;
}

function holdApplication(settings: InjectionSettings, annotations: Record<string, string>): boolean {
  let pc = settings.mesh.defaultConfig;
  if (Object.prototype.hasOwnProperty.call(annotations, PROXY_CONFIG_ANNOTATION)) pc = mergeProxyConfig(annotations[PROXY_CONFIG_ANNOTATION]!, pc);
  const g = isPlainObject(settings.values.global) ? settings.values.global : {};
  const proxy = isPlainObject(g.proxy) ? g.proxy : {};
  return pc.holdApplicationUntilProxyStarts === true || proxy.holdApplicationUntilProxyStarts === true;
}

/** extractClusterAndNetwork: values < webhook path < the pod's topology.istio.io/network label. */
function clusterAndNetwork(settings: InjectionSettings, params: InjectionParams): { cluster: string; network: string } {
  const g = isPlainObject(settings.values.global) ? settings.values.global : {};
  const mc = isPlainObject(g.multiCluster) ? g.multiCluster : {};
  let cluster = typeof mc.clusterName === 'string' ? mc.clusterName : '';
  let network = typeof g.network === 'string' ? g.network : '';
  if (params.proxyEnvs.ISTIO_META_CLUSTER_ID) cluster = params.proxyEnvs.ISTIO_META_CLUSTER_ID;
  if (params.proxyEnvs.ISTIO_META_NETWORK) network = params.proxyEnvs.ISTIO_META_NETWORK;
  const labels = labelsOf(params.pod);
  if (Object.prototype.hasOwnProperty.call(labels, NETWORK_LABEL)) network = labels[NETWORK_LABEL]!;
  return { cluster, network };
}

export interface PipelineResult {
  /** The injected pod (Go-typed JSON). */
  pod: JsonObject;
  /** The merged output of the templates alone. */
  templatePod: JsonObject;
  templates: string[];
}

/**
 * injectPod without the patch: templates → strategic merge → user overrides → post-processing.
 * Throws an Error whose message is Istio's (the caller denies the pod with it).
 */
export function runInjection(settings: InjectionSettings, params: InjectionParams): PipelineResult {
  const original = params.pod;
  const annotations = annotationsOf(original);

  const invalid = validateAnnotations(annotations);
  if (invalid.length > 0) {
    throw admissionError('MA201_TEMPLATE_RUN', formatMultiError(invalid));
  }
  const proxyEnvs = { ...params.proxyEnvs };
  const { cluster, network } = clusterAndNetwork(settings, params);
  if (cluster !== '') proxyEnvs.ISTIO_META_CLUSTER_ID = cluster;
  if (network !== '') proxyEnvs.ISTIO_META_NETWORK = network;

  const statusPort = statusPortOf(settings);
  const stripped = strippedPod(original, statusPort);
  const names = selectTemplates(annotations, params);
  let data: ReturnType<typeof buildTemplateData> | undefined;
  const rendered = renderTemplatesCached(settings, names, params, stripped, (name, soFar) => {
    const tmpl = settings.templates.get(name);
    if (!tmpl) {
      // injectPod wraps every RunTemplate error, this one included, in "failed to run injection template: ".
      throw admissionError('MA201_TEMPLATE_RUN', admissionError('MA202_TEMPLATE_NOT_FOUND', name, [...settings.templates.keys()]).message);
    }
    data ??= buildTemplateData(settings, params, stripped);
    let text: string;
    try {
      text = tmpl.execute(data);
    } catch (e) {
      throw admissionError('MA201_TEMPLATE_RUN', e instanceof Error ? e.message : String(e));
    }
    try {
      // Parsed once: the same overlay goes onto the template-only pod and onto the real pod.
      const parsed = parseYamlDocument(text);
      const patch = isJsonObject(parsed) ? parsed : {};
      // Merges are plain strategic merges; the Go-typed round trip (unknown fields dropped,
      // quantities canonical) runs once, on the finished pod, where it is observable.
      return { patch, templatePod: strategicMerge(soFar, patch, 'Pod'), textBytes: text.length };
    } catch (e) {
      throw admissionError('MA201_TEMPLATE_RUN', `failed applying injection overlay: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  let merged: JsonObject = original;
  let templatePod: JsonObject = {};
  for (const step of rendered.steps) {
    templatePod = step.templatePod;
    const patch = step.patch;
    const nativeAnn = annotationsOf(merged)[NATIVE_ANNOTATION];
    const native = nativeAnn === 'true' ? true : nativeAnn === 'false' ? false : (params.nativeSidecars ?? settings.nativeSidecars);
    if (native && findContainer(containersOf(templatePod, 'initContainers'), PROXY) && findContainer(containersOf(merged, 'containers'), PROXY)) {
      // Only the two lists change; the rest stays shared with the received pod.
      merged = { ...merged, spec: { ...(isJsonObject(merged.spec) ? merged.spec : {}) } };
      const s = spec(merged);
      const proxy = findContainer(containersOf(merged, 'containers'), PROXY)!;
      s.containers = containersOf(merged, 'containers').filter((c) => c !== proxy);
      s.initContainers = [...containersOf(merged, 'initContainers'), proxy];
    }
    try {
      merged = strategicMerge(merged, patch, 'Pod');
    } catch (e) {
      throw admissionError(
        'MA201_TEMPLATE_RUN',
        `failed parsing generated injected YAML (check Istio sidecar injector configuration): ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  if (rendered.error) throw rendered.error;

  merged = reapplyOverwrittenContainers(merged, original, templatePod, params.proxyConfig);
  try {
    merged = postProcess(settings, params, merged, templatePod, proxyEnvs, statusPort);
  } catch (e) {
    // injectPod prefixes postProcessPod's errors (e.g. an unusable prometheus.io/port) the same way.
    if (e instanceof AdmissionError) throw new AdmissionError(e.code, `failed to process pod: ${e.message}`, e.httpStatus);
    throw e;
  }
  return { pod: merged, templatePod, templates: names };
}

/** Users may declare their own istio-proxy (or any container the templates write); their fields win. */
function reapplyOverwrittenContainers(finalPod: JsonObject, originalPod: JsonObject, templatePod: JsonObject, proxyConfig: Record<string, unknown>): JsonObject {
  const ann = annotationsOf(originalPod);
  const existing = parseOverrides(ann);
  const prev = parseInjectionStatus(ann);
  const alreadyInjected = Object.prototype.hasOwnProperty.call(ann, STATUS_ANNOTATION);
  const overrides: { containers: Containers; initContainers: Containers } = { containers: [], initContainers: [] };
  let out = finalPod;
  for (const key of ['containers', 'initContainers'] as const) {
    for (const c of containersOf(templatePod, key)) {
      const name = String(c.name);
      if (prev && prev[key].includes(name)) continue;
      let match = findContainer(existing[key], name);
      if (!match) {
        match =
          key === 'containers'
            ? findContainer(containersOf(originalPod, 'containers'), name)
            : (findContainer(containersOf(originalPod, 'initContainers'), name) ?? findContainer(containersOf(originalPod, 'containers'), name));
      }
      if (!match) continue;
      const overlay = asContainer(match);
      if (overlay.image === 'auto') delete overlay.image;
      overrides[key].push(overlay);
      const patch: JsonObject = { spec: key === 'containers' ? { containers: [overlay] } : { containers: [], initContainers: [overlay] } };
      out = strategicMerge(out, patch, 'Pod');
    }
  }
  if (!alreadyInjected && (overrides.containers.length > 0 || overrides.initContainers.length > 0)) {
    const value: JsonObject = {};
    if (overrides.containers.length > 0) value.containers = overrides.containers;
    if (overrides.initContainers.length > 0) value.initContainers = overrides.initContainers;
    // Merge results share their untouched parts with the received pod: replace, never edit.
    const m = isJsonObject(out.metadata) ? out.metadata : {};
    out = { ...out, metadata: { ...m, annotations: { ...annotationsOf(out), [OVERRIDES_ANNOTATION]: JSON.stringify(value) } } };
  }
  return adjustInitContainerUser(out, originalPod, proxyConfig);
}

function asContainer(c: JsonObject): JsonObject {
  const pod = normalizeAs('Pod', { spec: { containers: [c] } });
  return (pod.spec as JsonObject & { containers: JsonObject[] }).containers[0]!;
}

function securityContext(c: JsonObject | undefined): JsonObject | undefined {
  return c && isJsonObject(c.securityContext) ? c.securityContext : undefined;
}

/** adjustInitContainerUser: keep iptables' -u and the validation container in step with a user-set proxy uid. */
function adjustInitContainerUser(pod: JsonObject, originalPod: JsonObject, proxyConfig: Record<string, unknown>): JsonObject {
  const user =
    findContainer(containersOf(originalPod, 'containers'), PROXY) ?? findContainer(containersOf(originalPod, 'initContainers'), PROXY);
  const usc = securityContext(user);
  if (!usc || (usc.runAsUser === undefined && usc.runAsGroup === undefined)) return pod;
  const out = cloneJson(pod);
  const inits = containersOf(out, 'initContainers');
  const init = findContainer(inits, INIT) ?? findContainer(inits, VALIDATION);
  if (!init) return pod;
  const tproxy = proxyConfig.interceptionMode === 'TPROXY' || annotationsOf(out)['sidecar.istio.io/interceptionMode'] === 'TPROXY';
  if (tproxy && usc.runAsUser !== undefined) {
    const sidecar = findContainer(containersOf(out, 'containers'), PROXY) ?? findContainer(inits, PROXY);
    const sc = securityContext(sidecar);
    if (sc) sc.runAsUser = 0;
  }
  if (!tproxy && init.name === VALIDATION) {
    const sc = securityContext(init) ?? (init.securityContext = {});
    if (usc.runAsUser !== undefined) (sc as JsonObject).runAsUser = usc.runAsUser;
    if (usc.runAsGroup !== undefined) (sc as JsonObject).runAsGroup = usc.runAsGroup;
  }
  if (typeof usc.runAsUser === 'number' && usc.runAsUser !== 0 && Array.isArray(init.args)) {
    const i = init.args.indexOf('-u');
    if (i >= 0 && i + 1 < init.args.length) init.args[i + 1] = String(usc.runAsUser);
  }
  return out;
}

function postProcess(
  settings: InjectionSettings,
  params: InjectionParams,
  pod: JsonObject,
  templatePod: JsonObject,
  proxyEnvs: Record<string, string>,
  statusPort: number,
): JsonObject {
  // Our own copy of what the steps write, handed to them to edit in place.
  let out: Pod = ownPod(editablePod(pod as Pod));
  out.metadata = { ...(out.metadata ?? {}) };
  out.metadata.annotations = { ...(out.metadata.annotations ?? {}) };
  out.metadata.labels = { ...(out.metadata.labels ?? {}) };

  // RunTemplate added the values-derived cluster and network to the same map istiod later reads here.
  out = overwriteClusterInfo(out, proxyEnvs);
  const mergeMesh = settings.mesh.enablePrometheusMerge;
  out = applyPrometheusMerge(out, { statusPort, meshEnablePrometheusMerge: mergeMesh !== false });
  out = applySecurePrometheusAnnotation(out);
  const webhookValues = isPlainObject(settings.values.sidecarInjectorWebhook) ? settings.values.sidecarInjectorWebhook : {};
  const rewriteDefault = webhookValues.rewriteAppHTTPProbe;
  out = applyProbeRewrite(out, {
    statusPort,
    reinjected: Object.prototype.hasOwnProperty.call(annotationsOf(params.pod), STATUS_ANNOTATION),
    rewriteAppHTTPProbe: rewriteDefault === undefined ? true : rewriteDefault === true,
  });

  const m = out.metadata!;
  if (proxyEnvs.ISTIO_META_NETWORK !== undefined) m.labels = { ...m.labels, [NETWORK_LABEL]: proxyEnvs.ISTIO_META_NETWORK };
  const ann: Record<string, string> = { ...m.annotations };
  ann[STATUS_ANNOTATION] = injectionStatusValue(isJsonObject(templatePod.spec) ? templatePod.spec : {}, settings.revision);
  for (const [k, v] of Object.entries(params.injectedAnnotations)) ann[k] = v;
  m.annotations = ann;

  out = reorderPod(out, { holdApplicationUntilProxyStarts: holdApplication(settings, annotationsOf(params.pod)) });
  // The received pod was depth-checked when it was first normalised, and what the templates add is bounded
  // by the configuration; normalising follows the Go types, so it cannot recurse deeper than they nest.
  return normalizeAs('Pod', out, { depthChecked: true, share: true });
}
