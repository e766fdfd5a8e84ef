import { PROXY_CONFIG_ANNOTATION, mergeProxyConfig, type MeshConfig, type ProxyConfig } from './settings/mesh.js';
import { stringMap } from '../k8s/json.js';
import { isPlainObject } from './settings/proto-fields.js';

/** A networking.istio.io/v1beta1 ProxyConfig resource, reduced to what injection uses. */
export interface ProxyConfigResource {
  namespace: string;
  name: string;
  /** RFC 3339; resources apply oldest first, as Istio sorts them. */
  creationTimestamp: string;
  /** `spec.selector.matchLabels`; undefined or empty = the whole namespace. */
  matchLabels?: Readonly<Record<string, string>>;
  /** The ProxyConfig fields a resource can set (toMeshConfigProxyConfig). */
  config: ProxyConfig;
}

/** A ProxyConfig custom resource as the API returns it → the part injection uses. */
export function fromCustomResource(obj: unknown): ProxyConfigResource | undefined {
  if (!isPlainObject(obj) || !isPlainObject(obj.metadata)) return undefined;
  const meta = obj.metadata;
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  const config: ProxyConfig = {};
  // Only the proto's own field types (int32, map<string,string>, string): the resource comes from a watch and
  // goes on to every worker, so nothing of another shape or depth may ride along.
  if (typeof spec.concurrency === 'number' && Number.isInteger(spec.concurrency)) config.concurrency = spec.concurrency;
  if (isPlainObject(spec.environmentVariables)) config.proxyMetadata = stringMap(spec.environmentVariables);
  if (isPlainObject(spec.image)) config.image = typeof spec.image.imageType === 'string' ? { imageType: spec.image.imageType } : {};
  const selector = isPlainObject(spec.selector) && isPlainObject(spec.selector.matchLabels) ? stringMap(spec.selector.matchLabels) : undefined;
  return {
    namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
    name: typeof meta.name === 'string' ? meta.name : '',
    creationTimestamp: typeof meta.creationTimestamp === 'string' ? meta.creationTimestamp : '',
    ...(selector ? { matchLabels: selector } : {}),
    config,
  };
}

/** Oldest first (ties by name), the order in which Istio lets the first match win. */
export function sortResources(list: ProxyConfigResource[]): ProxyConfigResource[] {
  return [...list].sort((a, b) => a.creationTimestamp.localeCompare(b.creationTimestamp) || a.name.localeCompare(b.name));
}

/** `top` over `base`: set fields replace, proxyMetadata merges key by key (mesh.MergeProxyConfig). */
function over(top: ProxyConfig | undefined, base: ProxyConfig): ProxyConfig {
  if (!top || Object.keys(top).length === 0) return base;
  return mergeProxyConfig(JSON.stringify(top), base);
}

function namespaceWide(resources: readonly ProxyConfigResource[], ns: string): ProxyConfig | undefined {
  return resources.find((r) => r.namespace === ns && (!r.matchLabels || Object.keys(r.matchLabels).length === 0))?.config;
}

function forWorkload(resources: readonly ProxyConfigResource[], ns: string, labels: Readonly<Record<string, string>>): ProxyConfig | undefined {
  return resources.find(
    (r) =>
      r.namespace === ns &&
      r.matchLabels !== undefined &&
      Object.keys(r.matchLabels).length > 0 &&
      Object.entries(r.matchLabels).every(([k, v]) => labels[k] === v),
  )?.config;
}

/**
 * Istio's EffectiveProxyConfig for a pod, highest precedence last applied: mesh defaultConfig <
 * root-namespace resource < namespace resource < the pod's proxy.istio.io/config annotation <
 * a resource selecting the pod. `resources` must be sorted oldest first.
 */
export function effectiveProxyConfig(
  mesh: MeshConfig,
  resources: readonly ProxyConfigResource[],
  pod: { namespace: string; labels: Readonly<Record<string, string>>; annotations: Readonly<Record<string, string>> },
): ProxyConfig {
  let effective = mesh.defaultConfig;
  const root = typeof mesh.rootNamespace === 'string' ? mesh.rootNamespace : '';
  if (root !== '') effective = over(namespaceWide(resources, root), effective);
  if (pod.namespace !== root) effective = over(namespaceWide(resources, pod.namespace), effective);
  const annotation = pod.annotations[PROXY_CONFIG_ANNOTATION];
  if (annotation !== undefined) {
    try {
      effective = mergeProxyConfig(annotation, effective);
    } catch {
      // istiod ignores an unparseable annotation here; validateAnnotations reports it to the user.
    }
  }
  return over(forWorkload(resources, pod.namespace, pod.labels), effective);
}
