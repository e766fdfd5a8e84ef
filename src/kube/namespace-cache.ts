import { stringMap } from '../k8s/json.js';
import { listInPages, makeApis, type KubeClient } from './client.js';
import type { Namespace } from './types.js';
import { startListWatch, type ListWatchHandle } from './list-watch.js';

/**
 * Namespace annotations kept current by list+watch, so the injection path reads memory, never
 * the API (OpenShift's uid ranges live on the Namespace).
 */
export interface NamespaceCache {
  annotations(namespace: string): Readonly<Record<string, string>> | undefined;
  /** Namespace → annotations, as a copy (what worker threads read). */
  snapshot(): Array<[string, Record<string, string>]>;
  /** Called after every change (sync or event). */
  onChange(fn: () => void): void;
  readonly synced: Promise<void>;
  stop(): void;
}

export function startNamespaceCache(kc: KubeClient, onError?: (e: Error) => void): NamespaceCache {
  const byName = new Map<string, Record<string, string>>();
  const listeners: Array<() => void> = [];
  const changed = () => listeners.forEach((fn) => fn());
  const core = makeApis(kc).core;
  const handle: ListWatchHandle = startListWatch<Namespace, [string | undefined, Record<string, string>]>({
    kc,
    path: '/api/v1/namespaces',
    // Only the name and the annotations of each Namespace are kept, page by page.
    list: () => listInPages((q) => core.listNamespace(q), (ns: Namespace): [string | undefined, Record<string, string>] => [ns.metadata?.name, stringMap(ns.metadata?.annotations)]),
    onSync: (items) => {
      byName.clear();
      for (const [name, annotations] of items) if (name) byName.set(name, annotations);
      changed();
    },
    onEvent: (type, ns) => {
      const name = ns.metadata?.name;
      if (!name) return;
      if (type === 'DELETED') byName.delete(name);
      else byName.set(name, stringMap(ns.metadata?.annotations));
      changed();
    },
    onError,
  });
  return {
    annotations: (ns) => byName.get(ns),
    snapshot: () => [...byName],
    onChange: (fn) => listeners.push(fn),
    synced: handle.synced,
    stop: () => handle.stop(),
  };
}
