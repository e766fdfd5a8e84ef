import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileInjectionSettings } from '../src/inject/engine.js';
import { readRawConfigDir } from '../src/config/dir-source.js';
import { normalizeAs } from '../src/k8s/normalize.js';
import type { InjectionSettings } from '../src/inject/types.js';
import type { EngineFeatures } from '../src/workers/engines.js';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * The realistic pod as the API server sends it: kube-apiserver encodes the object of an AdmissionReview from
 * its Go struct, so fields come in Go's order (the fixture file is written in a person's order).
 */
export function realisticPod(): Record<string, unknown> {
  return normalizeAs('Pod', JSON.parse(readFileSync(resolve(ROOT, 'test/fixtures/realistic-pod.json'), 'utf8'))) as Record<string, unknown>;
}

/** Istio's BenchmarkInjection case: one container carrying 2000 env vars. */
export function envHeavyPod(n = 2000): Record<string, unknown> {
  const pod = realisticPod() as { spec: { containers: Array<Record<string, unknown>> } };
  pod.spec.containers[0]!.env = Array.from({ length: n }, (_, i) => ({ name: `ENV_${i}`, value: `value-${i}` }));
  return pod;
}

export const TEMPLATES_DIR = resolve(ROOT, 'templates');

/** The server's options as the bench runs it (native sidecars on, as `npm start` without a cluster). */
export const BENCH_FEATURES: EngineFeatures = { revision: 'default', nativeSidecars: true, openshift: false, watchProxyConfigs: false, schemaValidation: false };

export function defaultSettings(): InjectionSettings {
  return compileInjectionSettings(readRawConfigDir(TEMPLATES_DIR), { revision: 'default' });
}

export function admissionReview(object: unknown, kind = { group: '', version: 'v1', kind: 'Pod' }, resource = { group: '', version: 'v1', resource: 'pods' }): string {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid: '0c9d8a57-58e3-4d6c-8f5a-3b1d2f6e7a90', kind, resource, operation: 'CREATE', namespace: 'bookinfo', object },
  });
}

export const VIRTUAL_SERVICE = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'bookinfo' },
  spec: {
    hosts: ['reviews', 'reviews.bookinfo.svc.cluster.local'],
    gateways: ['mesh', 'bookinfo/bookinfo-gateway'],
    http: [
      {
        name: 'canary',
        match: [{ headers: { 'end-user': { exact: 'jason' } }, uri: { prefix: '/api/v1' } }],
        route: [{ destination: { host: 'reviews', subset: 'v2', port: { number: 9080 } } }],
        timeout: '3s',
        retries: { attempts: 3, perTryTimeout: '1s', retryOn: 'gateway-error,connect-failure,refused-stream' },
      },
      {
        name: 'default',
        route: [
          { destination: { host: 'reviews', subset: 'v1' }, weight: 90 },
          { destination: { host: 'reviews', subset: 'v3' }, weight: 10 },
        ],
        fault: { delay: { percentage: { value: 0.1 }, fixedDelay: '5s' } },
      },
    ],
  },
};

export const AUTHORIZATION_POLICY = {
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'reviews-viewer', namespace: 'bookinfo' },
  spec: {
    selector: { matchLabels: { app: 'reviews' } },
    action: 'ALLOW',
    rules: [
      {
        from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/bookinfo-productpage'] } }],
        to: [{ operation: { methods: ['GET'], paths: ['/reviews/*'] } }],
        when: [{ key: 'request.headers[version]', values: ['v1', 'v2'] }],
      },
    ],
  },
};
