import { clonePod, findSidecar, objectList, type EnvVar, type Pod } from './pod.js';

/** URL path keys Istio maps to proxy env names (webhook.go `URLParameterToEnv`); others are upper-cased. */
export const URL_PARAMETER_TO_ENV: Readonly<Record<string, string>> = {
  cluster: 'ISTIO_META_CLUSTER_ID',
  net: 'ISTIO_META_NETWORK',
};

const SLASH_ESCAPE = '--slash--';
const LEGACY_SEPARATOR = ':ENV:';

/** The raw key/value sequence of an inject path, before key mapping. */
function pathTokens(path: string): string[] {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  // Istio splits into at most 3 parts: "", the handler segment, and everything after it.
  const first = trimmed.indexOf('/');
  const second = first < 0 ? -1 : trimmed.indexOf('/', first + 1);
  if (second < 0) return [];
  const rest = trimmed.slice(second + 1);
  if (rest.startsWith(LEGACY_SEPARATOR)) {
    // Deprecated `:ENV:name=value` form: a name is required, an empty value is allowed, and no
    // --slash-- unescaping happens because values may carry real slashes here.
    const out: string[] = [];
    for (const pair of rest.split(LEGACY_SEPARATOR).slice(1)) {
      const eq = pair.indexOf('=');
      if (eq > 0) out.push(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return out;
  }
  return rest.split('/').map((v, i) => (i % 2 === 1 ? v.split(SLASH_ESCAPE).join('/') : v));
}

/**
 * Istio's `parseInjectEnvs`: `/inject/cluster/c1/net/n1` → {ISTIO_META_CLUSTER_ID: c1,
 * ISTIO_META_NETWORK: n1}. A trailing key without a value is ignored, as is an empty key.
 * Pass the already URL-decoded path.
 */
export function parseInjectPath(path: string): Record<string, string> {
  const tokens = pathTokens(path);
  const envs: Record<string, string> = {};
  for (let i = 0; i + 1 < tokens.length; i += 2) {
    const key = tokens[i]!;
    const env = Object.hasOwn(URL_PARAMETER_TO_ENV, key) ? URL_PARAMETER_TO_ENV[key]! : key.toUpperCase();
    if (env !== '') envs[env] = tokens[i + 1]!;
  }
  return envs;
}

/**
 * Istio's `overwriteClusterInfo`: on the istio-proxy container, drop every env named in `envs`
 * and append the pairs sorted by name, so URL parameters beat whatever the template rendered.
 * A pod without istio-proxy, or empty `envs`, comes back unchanged (as a copy).
 */
export function overwriteClusterInfo(pod: Pod, envs: Readonly<Record<string, string>>): Pod {
  const out = clonePod(pod);
  const names = Object.keys(envs);
  const sidecar = findSidecar(out);
  if (!sidecar || names.length === 0) return out;
  const kept = objectList<EnvVar>(sidecar.env).filter((e) => !Object.hasOwn(envs, e.name));
  const added = names.sort().map((name): EnvVar => ({ name, value: envs[name]! }));
  sidecar.env = [...kept, ...added];
  return out;
}
