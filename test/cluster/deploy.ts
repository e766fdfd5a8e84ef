import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  PROJECT_ROOT,
  freePort,
  kubectl,
  paths,
  readState,
  startBackground,
  stopComponent,
  waitFor,
  writeServiceAccountKubeconfig,
  writeState,
  type ClusterState,
  type Paths,
} from './control-plane.js';

/**
 * `deploy`: what `kubectl apply -k manifests/` installs, except that mesh-admission runs as a local process
 * (the Deployment has no image to run here) and the webhook configurations point at it by URL.
 */

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

export function conformanceDir(): string {
  return resolve(process.env['MESH_ADMISSION_CONFORMANCE'] ?? join(PROJECT_ROOT, '../shared/conformance'));
}

export const CRD_FILE = (): string => join(conformanceDir(), 'istio-validation/crds/crd-all.gen.yaml');

export function renderManifests(p: Paths): Obj[] {
  const text = kubectl(p, ['kustomize', join(PROJECT_ROOT, 'manifests')]);
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => o !== null);
}

/** The container args of the manifests' Deployment, adapted to a local process (flags that need a pod removed). */
export function localServerArgs(deployment: Obj, port: number, certFile: string, keyFile: string): string[] {
  const spec = deployment['spec'] as { template: { spec: { containers: Array<{ args?: string[] }> } } };
  const args = [...(spec.template.spec.containers[0]?.args ?? [])];
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    // Self-managed certificates name the Service's DNS names only; a URL webhook on 127.0.0.1 needs an IP
    // SAN, so the local process serves files made by `up` and `deploy` sets caBundle itself.
    if (a === '--cert-secret' || a === '--patch-mutating-webhook' || a === '--patch-validating-webhook') {
      i++;
      continue;
    }
    if (a === '--host' || a === '--port') {
      i++;
      continue;
    }
    // The pod reads the policy ConfigMap from its mount; the local process reads the file kustomize packs into it.
    if (a === '--injection-policy') {
      out.push(a, join(PROJECT_ROOT, 'manifests/policy/injection-policy.yaml'));
      i++;
      continue;
    }
    // Metrics on a free loopback port: the pod's 0.0.0.0:15014 is for Prometheus inside a cluster.
    if (a === '--monitoring-host' || a === '--monitoring-port') {
      out.push(a, a === '--monitoring-host' ? '127.0.0.1' : '0');
      i++;
      continue;
    }
    out.push(a);
  }
  return ['--host', '127.0.0.1', '--port', String(port), ...out, '--tls-cert-file', certFile, '--tls-key-file', keyFile];
}

function pointWebhooksAt(obj: Obj, port: number, caBundle: string): Obj {
  const webhooks = obj['webhooks'] as Array<{ clientConfig: Record<string, unknown> }>;
  for (const w of webhooks) {
    const path = (w.clientConfig['service'] as { path?: string } | undefined)?.path ?? '/';
    w.clientConfig = { url: `https://127.0.0.1:${port}${path}`, caBundle };
  }
  return obj;
}

/** A Node standing in for a kubelet: `--native-sidecars auto` decides from the nodes' kubelet versions. */
export function fakeNode(name: string, kubeletVersion: string): Obj {
  const info = ['machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion', 'kubeProxyVersion'];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    status: { nodeInfo: { ...Object.fromEntries(info.map((k) => [k, 'e2e'])), operatingSystem: 'linux', architecture: 'amd64', kubeletVersion } },
  };
}

export function applyCrds(p: Paths): void {
  kubectl(p, ['apply', '--server-side', '--force-conflicts', '-f', CRD_FILE()]);
  kubectl(p, ['wait', '--for=condition=Established', '--timeout=120s', 'crd', '--all']);
}

/** The ServiceAccount's token through the TokenRequest API, as the kubelet would project it. */
export function serviceAccountToken(p: Paths): string {
  return kubectl(p, ['create', 'token', 'mesh-admission', '-n', 'mesh-admission', '--duration=24h']).trim();
}

export function startWebhook(p: Paths, s: ClusterState, args: string[]): void {
  const tsx = join(PROJECT_ROOT, 'node_modules/.bin/tsx');
  s.pids['mesh-admission'] = startBackground(p, 'mesh-admission', tsx, [join(PROJECT_ROOT, 'src/main.ts'), ...args], {
    ...process.env,
    KUBECONFIG: p.saKubeconfig,
    POD_NAME: 'mesh-admission-local',
    POD_NAMESPACE: 'mesh-admission',
  });
  writeState(p, s);
}

/** Both webhooks answer through the API server: an injected dry-run Pod and a refused dry-run Gateway. */
export async function waitForWebhooks(p: Paths): Promise<void> {
  const pod = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'webhook-probe', namespace: 'default', labels: { 'sidecar.istio.io/inject': 'true' } },
    spec: { containers: [{ name: 'app', image: 'busybox' }] },
  });
  const logFile = join(p.logs, 'mesh-admission.log');
  await waitFor(
    'the injection webhook through the API server',
    () => kubectl(p, ['create', '--dry-run=server', '-o', 'json', '-f', '-'], pod).includes('"istio-proxy"'),
    120_000,
    logFile,
  );
  const gateway = JSON.stringify({
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'webhook-probe', namespace: 'default', annotations: { 'internal.istio.io/webhook-always-reject': 'true' } },
    spec: {},
  });
  await waitFor(
    'the validation webhook through the API server',
    () => {
      try {
        kubectl(p, ['create', '--dry-run=server', '-f', '-'], gateway);
        return false;
      } catch (e) {
        return String((e as { stderr?: unknown }).stderr).includes('denied the request');
      }
    },
    60_000,
    logFile,
  );
}

export async function deploy(): Promise<{ port: number }> {
  const p = paths();
  const s = readState(p);
  if (!s?.pids['kube-apiserver']) throw new Error('no cluster is up: run `npm run -s cluster -- up` first');
  applyCrds(p);
  const objs = renderManifests(p);
  const port = s.ports.webhook ?? (await freePort());
  s.ports.webhook = port;
  const caBundle = readFileSync(p.pki.webhookCaCert).toString('base64');
  const deployment = objs.find((o) => o.kind === 'Deployment');
  if (!deployment) throw new Error('manifests/ render no Deployment');
  const install = objs
    .filter((o) => o.kind !== 'Deployment')
    .map((o) => (o.kind === 'MutatingWebhookConfiguration' || o.kind === 'ValidatingWebhookConfiguration' ? pointWebhooksAt(o, port, caBundle) : o));
  // Namespace, ServiceAccount and RBAC first: the process needs its token before the webhooks go live.
  const first = install.filter((o) => !o.kind.endsWith('WebhookConfiguration'));
  kubectl(p, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...first, fakeNode('e2e-node', 'v1.37.2')] }));
  writeServiceAccountKubeconfig(p, s, serviceAccountToken(p));
  await stopComponent(p, s, 'mesh-admission');
  startWebhook(p, s, localServerArgs(deployment, port, p.pki.webhookCert, p.pki.webhookKey));
  writeState(p, s);
  const webhooks = install.filter((o) => o.kind.endsWith('WebhookConfiguration'));
  // Server-side apply with force: whatever patched caBundle or failurePolicy since (a self-managing server,
  // a test) loses those fields to this install again; a client-side apply would leave them alone.
  kubectl(p, ['apply', '--server-side', '--force-conflicts', '--field-manager=mesh-admission-e2e', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: webhooks }));
  await waitForWebhooks(p);
  return { port };
}
