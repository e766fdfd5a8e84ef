import { listInPages, makeApis, type KubeClient } from './client.js';
import type { Node } from './types.js';
import { startListWatch, type ListWatchHandle } from './list-watch.js';
import { supportsNativeSidecars } from './native-sidecars.js';

export { NATIVE_SIDECAR_MIN_MINOR, kubeletMinor, supportsNativeSidecars } from './native-sidecars.js';

export interface NodeCache {
  nativeSidecars(nodeName?: string): boolean;
  /** Node name → kubelet version, as a copy (what worker threads decide from). */
  snapshot(): Array<[string, string]>;
  /** Called after every change (sync or event). */
  onChange(fn: () => void): void;
  readonly synced: Promise<void>;
  stop(): void;
}

const kubeletVersion = (n: Node): string => {
  const v = n.status?.nodeInfo?.kubeletVersion;
  return typeof v === 'string' ? v : '';
};

/** Kubelet versions of all nodes, kept current by list+watch so admission reads memory only. */
export function startNodeCache(kc: KubeClient, onError?: (e: Error) => void): NodeCache {
  const versions = new Map<string, string>();
  const listeners: Array<() => void> = [];
  const changed = () => listeners.forEach((fn) => fn());
  const core = makeApis(kc).core;
  const handle: ListWatchHandle = startListWatch<Node, [string | undefined, string]>({
    kc,
    path: '/api/v1/nodes',
    // Only the name and the kubelet version of each Node are kept, page by page.
    list: () => listInPages((q) => core.listNode(q), (n: Node): [string | undefined, string] => [n.metadata?.name, kubeletVersion(n)]),
    onSync: (items) => {
      versions.clear();
      for (const [name, version] of items) if (name) versions.set(name, version);
      changed();
    },
    onEvent: (type, n) => {
      const name = n.metadata?.name;
      if (!name) return;
      if (type === 'DELETED') versions.delete(name);
      else versions.set(name, kubeletVersion(n));
      changed();
    },
    onError,
  });
  return {
    nativeSidecars: (nodeName) => supportsNativeSidecars(versions, nodeName),
    snapshot: () => [...versions],
    onChange: (fn) => listeners.push(fn),
    synced: handle.synced,
    stop: () => handle.stop(),
  };
}
