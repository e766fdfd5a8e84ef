import { cloneJson, isJsonObject, type JsonObject } from '../k8s/json.js';

const UID_RANGE = 'openshift.io/sa.scc.uid-range';
const SUPPLEMENTAL_GROUPS = 'openshift.io/sa.scc.supplemental-groups';

/** An OpenShift id block, `start/size` or `start-end`, as [start, end]; undefined when malformed. */
function parseBlock(s: string): [number, number] | undefined {
  const slash = /^(\d+)\/(\d+)/.exec(s);
  if (s.includes('/')) return slash ? [Number(slash[1]), Number(slash[1]) + Number(slash[2]) - 1] : undefined;
  const dash = /^(\d+)-(\d+)/.exec(s);
  return dash ? [Number(dash[1]), Number(dash[2])] : undefined;
}

/**
 * GetProxyIDs on OpenShift: the proxy runs as the top of the namespace's preallocated uid range and
 * the top of its first supplemental group block (falling back to the uid range), else 1337.
 */
export function openshiftProxyIds(nsAnnotations: Readonly<Record<string, string>> | undefined): { uid: bigint; gid: bigint } {
  let uid = 1337n;
  let gid = 1337n;
  if (!nsAnnotations) return { uid, gid };
  const range = nsAnnotations[UID_RANGE];
  const uidBlock = range ? parseBlock(range) : undefined;
  if (uidBlock) uid = BigInt(uidBlock[1]);
  const groups = nsAnnotations[SUPPLEMENTAL_GROUPS] ?? range;
  if (groups) {
    const blocks = groups.split(',').map(parseBlock);
    if (blocks.length > 0 && blocks.every((b) => b !== undefined)) gid = BigInt(blocks[0]![1]);
  }
  return { uid, gid };
}

function runAsUser(c: JsonObject): number {
  const sc = isJsonObject(c.securityContext) ? c.securityContext : undefined;
  return sc && typeof sc.runAsUser === 'number' ? sc.runAsUser : 0;
}

/**
 * OpenShift assigns every container the same runAsUser; on the proxy that would break traffic
 * capture, so (as istiod does) a user istio-proxy whose uid equals the app's loses its uid/gid and
 * takes the namespace-derived ids from the template instead.
 */
export function resetSidecarUserMatchingApp(pod: JsonObject): JsonObject {
  const spec = isJsonObject(pod.spec) ? pod.spec : {};
  const all = [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])].filter(isJsonObject);
  const sidecar = all.find((c) => c.name === 'istio-proxy');
  if (!sidecar || !isJsonObject(sidecar.securityContext)) return pod;
  let sidecarUser = 0;
  let appUser = 0;
  for (const c of all) {
    if (c.name === 'istio-proxy') sidecarUser = runAsUser(c);
    else if (c.name !== 'istio-validation' && c.name !== 'istio-init') appUser = runAsUser(c);
  }
  if (sidecarUser !== appUser) return pod;
  const out = cloneJson(pod);
  const outSpec = out.spec as JsonObject;
  for (const key of ['containers', 'initContainers']) {
    const list = outSpec[key];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (isJsonObject(c) && c.name === 'istio-proxy' && isJsonObject(c.securityContext)) {
        delete c.securityContext.runAsUser;
        delete c.securityContext.runAsGroup;
      }
    }
  }
  return out;
}
