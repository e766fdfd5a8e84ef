import { listInPages, makeApis, type KubeClient } from './client.js';
import type { KubernetesObject } from './types.js';
import { startListWatch, type ListWatchHandle } from './list-watch.js';
import { fromCustomResource, sortResources, type ProxyConfigResource } from '../inject/proxyconfig-crs.js';

export interface ProxyConfigCache {
  /** Every ProxyConfig resource, oldest first; the same array until something changes. */
  list(): readonly ProxyConfigResource[];
  /** Called after every change (sync or event). */
  onChange(fn: () => void): void;
  readonly synced: Promise<void>;
  stop(): void;
}

const GROUP = 'networking.istio.io';
const VERSION = 'v1beta1';
const PLURAL = 'proxyconfigs';

/**
 * networking.istio.io ProxyConfig resources in all namespaces, kept by list+watch. A cluster
 * without the CRD simply has none (the watch keeps retrying with backoff and reports why).
 */
export function startProxyConfigCache(kc: KubeClient, onError?: (e: Error) => void): ProxyConfigCache {
  const byKey = new Map<string, ProxyConfigResource>();
  let sorted: readonly ProxyConfigResource[] = [];
  const listeners: Array<() => void> = [];
  const refresh = () => {
    sorted = sortResources([...byKey.values()]);
    listeners.forEach((fn) => fn());
  };
  const keyOf = (r: ProxyConfigResource) => `${r.namespace}/${r.name}`;
  const custom = makeApis(kc).custom;
  const handle: ListWatchHandle = startListWatch<KubernetesObject, ProxyConfigResource | undefined>({
    kc,
    path: `/apis/${GROUP}/${VERSION}/${PLURAL}`,
    // Each item reduced to what injection reads as its page arrives.
    list: () => listInPages((q) => custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, ...q }), fromCustomResource),
    onSync: (items) => {
      byKey.clear();
      for (const r of items) if (r) byKey.set(keyOf(r), r);
      refresh();
    },
    onEvent: (type, o) => {
      const r = fromCustomResource(o);
      if (!r) return;
      if (type === 'DELETED') byKey.delete(keyOf(r));
      else byKey.set(keyOf(r), r);
      refresh();
    },
    onError,
  });
  return { list: () => sorted, onChange: (fn) => listeners.push(fn), synced: handle.synced, stop: () => handle.stop() };
}
