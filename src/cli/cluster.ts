import { admissionError } from '../errors.js';
import { apiErrorInfo, loadKubeConfig, makeApis, type KubeApis } from '../kube/client.js';
import type { JsonObject } from '../k8s/json.js';

/** The CLI's cluster access: the current kubeconfig (or --kubeconfig), as kubectl and istioctl use it. */
export function cliApis(kubeconfig: string | undefined): KubeApis {
  return makeApis(loadKubeConfig(kubeconfig ? { kubeconfigPath: kubeconfig } : {}).kc);
}

/** One API call, its failure as one catalogued line naming what was asked. */
/** Answers a client retries (as client-go does): throttling, and a server that is briefly unavailable, e.g. a
 * freshly created CRD whose storage is still "(re)initializing". */
const RETRIED_CODES = new Set([429, 503]);
const RETRY_DELAYS_MS = [200, 400, 800, 1600, 3200];

export async function apiCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      const info = apiErrorInfo(e);
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || info.code === undefined || !RETRIED_CODES.has(info.code)) {
        throw admissionError('MA701_KUBE_API', what, info.message);
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** An API answer as the JSON object it already is (the client parses and keeps every field as sent). */
export function asJson(obj: object): JsonObject {
  return obj as JsonObject;
}

export async function namespaceLabels(apis: KubeApis, namespace: string): Promise<Record<string, string>> {
  const ns = await apiCall(`get namespace ${namespace}`, () => apis.core.readNamespace({ name: namespace }));
  return ns.metadata?.labels ?? {};
}

export async function mutatingWebhookConfigurations(apis: KubeApis): Promise<JsonObject[]> {
  const list = await apiCall('list mutatingwebhookconfigurations', () => apis.admission.listMutatingWebhookConfiguration());
  return list.items.map((c) => ({ ...asJson(c), kind: 'MutatingWebhookConfiguration' }));
}

export async function validatingWebhookConfigurations(apis: KubeApis): Promise<JsonObject[]> {
  const list = await apiCall('list validatingwebhookconfigurations', () => apis.admission.listValidatingWebhookConfiguration());
  return list.items.map((c) => ({ ...asJson(c), kind: 'ValidatingWebhookConfiguration' }));
}

/**
 * The injector's ConfigMaps as `istioctl kube-inject` reads them: `config` and `values` from the injector
 * ConfigMap, `mesh` from the mesh ConfigMap, each name suffixed with `-<revision>` for a non-default revision.
 */
export async function injectorConfigMaps(
  apis: KubeApis,
  opts: { namespace: string; injectConfigMapName: string; meshConfigMapName: string; revision: string },
): Promise<{ config: string; values: string; mesh: string }> {
  const suffix = opts.revision !== '' && opts.revision !== 'default' ? `-${opts.revision}` : '';
  const read = async (name: string, keys: string[]): Promise<Record<string, string>> => {
    const cm = await apiCall(`get configmap ${opts.namespace}/${name}`, () => apis.core.readNamespacedConfigMap({ namespace: opts.namespace, name }));
    const data = cm.data ?? {};
    for (const k of keys) {
      if (typeof data[k] !== 'string') throw admissionError('MA501_INPUT_UNREADABLE', `configmap ${opts.namespace}/${name}`, `it has no '${k}' key`);
    }
    return data;
  };
  const inj = await read(`${opts.injectConfigMapName}${suffix}`, ['config', 'values']);
  const mesh = await read(`${opts.meshConfigMapName}${suffix}`, ['mesh']);
  return { config: inj.config!, values: inj.values!, mesh: mesh.mesh! };
}
