/**
 * The injection policy applied to one pod. The checks read the finished pod — whatever path a value took into
 * an injected container (annotation, the pod's own istio-proxy, a template picked by annotation), the result is
 * what runs — and each violation names the input of the pod that put it there, so the user knows what to
 * change. A value no pod input explains is attributed to the injection configuration: the policy holds for it
 * too, so an operator finds a policy that contradicts their own values at the first pod, not in production.
 */
import { admissionError } from '../../errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../k8s/json.js';
import { compareQuantities, parseQuantity } from '../../k8s/quantity.js';
import { PROXY_CONFIG_ANNOTATION, mergeProxyConfig } from '../settings/mesh.js';
import { OVERRIDES_ANNOTATION, parseInjectionStatus } from '../status.js';
import { matchGlob } from './glob.js';
import { isEmptyRules, rulesForNamespace, type InjectionPolicy, type PolicyRules } from './rules.js';

export interface PolicyInput {
  /** The namespace the pod is created in (per-namespace overrides match on it). */
  namespace: string;
  /** The pod as submitted. */
  pod: JsonObject;
  /** The pod after injection. */
  injected: JsonObject;
  /** What the templates alone produced: the containers the injector adds. */
  templatePod: JsonObject;
}

const PROXY = 'istio-proxy';
/** No real image reference is this long (OCI names stop at 255 characters plus tag or digest); never matched. */
const MAX_IMAGE_LENGTH = 1024;
/** Request-supplied text quoted in a denial is cut here. */
const MAX_QUOTED = 200;

const ANN = {
  proxyImage: 'sidecar.istio.io/proxyImage',
  proxyImageType: 'sidecar.istio.io/proxyImageType',
  userVolume: 'sidecar.istio.io/userVolume',
  userVolumeMount: 'sidecar.istio.io/userVolumeMount',
  interceptionMode: 'sidecar.istio.io/interceptionMode',
  capNetBindService: 'sidecar.istio.io/capNetBindService',
  templates: 'inject.istio.io/templates',
} as const;

/** The annotation behind each resource field of istio-proxy in Istio's templates. */
const RESOURCE_ANNOTATIONS: Readonly<Record<string, string>> = {
  'requests.cpu': 'sidecar.istio.io/proxyCPU',
  'requests.memory': 'sidecar.istio.io/proxyMemory',
  'limits.cpu': 'sidecar.istio.io/proxyCPULimit',
  'limits.memory': 'sidecar.istio.io/proxyMemoryLimit',
};

const CONFIGURATION = 'the injection configuration';

function quote(s: string): string {
  return s.length <= MAX_QUOTED ? s : `${s.slice(0, MAX_QUOTED)}…`;
}

function obj(v: JsonValue | undefined): JsonObject {
  return isJsonObject(v) ? v : {};
}

function list(v: JsonValue | undefined): JsonObject[] {
  return Array.isArray(v) ? v.filter(isJsonObject) : [];
}

function allContainers(pod: JsonObject): JsonObject[] {
  const spec = obj(pod.spec);
  return [...list(spec.containers), ...list(spec.initContainers)];
}

function annotationsOf(pod: JsonObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(obj(pod.metadata).annotations))) if (typeof v === 'string') out[k] = v;
  return out;
}

function parseJsonObject(text: string | undefined): JsonObject {
  if (text === undefined) return {};
  try {
    const v: unknown = JSON.parse(text);
    return isJsonObject(v) ? v : {};
  } catch {
    return {};
  }
}

/** What the pod itself asked for: its annotations and its own versions of injected containers. */
class PodInputs {
  readonly annotations: Record<string, string>;
  private readonly own = new Map<string, JsonObject>();

  constructor(pod: JsonObject) {
    this.annotations = annotationsOf(pod);
    // Containers a previous injection wrote are the injector's, not the user's (istiod strips them too);
    // the user's originals then live in the overrides annotation.
    const prev = parseInjectionStatus(this.annotations);
    const injectedBefore = new Set([...(prev?.containers ?? []), ...(prev?.initContainers ?? [])]);
    const overrides = parseJsonObject(this.annotations[OVERRIDES_ANNOTATION]);
    for (const c of [...allContainers(pod), ...list(overrides.containers), ...list(overrides.initContainers)]) {
      const name = typeof c.name === 'string' ? c.name : '';
      if (!injectedBefore.has(name) && !this.own.has(name)) this.own.set(name, c);
    }
  }

  has(annotation: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.annotations, annotation);
  }

  /** A field path (e.g. `securityContext.privileged`) of the pod's own container, when it sets it. */
  ownField(container: string, path: string): JsonValue | undefined {
    let v: JsonValue | undefined = this.own.get(container);
    for (const key of path.split('.')) v = isJsonObject(v) ? v[key] : undefined;
    return v === null ? undefined : v;
  }

  private parsedProxyConfig: Record<string, unknown> | undefined;

  /** The fields the pod's proxy.istio.io/config sets (YAML or JSON), read as the injector reads them; parsed once. */
  proxyConfig(): Record<string, unknown> {
    if (this.parsedProxyConfig !== undefined) return this.parsedProxyConfig;
    const text = this.annotations[PROXY_CONFIG_ANNOTATION];
    let parsed: Record<string, unknown> = {};
    if (text !== undefined) {
      try {
        parsed = mergeProxyConfig(text, {});
      } catch {
        // The injector already rejected or ignored it; nothing to attribute to it.
      }
    }
    this.parsedProxyConfig = parsed;
    return parsed;
  }
}

function cause(parts: string[]): string {
  return parts.length === 0 ? CONFIGURATION : parts.join(' and ');
}

function checkImages(rules: PolicyRules, inputs: PodInputs, injectedContainers: JsonObject[], out: string[]): void {
  const allowed = rules.allowedProxyImages;
  if (allowed === undefined) return;
  for (const c of injectedContainers) {
    const name = String(c.name);
    const image = typeof c.image === 'string' ? c.image : '';
    if (image.length <= MAX_IMAGE_LENGTH && allowed.some((g) => matchGlob(g, image))) continue;
    const parts: string[] = [];
    const own = inputs.ownField(name, 'image');
    if (typeof own === 'string' && own !== 'auto' && own === image) parts.push(`container ${quote(name)} field image`);
    else {
      if (inputs.has(ANN.proxyImage)) parts.push(`annotation ${ANN.proxyImage}`);
      if (inputs.has(ANN.proxyImageType)) parts.push(`annotation ${ANN.proxyImageType}`);
      if (inputs.proxyConfig().image !== undefined) parts.push(`annotation ${PROXY_CONFIG_ANNOTATION} (field image)`);
      // A container only a template the pod picked brings is the pod's choice too.
      if (parts.length === 0 && inputs.has(ANN.templates)) parts.push(`annotation ${ANN.templates}`);
    }
    out.push(admissionError('MA211_POLICY_IMAGE', cause(parts), quote(name), quote(image), allowed).message);
  }
}

function hostPathOf(volume: JsonValue | undefined): string | undefined {
  const hp = isJsonObject(volume) ? volume.hostPath : undefined;
  if (!isJsonObject(hp)) return undefined;
  return typeof hp.path === 'string' ? hp.path : '';
}

function checkHostPath(rules: PolicyRules, inputs: PodInputs, injected: JsonObject, injectedContainers: JsonObject[], out: string[]): void {
  if (rules.denyHostPathUserVolumes !== true) return;
  const declared = parseJsonObject(inputs.annotations[ANN.userVolume]);
  for (const [name, volume] of Object.entries(declared)) {
    const path = hostPathOf(volume);
    if (path !== undefined) {
      out.push(admissionError('MA212_POLICY_HOST_PATH', `annotation ${ANN.userVolume}`, `declares hostPath volume "${quote(name)}" (${quote(path)})`).message);
    }
  }
  const volumes = new Map<string, JsonObject>();
  for (const v of list(obj(injected.spec).volumes)) if (typeof v.name === 'string') volumes.set(v.name, v);
  const mountedByAnnotation = parseJsonObject(inputs.annotations[ANN.userVolumeMount]);
  for (const c of injectedContainers) {
    const container = String(c.name);
    for (const m of list(c.volumeMounts)) {
      const name = typeof m.name === 'string' ? m.name : '';
      const path = hostPathOf(volumes.get(name));
      if (path === undefined) continue;
      const parts: string[] = [];
      if (Object.prototype.hasOwnProperty.call(mountedByAnnotation, name)) parts.push(`annotation ${ANN.userVolumeMount}`);
      const own = inputs.ownField(container, 'volumeMounts');
      if (Array.isArray(own) && own.some((x) => isJsonObject(x) && x.name === name)) parts.push(`container ${quote(container)} field volumeMounts`);
      out.push(
        admissionError('MA212_POLICY_HOST_PATH', cause(parts), `mounts hostPath volume "${quote(name)}" (${quote(path)}) into ${quote(container)}`).message,
      );
    }
  }
}

function privilegedFacts(proxy: JsonObject, podSecurity: JsonObject): string[] {
  const sc = obj(proxy.securityContext);
  const facts: string[] = [];
  const env = list(proxy.env).find((e) => e.name === 'ISTIO_META_INTERCEPTION_MODE');
  if (env?.value === 'TPROXY') facts.push('TPROXY interception');
  if (sc.privileged === true) facts.push('privileged: true');
  if (sc.allowPrivilegeEscalation === true) facts.push('allowPrivilegeEscalation: true');
  const added = Array.isArray(obj(sc.capabilities).add) ? (obj(sc.capabilities).add as JsonValue[]) : [];
  if (added.length > 0) facts.push(`added capabilities ${quote(added.map(String).join(','))}`);
  const uid = sc.runAsUser ?? podSecurity.runAsUser;
  if (uid === 0) facts.push('uid 0');
  return facts;
}

function checkPrivileged(rules: PolicyRules, inputs: PodInputs, pod: JsonObject, proxy: JsonObject | undefined, out: string[]): void {
  if (rules.denyPrivilegedProxy !== true || proxy === undefined) return;
  const facts = privilegedFacts(proxy, obj(obj(pod.spec).securityContext));
  if (facts.length === 0) return;
  const parts: string[] = [];
  if (inputs.annotations[ANN.interceptionMode] === 'TPROXY') parts.push(`annotation ${ANN.interceptionMode}`);
  if (inputs.annotations[ANN.capNetBindService] === 'true') parts.push(`annotation ${ANN.capNetBindService}`);
  const pc = inputs.proxyConfig();
  if (pc.interceptionMode !== undefined || pc.proxyMetadata !== undefined) parts.push(`annotation ${PROXY_CONFIG_ANNOTATION}`);
  if (inputs.has(ANN.templates)) parts.push(`annotation ${ANN.templates}`);
  if (inputs.ownField(PROXY, 'securityContext') !== undefined) parts.push(`container ${PROXY} field securityContext`);
  if (obj(obj(pod.spec).securityContext).runAsUser === 0 && obj(proxy.securityContext).runAsUser === undefined) {
    parts.push('pod field spec.securityContext.runAsUser');
  }
  out.push(admissionError('MA213_POLICY_PRIVILEGED', cause(parts), facts).message);
}

function checkResources(rules: PolicyRules, inputs: PodInputs, proxy: JsonObject | undefined, out: string[]): void {
  const caps = rules.maxProxyResources;
  if (caps === undefined || proxy === undefined) return;
  const resources = obj(proxy.resources);
  for (const kind of ['requests', 'limits'] as const) {
    const set = obj(resources[kind]);
    for (const [name, cap] of Object.entries(caps)) {
      const v = set[name];
      if (v === undefined || v === null) continue;
      const text = String(v);
      let over: boolean;
      try {
        over = compareQuantities(parseQuantity(text), cap.quantity) > 0;
      } catch {
        over = true; // not a quantity: it cannot be shown to be within the bound
      }
      if (!over) continue;
      const field = `${kind}.${name}`;
      const annotation = RESOURCE_ANNOTATIONS[field];
      let why: string;
      if (inputs.ownField(PROXY, `resources.${field}`) !== undefined) why = `container ${PROXY} field resources.${field}`;
      else if (annotation !== undefined && inputs.has(annotation)) why = `annotation ${annotation}`;
      else why = CONFIGURATION;
      out.push(admissionError('MA214_POLICY_RESOURCES', why, `resources.${field}`, quote(text), `${name} ${cap.text}`).message);
    }
  }
}

/** Every violation of the policy by this injection, as messages; empty when the pod may be injected. */
export function checkInjectionPolicy(policy: InjectionPolicy, input: PolicyInput): string[] {
  const rules = rulesForNamespace(policy, input.namespace);
  if (isEmptyRules(rules)) return [];
  const inputs = new PodInputs(input.pod);
  // A container the templates give an image is one the injector brings (a user's same-named container only
  // overrides it); one they write without an image is the application's, patched (e.g. an env added).
  const added = new Set(allContainers(input.templatePod).filter((c) => typeof c.image === 'string' && c.image !== '').map((c) => String(c.name)));
  const injectedContainers = allContainers(input.injected).filter((c) => added.has(String(c.name)));
  const proxy = injectedContainers.find((c) => c.name === PROXY);
  const out: string[] = [];
  checkImages(rules, inputs, injectedContainers, out);
  checkHostPath(rules, inputs, input.injected, injectedContainers, out);
  checkPrivileged(rules, inputs, input.injected, proxy, out);
  checkResources(rules, inputs, proxy, out);
  return [...new Set(out)];
}

/** The denial message for a pod that violates the policy, or undefined when it complies. */
export function policyDenial(policy: InjectionPolicy | undefined, input: PolicyInput): string | undefined {
  if (policy === undefined) return undefined;
  const violations = checkInjectionPolicy(policy, input);
  return violations.length === 0 ? undefined : admissionError('MA210_POLICY_DENIED', violations).message;
}
