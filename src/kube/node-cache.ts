import * as k8s from '@kubernetes/client-node';
import { makeApis } from './client.js';
import { startListWatch, type ListWatchHandle } from './list-watch.js';

/** Native sidecars as Istio's ENABLE_NATIVE_SIDECARS=auto enables them: kubelet 1.33 or newer. */
export const NATIVE_SIDECAR_MIN_MINOR = 33;

/** `v1.33.2-gke.100` → 33 (minor of a 1.x kubelet); undefined when not a Kubernetes version. */
export function kubeletMinor(version: string | undefined): number | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return undefined;
  return Number(m[1]) > 1 ? Number.MAX_SAFE_INTEGER : Number(m[2]);
}

/**
 * Istio's DetectNativeSidecar over a set of node kubelet versions: the pod's node when it is
 * already scheduled (and known), otherwise every node must qualify; no nodes means no.
 */
export function supportsNativeSidecars(versions: ReadonlyMap<string, string>, nodeName?: string): boolean {
  const ok = (v: string | undefined) => (kubeletMinor(v) ?? -1) >= NATIVE_SIDECAR_MIN_MINOR;
  if (nodeName && versions.has(nodeName)) return ok(versions.get(nodeName));
  if (versions.size === 0) return false;
  for (const v of versions.values()) if (!ok(v)) return false;
  return true;
}

export interface NodeCache {
  nativeSidecars(nodeName?: string): boolean;
  readonly synced: Promise<void>;
  stop(): void;
}

/** Kubelet versions of all nodes, kept current by list+watch so admission reads memory only. */
export function startNodeCache(kc: k8s.KubeConfig, onError?: (e: Error) => void): NodeCache {
  const versions = new Map<string, string>();
  const core = makeApis(kc).core;
  const handle: ListWatchHandle = startListWatch<k8s.V1Node>({
    kc,
    path: '/api/v1/nodes',
    list: async () => {
      const res = await core.listNode();
      return { items: res.items, resourceVersion: res.metadata?.resourceVersion ?? '' };
    },
    onSync: (items) => {
      versions.clear();
      for (const n of items) if (n.metadata?.name) versions.set(n.metadata.name, n.status?.nodeInfo?.kubeletVersion ?? '');
    },
    onEvent: (type, n) => {
      const name = n.metadata?.name;
      if (!name) return;
      if (type === 'DELETED') versions.delete(name);
      else versions.set(name, n.status?.nodeInfo?.kubeletVersion ?? '');
    },
    onError,
  });
  return { nativeSidecars: (nodeName) => supportsNativeSidecars(versions, nodeName), synced: handle.synced, stop: () => handle.stop() };
}
