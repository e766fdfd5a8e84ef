import {
  clonePod,
  ENABLE_CORE_DUMP_CONTAINER,
  INIT_CONTAINER,
  PROXY_CONTAINER,
  VALIDATION_CONTAINER,
  type Container,
  type Pod,
} from './pod.js';

type Placement = 'first' | 'last';

/**
 * Istio's modifyContainers: move the container called `name` to one end. Like Istio, if several
 * containers share the name only the last of them survives (Kubernetes rejects such pods anyway).
 */
export function moveContainer(list: readonly Container[], name: string, where: Placement): Container[] {
  const others: Container[] = [];
  let match: Container | undefined;
  for (const c of list) {
    if (c.name === name) match = c;
    else others.push(c);
  }
  if (!match) return others;
  return where === 'first' ? [match, ...others] : [...others, match];
}

export interface ReorderOptions {
  /**
   * ProxyConfig holdApplicationUntilProxyStarts (mesh default with the pod's proxy.istio.io/config
   * applied) OR values.global.proxy.holdApplicationUntilProxyStarts.
   */
  holdApplicationUntilProxyStarts: boolean;
}

/**
 * Istio's reorderPod. istio-proxy goes last among containers so `kubectl exec/logs` default to the
 * app, or first when the app must wait for the proxy. Init containers:
 *  - native sidecar (istio-proxy is an init container): istio-init, istio-validation, istio-proxy,
 *    enable-core-dump, then the user's, so user init containers already run inside the mesh;
 *  - otherwise: istio-validation first (it must gate everything), user init containers, then
 *    istio-init and enable-core-dump last so iptables does not black-hole the user's init traffic.
 */
export function reorderPod(pod: Pod, opts: ReorderOptions): Pod {
  const out = clonePod(pod);
  const spec = out.spec;
  if (!spec) return out;
  if (Array.isArray(spec.containers)) {
    spec.containers = moveContainer(spec.containers, PROXY_CONTAINER, opts.holdApplicationUntilProxyStarts ? 'first' : 'last');
  }
  if (!Array.isArray(spec.initContainers)) return out;
  let inits: Container[] = spec.initContainers;
  if (inits.some((c) => c.name === PROXY_CONTAINER)) {
    // Applied in reverse: the last one moved to the front ends up first.
    for (const name of [ENABLE_CORE_DUMP_CONTAINER, PROXY_CONTAINER, VALIDATION_CONTAINER, INIT_CONTAINER]) {
      inits = moveContainer(inits, name, 'first');
    }
  } else {
    inits = moveContainer(inits, VALIDATION_CONTAINER, 'first');
    inits = moveContainer(inits, INIT_CONTAINER, 'last');
    inits = moveContainer(inits, ENABLE_CORE_DUMP_CONTAINER, 'last');
  }
  spec.initContainers = inits;
  return out;
}
