import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readRawConfigDir } from '../../src/config/dir-source.js';
import { compileInjectionSettings } from '../../src/inject/engine.js';
import { applyPatch } from '../../src/inject/patch.js';
import { injectAdmission } from '../../src/inject/webhook.js';
import { PROJECT_ROOT } from '../cluster/control-plane.js';
import { apply, containerNames, createNamespace, deleteNamespace, describeE2e, eventually, getJson, kubectl, uniqueName, type PodLike } from './kube.js';

/**
 * Scenario 1: automatic injection when the controller-manager creates a Deployment's Pod. The API server
 * picks the webhook by its selectors, calls it over TLS, applies the JSON Patch and stores the result.
 */

const namespaces: string[] = [];
afterAll(() => namespaces.forEach(deleteNamespace));

function deployment(namespace: string, podLabels: Record<string, string> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web', ...podLabels } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

/** The pod the ReplicaSet controller created for Deployment `web`, once it exists. */
async function podOf(namespace: string): Promise<PodLike> {
  return eventually(`a pod of Deployment ${namespace}/web`, () => {
    const list = getJson<{ items: PodLike[] }>(['get', 'pods', '-n', namespace, '-l', 'app=web']);
    return list.items[0];
  });
}

async function deployInNamespace(labels: Record<string, string>, podLabels: Record<string, string> = {}): Promise<PodLike> {
  const ns = uniqueName('inj');
  namespaces.push(ns);
  await createNamespace(ns, labels);
  const r = apply(deployment(ns, podLabels));
  expect(r.stderr).toBe('');
  return podOf(ns);
}

/** What the project's own engine makes of the same pod offline, with the settings `deploy` installed. */
function engineInjects(stored: PodLike): PodLike {
  const raw = readRawConfigDir(join(PROJECT_ROOT, 'manifests/templates'), join(PROJECT_ROOT, 'manifests/mesh.yaml'));
  const settings = compileInjectionSettings(raw, { revision: 'default', nativeSidecars: true });
  const owner = stored.metadata.ownerReferences?.[0];
  const rs = getJson<{ spec: { template: { metadata: Record<string, unknown>; spec: Record<string, unknown> } }; metadata: Record<string, unknown> }>([
    'get',
    'replicaset',
    owner!.name,
    '-n',
    stored.metadata.namespace,
  ]);
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...rs.spec.template.metadata, generateName: `${owner!.name}-`, namespace: stored.metadata.namespace, ownerReferences: stored.metadata.ownerReferences },
    spec: rs.spec.template.spec,
  };
  const d = injectAdmission(settings, { uid: 'offline', namespace: stored.metadata.namespace, object: pod }, '/inject', { nativeSidecars: () => true });
  expect(d.allowed).toBe(true);
  return applyPatch(pod, (d.patch ?? []) as never) as unknown as PodLike;
}

const shape = (p: PodLike) =>
  [...(p.spec.initContainers ?? []), ...p.spec.containers].map((c) => ({ name: c.name, image: c.image, args: c.args, restartPolicy: c.restartPolicy }));

describeE2e('e2e 1: automatic injection on pod creation', () => {
  it('a Deployment in a namespace labelled istio-injection=enabled gets istio-init and istio-proxy, as the engine says', async () => {
    const pod = await deployInNamespace({ 'istio-injection': 'enabled' });
    expect(pod.metadata.ownerReferences?.[0]?.kind).toBe('ReplicaSet');
    const names = containerNames(pod);
    // Native sidecar (the Node says kubelet v1.37): istio-proxy is an init container with restartPolicy Always.
    expect(names.init).toEqual(['istio-init', 'istio-proxy']);
    expect(names.main).toEqual(['web']);
    expect(pod.spec.initContainers?.[1]?.restartPolicy).toBe('Always');
    const expected = engineInjects(pod);
    expect(shape(pod)).toEqual(shape(expected));
    expect(JSON.parse(pod.metadata.annotations?.['sidecar.istio.io/status'] ?? '{}')).toEqual(
      JSON.parse(expected.metadata.annotations?.['sidecar.istio.io/status'] ?? '{}'),
    );
  });

  it('an unlabelled namespace gets no sidecar', async () => {
    const pod = await deployInNamespace({});
    expect(containerNames(pod)).toEqual({ init: [], main: ['web'] });
    expect(pod.metadata.annotations?.['sidecar.istio.io/status']).toBeUndefined();
  });

  it('istio.io/rev=default on the namespace injects; a revision nobody serves does not', async () => {
    const rev = await deployInNamespace({ 'istio.io/rev': 'default' });
    expect(containerNames(rev).init).toContain('istio-proxy');
    const other = await deployInNamespace({ 'istio.io/rev': 'canary' });
    expect(containerNames(other)).toEqual({ init: [], main: ['web'] });
  });

  it('the pod label sidecar.istio.io/inject: "false" opts out in a labelled namespace', async () => {
    const pod = await deployInNamespace({ 'istio-injection': 'enabled' }, { 'sidecar.istio.io/inject': 'false' });
    expect(containerNames(pod)).toEqual({ init: [], main: ['web'] });
  });

  it('the pod label sidecar.istio.io/inject: "true" opts in from an unlabelled namespace', async () => {
    const pod = await deployInNamespace({}, { 'sidecar.istio.io/inject': 'true' });
    expect(containerNames(pod).init).toContain('istio-proxy');
  });

  it('a pod in kube-system is never sent to the injector, even when it asks', () => {
    const name = uniqueName('sys');
    const created = kubectl(
      ['create', '-o', 'json', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'kube-system', labels: { 'sidecar.istio.io/inject': 'true' } },
        spec: { containers: [{ name: 'app', image: 'busybox' }] },
      }),
    );
    kubectl(['delete', 'pod', name, '-n', 'kube-system', '--wait=false']);
    expect(containerNames(JSON.parse(created) as PodLike)).toEqual({ init: [], main: ['app'] });
  });
});
