import { existsSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { admissionError, describeError } from '../errors.js';
import { connectionFromKubeconfig, defaultKubeconfigPaths, normaliseServer, readKubeconfigFiles, type KubeConnection } from './kubeconfig.js';
import { KubeClient, type Query } from './rest.js';
import type { ConfigMap, CoreEvent, KubernetesObject, Namespace, Node, ObjectList, Pod, Secret, WebhookConfiguration } from './types.js';

export { KubeClient } from './rest.js';

export interface KubeClientOptions {
  /** Explicit kubeconfig file; wins over everything but `server`. */
  kubeconfigPath?: string;
  context?: string;
  /** Explicit API server URL (with `token`), mainly for tests and out-of-cluster debugging. */
  server?: string;
  token?: string;
  skipTLSVerify?: boolean;
  caFile?: string;
}

const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const SA_CA = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';

/** How the connection was found, for the startup log line. */
export type KubeConfigOrigin = 'options' | 'file' | 'in-cluster' | 'KUBECONFIG' | 'default';

/**
 * Build a client in this order: explicit server, explicit file, in-cluster ServiceAccount, $KUBECONFIG,
 * ~/.kube/config. In-cluster comes before $KUBECONFIG because a pod with both is almost always misconfigured
 * by an inherited env var, and the ServiceAccount is what RBAC was written for.
 */
export function loadKubeConfig(
  opts: KubeClientOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  fileExists: (p: string) => boolean = existsSync,
): { kc: KubeClient; origin: KubeConfigOrigin } {
  const client = (connection: KubeConnection, origin: KubeConfigOrigin) => ({ kc: new KubeClient(connection), origin });
  try {
    if (opts.server !== undefined) {
      const connection: KubeConnection = {
        server: normaliseServer(opts.server),
        skipTLSVerify: opts.skipTLSVerify ?? false,
        auth: opts.token !== undefined ? { kind: 'token', token: opts.token } : { kind: 'none' },
      };
      if (opts.caFile !== undefined) connection.ca = readFileSync(opts.caFile);
      return client(connection, 'options');
    }
    if (opts.kubeconfigPath !== undefined) {
      if (!fileExists(opts.kubeconfigPath)) throw new Error(`kubeconfig ${opts.kubeconfigPath} does not exist`);
      return client(connectionFromKubeconfig(readKubeconfigFiles([opts.kubeconfigPath]), opts.context), 'file');
    }
    const host = env['KUBERNETES_SERVICE_HOST'];
    if (host !== undefined && fileExists(SA_TOKEN)) {
      const port = env['KUBERNETES_SERVICE_PORT'] ?? '443';
      const hostPart = isIPv6(host) ? `[${host}]` : host;
      // The token file, not its content: the kubelet rotates the projected token hourly.
      const connection: KubeConnection = { server: `https://${hostPart}:${port}`, skipTLSVerify: false, auth: { kind: 'tokenFile', path: SA_TOKEN } };
      const ca = readCa(SA_CA);
      if (ca !== undefined) connection.ca = ca;
      return client(connection, 'in-cluster');
    }
    const origin: KubeConfigOrigin = env['KUBECONFIG'] ? 'KUBECONFIG' : 'default';
    return client(connectionFromKubeconfig(readKubeconfigFiles(defaultKubeconfigPaths(env, fileExists)), opts.context), origin);
  } catch (e) {
    throw admissionError('MA700_KUBE_CONFIG', describeError(e));
  }
}

/** What went wrong in an API call, normalised across KubeApiError, watch errors and Status bodies. */
export interface ApiErrorInfo {
  code: number | undefined;
  reason: string | undefined;
  message: string;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}

export function apiErrorInfo(e: unknown): ApiErrorInfo {
  const r = record(e);
  let code: number | undefined;
  if (typeof r?.['code'] === 'number') code = r['code'];
  else if (typeof r?.['statusCode'] === 'number') code = r['statusCode'];
  let body: unknown = r?.['body'];
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // not JSON; keep the text
    }
  }
  const status = record(body);
  if (status !== undefined && typeof status['message'] === 'string') {
    return {
      code: typeof status['code'] === 'number' ? status['code'] : code,
      reason: typeof status['reason'] === 'string' ? status['reason'] : undefined,
      message: status['message'],
    };
  }
  if (typeof body === 'string' && body.length > 0) return { code, reason: undefined, message: body };
  return { code, reason: undefined, message: describeError(e) };
}


function readCa(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    // Without the ServiceAccount CA the system roots are tried; the TLS error then names the problem.
    return undefined;
  }
}

type Selectors = { labelSelector?: string; fieldSelector?: string; limit?: number; continue?: string };
type DryRun = { dryRun?: 'All' };
const JSON_PATCH = 'application/json-patch+json';
const enc = encodeURIComponent;
const pick = (q: Selectors & DryRun & Record<string, unknown>): Query => ({
  labelSelector: q.labelSelector,
  fieldSelector: q.fieldSelector,
  limit: q.limit,
  continue: q.continue,
  dryRun: q.dryRun,
});

/** Items per page of a paged LIST, as client-go's reflector asks for them. */
export const LIST_PAGE_SIZE = 500;
/** 1,000,000 items: a server that hands out `continue` tokens forever is broken, not large. */
export const LIST_MAX_PAGES = 2000;

/**
 * A LIST read in pages of LIST_PAGE_SIZE, each item reduced by `keep` as its page arrives, so that a large
 * cluster's Nodes never sit in memory whole (5,000 full Node objects are hundreds of MiB parsed). The pages of
 * one list share the first page's resourceVersion, which is where the watch resumes.
 */
export async function listInPages<T, R>(
  page: (q: { limit: number; continue?: string }) => Promise<{ items?: T[]; metadata?: { resourceVersion?: string; continue?: string } }>,
  keep: (item: T) => R,
): Promise<{ items: R[]; resourceVersion: string }> {
  const items: R[] = [];
  let resourceVersion: string | undefined;
  let token: string | undefined;
  let pages = 0;
  do {
    if (++pages > LIST_MAX_PAGES) throw new Error(`the list did not end after ${LIST_MAX_PAGES} pages of ${LIST_PAGE_SIZE}`);
    const res = await page({ limit: LIST_PAGE_SIZE, ...(token !== undefined ? { continue: token } : {}) });
    resourceVersion ??= res.metadata?.resourceVersion ?? '';
    for (const item of res.items ?? []) items.push(keep(item));
    token = res.metadata?.continue || undefined;
  } while (token !== undefined);
  return { items, resourceVersion };
}

/**
 * The calls this service makes, named as @kubernetes/client-node's ObjectParam APIs name them so the call
 * sites read like the Kubernetes API reference; each is one REST call on `kc`.
 */
export function makeApis(kc: KubeClient) {
  const core = (path: string) => `/api/v1${path}`;
  const ns = (namespace: string, plural: string, name?: string) => core(`/namespaces/${enc(namespace)}/${plural}${name !== undefined ? `/${enc(name)}` : ''}`);
  const admission = (plural: string, name?: string) => `/apis/admissionregistration.k8s.io/v1/${plural}${name !== undefined ? `/${enc(name)}` : ''}`;
  type Custom = { group: string; version: string; plural: string };
  const custom = (c: Custom & { namespace?: string; name?: string }) =>
    `/apis/${enc(c.group)}/${enc(c.version)}${c.namespace !== undefined ? `/namespaces/${enc(c.namespace)}` : ''}/${enc(c.plural)}${c.name !== undefined ? `/${enc(c.name)}` : ''}`;
  const get = <T>(path: string, query?: Query) => kc.request<T>('GET', path, query !== undefined ? { query } : {});
  const send = <T>(method: string, path: string, body: unknown, query?: Query) => kc.request<T>(method, path, { body, ...(query !== undefined ? { query } : {}) });
  const patch = <T>(path: string, ops: readonly object[]) => kc.request<T>('PATCH', path, { body: ops, contentType: JSON_PATCH });
  const webhookApis = (plural: string) => ({
    list: (q: Selectors = {}) => get<ObjectList<WebhookConfiguration>>(admission(plural), pick(q)),
    create: (p: { body: object }) => send<WebhookConfiguration>('POST', admission(plural), p.body),
    replace: (p: { name: string; body: object }) => send<WebhookConfiguration>('PUT', admission(plural, p.name), p.body),
    patch: (p: { name: string; body: readonly object[] }) => patch<WebhookConfiguration>(admission(plural, p.name), p.body),
    delete: (p: { name: string }) => kc.request<unknown>('DELETE', admission(plural, p.name)),
  });
  const mwc = webhookApis('mutatingwebhookconfigurations');
  const vwc = webhookApis('validatingwebhookconfigurations');
  return {
    core: {
      readNamespace: (p: { name: string }) => get<Namespace>(core(`/namespaces/${enc(p.name)}`)),
      listNamespace: (q: Selectors = {}) => get<ObjectList<Namespace>>(core('/namespaces'), pick(q)),
      listNode: (q: Selectors = {}) => get<ObjectList<Node>>(core('/nodes'), pick(q)),
      readNamespacedConfigMap: (p: { namespace: string; name: string }) => get<ConfigMap>(ns(p.namespace, 'configmaps', p.name)),
      listNamespacedConfigMap: (p: { namespace: string } & Selectors) => get<ObjectList<ConfigMap>>(ns(p.namespace, 'configmaps'), pick(p)),
      readNamespacedSecret: (p: { namespace: string; name: string }) => get<Secret>(ns(p.namespace, 'secrets', p.name)),
      createNamespacedSecret: (p: { namespace: string; body: Secret }) => send<Secret>('POST', ns(p.namespace, 'secrets'), p.body),
      replaceNamespacedSecret: (p: { namespace: string; name: string; body: Secret }) => send<Secret>('PUT', ns(p.namespace, 'secrets', p.name), p.body),
      createNamespacedEvent: (p: { namespace: string; body: CoreEvent }) => send<CoreEvent>('POST', ns(p.namespace, 'events'), p.body),
      readNamespacedPod: (p: { namespace: string; name: string }) => get<Pod>(ns(p.namespace, 'pods', p.name)),
      listNamespacedPod: (p: { namespace: string } & Selectors) => get<ObjectList<Pod>>(ns(p.namespace, 'pods'), pick(p)),
      listPodForAllNamespaces: (q: Selectors = {}) => get<ObjectList<Pod>>(core('/pods'), pick(q)),
    },
    admission: {
      listMutatingWebhookConfiguration: mwc.list,
      createMutatingWebhookConfiguration: mwc.create,
      replaceMutatingWebhookConfiguration: mwc.replace,
      patchMutatingWebhookConfiguration: mwc.patch,
      deleteMutatingWebhookConfiguration: mwc.delete,
      listValidatingWebhookConfiguration: vwc.list,
      createValidatingWebhookConfiguration: vwc.create,
      replaceValidatingWebhookConfiguration: vwc.replace,
      patchValidatingWebhookConfiguration: vwc.patch,
      deleteValidatingWebhookConfiguration: vwc.delete,
    },
    custom: {
      listClusterCustomObject: (p: Custom & Selectors) => get<ObjectList>(custom(p), pick(p)),
      listNamespacedCustomObject: (p: Custom & { namespace: string } & Selectors) => get<ObjectList>(custom(p), pick(p)),
      getNamespacedCustomObject: (p: Custom & { namespace: string; name: string }) => get<KubernetesObject>(custom(p)),
      createNamespacedCustomObject: (p: Custom & { namespace: string; body: object } & DryRun) => send<KubernetesObject>('POST', custom(p), p.body, pick(p)),
      replaceNamespacedCustomObject: (p: Custom & { namespace: string; name: string; body: object } & DryRun) =>
        send<KubernetesObject>('PUT', custom(p), p.body, pick(p)),
    },
  };
}

export type KubeApis = ReturnType<typeof makeApis>;
