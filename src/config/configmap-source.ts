import { admissionError } from '../errors.js';
import { stringMap } from '../k8s/json.js';
import { makeApis, type KubeApis, type KubeClient } from '../kube/client.js';
import type { ConfigMap } from '../kube/types.js';
import { startListWatch, type Backoff, type ListWatchHandle } from '../kube/list-watch.js';
import type { ConfigHolder, OfferResult } from './holder.js';
import { DEFAULT_INJECT_CONFIGMAP, DEFAULT_MESH_CONFIGMAP, type RawInjectConfig } from './types.js';

export interface ConfigMapRef {
  namespace: string;
  name: string;
}

export interface ConfigMapSourceOptions {
  kc: KubeClient;
  /** Injector ConfigMap with keys `config` and `values`; default istio-system/istio-sidecar-injector. */
  inject?: ConfigMapRef;
  /** Mesh ConfigMap and key; default istio-system/istio key `mesh`; `false` to not watch mesh config. */
  mesh?: (ConfigMapRef & { key: string }) | false;
  onWarning?: (message: string) => void;
  onResult?: (result: OfferResult, source: string) => void;
  backoff?: Backoff;
}

export interface ConfigMapSource {
  /** Resolves once both ConfigMaps were listed and the first offer (if any data existed) completed. */
  readonly initial: Promise<OfferResult | 'missing'>;
  close(): void;
}

function listOne(
  core: KubeApis['core'],
  ref: ConfigMapRef,
): () => Promise<{ items: ConfigMap[]; resourceVersion: string }> {
  return async () => {
    const list = await core.listNamespacedConfigMap({
      namespace: ref.namespace,
      fieldSelector: `metadata.name=${ref.name}`,
    });
    return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '' };
  };
}

/**
 * Feed `holder` from the API server rather than a volume: a watch sees an edit in about a second, where a
 * mounted ConfigMap takes up to a minute or more to be refreshed by the kubelet (Istio's frequent
 * "my edit was ignored" reports). A deleted ConfigMap keeps the last good configuration, as Istio does.
 */
export function watchInjectConfigMaps<T>(holder: ConfigHolder<T>, opts: ConfigMapSourceOptions): ConfigMapSource {
  const injectRef = opts.inject ?? DEFAULT_INJECT_CONFIGMAP;
  const meshRef = opts.mesh === undefined ? DEFAULT_MESH_CONFIGMAP : opts.mesh;
  const { core } = makeApis(opts.kc);
  const injectSource = `configmap:${injectRef.namespace}/${injectRef.name}`;
  const source = meshRef === false ? injectSource : `${injectSource}+configmap:${meshRef.namespace}/${meshRef.name}`;
  const warn = (m: string): void => opts.onWarning?.(m);

  let injectData: Record<string, string> | undefined;
  let meshData: string | undefined;
  let injectSynced = false;
  let meshSynced = meshRef === false;
  let resolveInitial: (r: OfferResult | 'missing') => void = () => undefined;
  const initial = new Promise<OfferResult | 'missing'>((r) => (resolveInitial = r));

  const offer = async (): Promise<void> => {
    if (!injectSynced || !meshSynced) return;
    if (injectData === undefined) {
      warn(`no ConfigMap ${injectRef.namespace}/${injectRef.name} found; keeping the last good injection config`);
      resolveInitial('missing');
      return;
    }
    const config = injectData['config'];
    const values = injectData['values'];
    if (config === undefined || values === undefined) {
      const missing = config === undefined ? 'config' : 'values';
      holder.reportFailure(
        admissionError('MA301_CONFIG_INVALID', `ConfigMap ${injectRef.namespace}/${injectRef.name}`, `key "${missing}" is missing`),
        source,
      );
      opts.onResult?.('failure', source);
      resolveInitial('failure');
      return;
    }
    const raw: RawInjectConfig = { config, values };
    if (meshData !== undefined) raw.mesh = meshData;
    const result = await holder.offer(raw, source);
    opts.onResult?.(result, source);
    resolveInitial(result);
  };

  const handles: ListWatchHandle[] = [];
  const onError = (e: Error): void => warn(e.message);

  handles.push(
    startListWatch<ConfigMap>({
      kc: opts.kc,
      path: `/api/v1/namespaces/${injectRef.namespace}/configmaps`,
      fieldSelector: `metadata.name=${injectRef.name}`,
      list: listOne(core, injectRef),
      onSync: (items) => {
        const cm = items.find((i) => i.metadata?.name === injectRef.name);
        // A re-list that no longer finds it is the same as a delete: keep what we have.
        if (cm !== undefined) injectData = stringMap(cm.data);
        injectSynced = true;
        void offer();
      },
      onEvent: (type, cm) => {
        if (cm.metadata?.name !== injectRef.name) return;
        if (type === 'DELETED') {
          warn(`ConfigMap ${injectRef.namespace}/${injectRef.name} was deleted; keeping the last good injection config`);
          return;
        }
        injectData = stringMap(cm.data);
        void offer();
      },
      onError,
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
    }),
  );

  if (meshRef !== false) {
    handles.push(
      startListWatch<ConfigMap>({
        kc: opts.kc,
        path: `/api/v1/namespaces/${meshRef.namespace}/configmaps`,
        fieldSelector: `metadata.name=${meshRef.name}`,
        list: listOne(core, meshRef),
        onSync: (items) => {
          const cm = items.find((i) => i.metadata?.name === meshRef.name);
          if (cm !== undefined) meshData = stringMap(cm.data)[meshRef.key];
          meshSynced = true;
          void offer();
        },
        onEvent: (type, cm) => {
          if (cm.metadata?.name !== meshRef.name) return;
          if (type === 'DELETED') {
            warn(`ConfigMap ${meshRef.namespace}/${meshRef.name} was deleted; keeping the last mesh config`);
            return;
          }
          meshData = stringMap(cm.data)[meshRef.key];
          void offer();
        },
        onError,
        ...(opts.backoff ? { backoff: opts.backoff } : {}),
      }),
    );
  }

  return {
    initial,
    close(): void {
      for (const h of handles) h.stop();
    },
  };
}
