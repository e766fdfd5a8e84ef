/**
 * Istio's DetectNativeSidecar as pure functions over kubelet versions, apart from the node watch so
 * worker threads can decide from a snapshot without loading the Kubernetes client.
 */

/** Native sidecars as Istio's ENABLE_NATIVE_SIDECARS=auto enables them: kubelet 1.33 or newer. */
export const NATIVE_SIDECAR_MIN_MINOR = 33;

/** `v1.33.2-gke.100` → 33 (minor of a 1.x kubelet); undefined when not a Kubernetes version. */
export function kubeletMinor(version: string | undefined): number | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return undefined;
  return Number(m[1]) > 1 ? Number.MAX_SAFE_INTEGER : Number(m[2]);
}

/**
 * The pod's node when it is already scheduled (and known), otherwise every node must qualify; no
 * nodes means no.
 */
export function supportsNativeSidecars(versions: ReadonlyMap<string, string>, nodeName?: string): boolean {
  const ok = (v: string | undefined) => (kubeletMinor(v) ?? -1) >= NATIVE_SIDECAR_MIN_MINOR;
  if (nodeName && versions.has(nodeName)) return ok(versions.get(nodeName));
  if (versions.size === 0) return false;
  for (const v of versions.values()) if (!ok(v)) return false;
  return true;
}
