/**
 * Ties the RBAC in manifests/ to what the code really sends: run the in-cluster control loops against the fake
 * API server, map every recorded request to (verb, resource, name), and check the Role/ClusterRole allow it.
 * A new API call without a matching RBAC rule fails here instead of with 403s in a cluster.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { FakeApiServer, MWC, VWC, CONFIGMAPS, GATEWAYS, type RecordedRequest } from '../kube/fake-apiserver.js';
import { startManagedTls, type ManagedTls } from '../../src/kube/managed-tls.js';
import { ConfigHolder } from '../../src/config/holder.js';
import { watchInjectConfigMaps, type ConfigMapSource } from '../../src/config/configmap-source.js';
import { startNodeCache, type NodeCache } from '../../src/kube/node-cache.js';
import { eventRecorder } from '../../src/kube/events.js';
import { startProxyConfigCache, type ProxyConfigCache } from '../../src/kube/proxyconfig-cache.js';
import { MANAGED_TLS_NAMES, until, useFakeApiServer } from '../kube/harness.js';

const MANIFESTS = resolve(import.meta.dirname, '../../manifests');

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

function rulesOf(kind: 'Role' | 'ClusterRole'): Rule[] {
  const docs = parseAllDocuments(readFileSync(join(MANIFESTS, 'rbac.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string; rules?: Rule[] });
  return docs.find((d) => d.kind === kind)!.rules!;
}

interface Access {
  verb: string;
  group: string;
  resource: string;
  namespace: string | undefined;
  name: string | undefined;
}

function accessOf(r: RecordedRequest): Access {
  const parts = r.path.split('/').filter(Boolean);
  let rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3);
  const group = parts[0] === 'api' ? '' : parts[1]!;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const resource = rest[0]!;
  let name = rest[1];
  let verb: string;
  switch (r.method) {
    case 'GET':
      verb = name !== undefined ? 'get' : r.query.get('watch') === 'true' ? 'watch' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    default:
      verb = r.method.toLowerCase();
  }
  // The authorizer treats list/watch with a metadata.name field selector as a request for that name.
  const fs = /^metadata\.name=(.+)$/.exec(r.query.get('fieldSelector') ?? '');
  if (name === undefined && fs) name = fs[1];
  return { verb, group, resource, namespace, name };
}

function allowed(a: Access): boolean {
  const rules = a.namespace === 'mesh-admission' ? [...rulesOf('Role'), ...rulesOf('ClusterRole')] : rulesOf('ClusterRole');
  return rules.some(
    (r) =>
      r.apiGroups.includes(a.group) &&
      r.resources.includes(a.resource) &&
      r.verbs.includes(a.verb) &&
      (r.resourceNames === undefined || (a.name !== undefined && r.resourceNames.includes(a.name))),
  );
}

let fake: FakeApiServer;
let tls: ManagedTls | undefined;
let cms: ConfigMapSource | undefined;
let nodes: NodeCache | undefined;
let pcs: ProxyConfigCache | undefined;
useFakeApiServer((f) => (fake = f), () => {
  tls?.stop();
  cms?.close();
  nodes?.stop();
  pcs?.stop();
});


describe('RBAC in manifests/ covers every API call the server makes', () => {
  it('allows the certificate, patcher and ConfigMap loops, and nothing broader is needed', async () => {
    fake.put(MWC, {
      metadata: { name: 'mesh-admission', labels: { 'istio.io/rev': 'default', 'app.kubernetes.io/managed-by': 'mesh-admission' } },
      webhooks: [{ name: 'namespace.sidecar-injector.istio.io', clientConfig: {} }],
    });
    fake.put(VWC, {
      metadata: { name: 'mesh-admission-validator', labels: { 'istio.io/rev': 'default', 'app.kubernetes.io/managed-by': 'mesh-admission' } },
      webhooks: [{ name: 'validation.istio.io', failurePolicy: 'Ignore', clientConfig: {} }],
    });
    // An existing invalid-gateway forces the get + dry-run update path of the readiness check too.
    fake.put(GATEWAYS('mesh-admission'), { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'invalid-gateway' }, spec: {} });
    fake.put(CONFIGMAPS('mesh-admission'), { metadata: { name: 'mesh-admission-inject' }, data: { config: 'x', values: '{}' } });
    fake.put(CONFIGMAPS('mesh-admission'), { metadata: { name: 'mesh-admission-mesh' }, data: { mesh: '' } });
    fake.admission = ({ path }) => (path.resource === 'gateways' ? { code: 400, message: 'admission webhook "x" denied the request: bad' } : undefined);

    const holder = new ConfigHolder({ build: () => 1 });
    cms = watchInjectConfigMaps(holder, {
      kc: fake.kubeConfig(),
      inject: { namespace: 'mesh-admission', name: 'mesh-admission-inject' },
      mesh: { namespace: 'mesh-admission', name: 'mesh-admission-mesh', key: 'mesh' },
    });
    await cms.initial;
    tls = await startManagedTls({
      kc: fake.kubeConfig(),
      ...MANAGED_TLS_NAMES,
      onMaterial: () => undefined,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    // Reload outcomes are recorded as Events on the injector ConfigMap.
    const recordEvent = eventRecorder(fake.kubeConfig(), 'mesh-admission', (e) => {
      throw e;
    });
    await recordEvent({ kind: 'ConfigMap', namespace: 'mesh-admission', name: 'mesh-admission-inject' }, 'Normal', 'ConfigurationActivated', 'live');
    // The Deployment runs with --native-sidecars auto, which watches nodes.
    nodes = startNodeCache(fake.kubeConfig());
    await nodes.synced;
    // ... and --watch-proxyconfigs, which watches ProxyConfig resources in every namespace.
    pcs = startProxyConfigCache(fake.kubeConfig());
    await pcs.synced;
    await until(() => tls!.patcherStatus()?.failCloseReady === true && fake.openWatchCount() === 6);
    await until(() => fake.requests.filter((r) => r.method === 'PATCH').length >= 2);

    const accesses = fake.requests.map(accessOf);
    const verbs = new Set(accesses.map((a) => `${a.verb} ${a.resource}`));
    // The scenario really exercised each kind of call.
    for (const v of [
      'get secrets',
      'create secrets',
      'list configmaps',
      'watch configmaps',
      'list mutatingwebhookconfigurations',
      'watch validatingwebhookconfigurations',
      'patch mutatingwebhookconfigurations',
      'patch validatingwebhookconfigurations',
      'create gateways',
      'get gateways',
      'update gateways',
      'list nodes',
      'list proxyconfigs',
      'create events',
    ]) {
      expect(verbs, v).toContain(v);
    }
    const denied = accesses.filter((a) => !allowed(a));
    expect(denied).toEqual([]);
  });
});
