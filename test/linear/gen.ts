/**
 * Generators of large but plausible admission inputs, one per dimension the doubling tests
 * exercise. Each takes an item count n and returns an object whose size grows linearly in n.
 */
import type { AdmissionRequest } from '../../src/admission/types.js';

type Obj = Record<string, unknown>;

export function istioRequest(apiVersion: string, kind: string, spec: Obj, annotations?: Record<string, string>): AdmissionRequest {
  const group = apiVersion.split('/')[0] ?? '';
  return {
    uid: 'linear',
    operation: 'CREATE',
    namespace: 'default',
    kind: { group, version: apiVersion.split('/')[1] ?? '', kind },
    object: { apiVersion, kind, metadata: { name: 'big', namespace: 'default', ...(annotations ? { annotations } : {}) }, spec },
  } as AdmissionRequest;
}

const NET = 'networking.istio.io/v1';
const SEC = 'security.istio.io/v1';

/** n http routes, each with its own prefix match and one deprecated field (one warning per route). */
export function vsHttpRoutes(n: number): AdmissionRequest {
  const http = Array.from({ length: n }, (_, i) => ({
    name: `route-${i}`,
    match: [{ uri: { prefix: `/p${i}/` } }],
    route: [{ destination: { host: `svc-${i}.default.svc.cluster.local` } }],
    mirrorPercent: 5,
  }));
  return istioRequest(NET, 'VirtualService', { hosts: ['example.com'], http });
}

/** n routes whose matches all duplicate an earlier one: Istio warns once per route ("not used"). */
export function vsDuplicateRoutes(n: number): AdmissionRequest {
  const http = Array.from({ length: n }, (_, i) => ({
    name: `dup-${i}`,
    match: [{ uri: { exact: '/same' } }],
    route: [{ destination: { host: 'svc' } }],
  }));
  return istioRequest(NET, 'VirtualService', { hosts: ['example.com'], http });
}

/** One http route with n match conditions (headers, uri, query params). */
export function vsMatches(n: number): AdmissionRequest {
  const match = Array.from({ length: n }, (_, i) => ({
    name: `m${i}`,
    uri: { prefix: `/m${i}` },
    headers: { [`x-h${i}`]: { exact: `v${i}` } },
    queryParams: { q: { exact: `${i}` } },
  }));
  return istioRequest(NET, 'VirtualService', { hosts: ['example.com'], http: [{ match, route: [{ destination: { host: 'svc' } }] }] });
}

/** n hosts, all distinct, plus n TLS SNI hosts checked against them. */
export function vsHosts(n: number): AdmissionRequest {
  const hosts = Array.from({ length: n }, (_, i) => `h${i}.example.com`);
  const sniHosts = Array.from({ length: n }, (_, i) => `h${i}.example.com`);
  return istioRequest(NET, 'VirtualService', {
    hosts,
    gateways: ['istio-system/gw'],
    tls: [{ match: [{ sniHosts }], route: [{ destination: { host: 'svc' } }] }],
  });
}

export function drSubsets(n: number): AdmissionRequest {
  const subsets = Array.from({ length: n }, (_, i) => ({
    name: `v${i}`,
    labels: { version: `v${i}`, app: 'reviews' },
    trafficPolicy: { connectionPool: { tcp: { maxConnections: 10 } } },
  }));
  return istioRequest(NET, 'DestinationRule', { host: 'reviews', subsets });
}

export function authzRules(n: number): AdmissionRequest {
  const rules = Array.from({ length: n }, (_, i) => ({
    from: [{ source: { principals: [`cluster.local/ns/default/sa/sa-${i}`], ipBlocks: [`10.${i % 250}.0.0/16`] } }],
    to: [{ operation: { methods: ['GET'], paths: [`/api/${i}/*`], ports: [`${8000 + (i % 1000)}`] } }],
    when: [{ key: 'request.headers[x-id]', values: [`${i}`] }],
  }));
  return istioRequest(SEC, 'AuthorizationPolicy', { action: 'ALLOW', rules });
}

export function seHosts(n: number): AdmissionRequest {
  const hosts = Array.from({ length: n }, (_, i) => `h${i}.example.com`);
  return istioRequest(NET, 'ServiceEntry', { hosts, ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS' });
}

export function seEndpoints(n: number): AdmissionRequest {
  const endpoints = Array.from({ length: n }, (_, i) => ({ address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, labels: { ep: `e${i}` }, ports: { http: 8080 } }));
  return istioRequest(NET, 'ServiceEntry', {
    hosts: ['svc.example.com'],
    ports: Array.from({ length: Math.min(n, 1000) }, (_, i) => ({ number: 1000 + i, name: i === 0 ? 'http' : `p${i}`, protocol: 'HTTP' })),
    resolution: 'STATIC',
    endpoints,
  });
}

export function gatewayServers(n: number): AdmissionRequest {
  const servers = Array.from({ length: n }, (_, i) => ({
    port: { number: 1000 + (i % 60000), name: `http-${i}`, protocol: 'HTTP' },
    hosts: [`ns${i}/h${i}.example.com`],
  }));
  return istioRequest(NET, 'Gateway', { selector: { istio: 'ingressgateway' }, servers });
}

export function sidecarEgress(n: number): AdmissionRequest {
  const egress = Array.from({ length: n }, (_, i) => ({
    port: { number: 1000 + (i % 60000), name: `p${i}`, protocol: 'HTTP' },
    hosts: [`ns${i}/*`],
  }));
  return istioRequest(NET, 'Sidecar', { egress });
}

// ------------------------------------------------------------------ pods

export interface PodShape {
  containers?: number;
  env?: number;
  volumes?: number;
  annotations?: number;
  ports?: number;
}

/** A pod with `containers` app containers, each with `env` variables and `ports` ports, `volumes` volumes and `annotations` annotations. */
export function pod(shape: PodShape): Obj {
  const env = Array.from({ length: shape.env ?? 2 }, (_, i) => ({ name: `VAR_${i}`, value: `value-${i}` }));
  const containers = Array.from({ length: shape.containers ?? 1 }, (_, i) => ({
    name: `app-${i}`,
    image: 'nginx:1.27',
    env,
    ports: Array.from({ length: shape.ports ?? 1 }, (_, p) => ({ containerPort: 8000 + p, name: `p${p}` })),
    ...((shape.volumes ?? 0) > 0 ? { volumeMounts: [{ name: 'v0', mountPath: '/v0' }] } : {}),
  }));
  const volumes = Array.from({ length: shape.volumes ?? 0 }, (_, i) => ({ name: `v${i}`, emptyDir: {} }));
  const annotations: Record<string, string> = {};
  for (let i = 0; i < (shape.annotations ?? 0); i++) annotations[`example.com/a${i}`] = `value-${i}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'big', namespace: 'default', labels: { app: 'big' }, annotations },
    spec: { containers, volumes },
  };
}

export function podRequest(p: Obj): AdmissionRequest {
  return { uid: 'linear', operation: 'CREATE', namespace: 'default', kind: { group: '', version: 'v1', kind: 'Pod' }, object: p } as AdmissionRequest;
}

/** Size in bytes of the AdmissionReview body carrying this request. */
export function reviewBytes(req: AdmissionRequest): number {
  return Buffer.byteLength(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: req }));
}
