import { existsSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { admissionError, describeError } from '../errors.js';

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

/** How the KubeConfig was obtained, for the startup log line. */
export type KubeConfigOrigin = 'options' | 'file' | 'in-cluster' | 'KUBECONFIG' | 'default';

/**
 * Build a KubeConfig in this order: explicit server, explicit file, in-cluster ServiceAccount, $KUBECONFIG,
 * ~/.kube/config. In-cluster comes before $KUBECONFIG because a pod with both is almost always misconfigured
 * by an inherited env var, and the ServiceAccount is what RBAC was written for.
 */
export function loadKubeConfig(
  opts: KubeClientOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  fileExists: (p: string) => boolean = existsSync,
): { kc: k8s.KubeConfig; origin: KubeConfigOrigin } {
  const kc = new k8s.KubeConfig();
  try {
    if (opts.server !== undefined) {
      let url: URL;
      try {
        url = new URL(opts.server);
      } catch {
        throw new Error(`server "${opts.server}" is not a URL`);
      }
      kc.loadFromOptions({
        clusters: [
          {
            name: 'explicit',
            server: url.toString().replace(/\/$/, ''),
            skipTLSVerify: opts.skipTLSVerify ?? false,
            ...(opts.caFile !== undefined ? { caFile: opts.caFile } : {}),
          },
        ],
        users: [{ name: 'explicit', ...(opts.token !== undefined ? { token: opts.token } : {}) }],
        contexts: [{ name: 'explicit', cluster: 'explicit', user: 'explicit' }],
        currentContext: 'explicit',
      });
      return { kc, origin: 'options' };
    }
    if (opts.kubeconfigPath !== undefined) {
      if (!fileExists(opts.kubeconfigPath)) throw new Error(`kubeconfig ${opts.kubeconfigPath} does not exist`);
      kc.loadFromFile(opts.kubeconfigPath);
      if (opts.context !== undefined) kc.setCurrentContext(opts.context);
      return { kc, origin: 'file' };
    }
    const host = env['KUBERNETES_SERVICE_HOST'];
    if (host !== undefined && fileExists(SA_TOKEN)) {
      const port = env['KUBERNETES_SERVICE_PORT'] ?? '443';
      const hostPart = isIPv6(host) ? `[${host}]` : host;
      // Same shape as client-node's loadFromCluster, but from the env we were given: the tokenFile provider
      // re-reads the projected token, which the kubelet rotates hourly.
      kc.loadFromOptions({
        clusters: [{ name: 'in-cluster', server: `https://${hostPart}:${port}`, caFile: SA_CA, skipTLSVerify: false }],
        users: [{ name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile: SA_TOKEN } } }],
        contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster' }],
        currentContext: 'in-cluster',
      });
      return { kc, origin: 'in-cluster' };
    }
    const origin: KubeConfigOrigin = env['KUBECONFIG'] ? 'KUBECONFIG' : 'default';
    kc.loadFromDefault();
    if (opts.context !== undefined) kc.setCurrentContext(opts.context);
    if (kc.getCurrentCluster() === null) throw new Error('no current cluster in kubeconfig');
    return { kc, origin };
  } catch (e) {
    throw admissionError('MA700_KUBE_CONFIG', describeError(e));
  }
}

/** What went wrong in an API call, normalised across client-node's ApiException, watch errors and Status bodies. */
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

/** `@kubernetes/client-node` ObjectParam APIs for the resources this service touches. */
export interface KubeApis {
  core: k8s.CoreV1Api;
  admission: k8s.AdmissionregistrationV1Api;
  custom: k8s.CustomObjectsApi;
}

export function makeApis(kc: k8s.KubeConfig): KubeApis {
  return {
    core: kc.makeApiClient(k8s.CoreV1Api),
    admission: kc.makeApiClient(k8s.AdmissionregistrationV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
  };
}
