import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  PROJECT_ROOT,
  SERVER_JS,
  ensureCompiled,
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

/** Certificate lives for `deploy --self-managed-certs`, as the server's flags take them. */
export interface CertLives {
  certValidity: string;
  caValidity: string;
  caOverlap: string;
  certCheckInterval: string;
}

/**
 * Short enough that a test sees serving-cert renewals (every 10 s) and a CA rotation (new CA in the bundle
 * 25.5 s after the first was made, signing 8 s later, the old one expiring at 40.5 s) within a minute.
 */
export const SHORT_CERT_LIVES: CertLives = { certValidity: '15s', caValidity: '45s', caOverlap: '8s', certCheckInterval: '1s' };

/**
 * The container args of the manifests' Deployment, adapted to a local process (flags that need a pod removed).
 * With `selfManaged`, the Deployment's own certificate flags stay (`--cert-secret`, `--patch-*-webhook`), with
 * these lives and 127.0.0.1 as an extra SAN for the URL webhook; otherwise the files `up` made are served.
 */
export function localServerArgs(deployment: Obj, port: number, certFile: string, keyFile: string, selfManaged?: CertLives): string[] {
  const spec = deployment['spec'] as { template: { spec: { containers: Array<{ args?: string[] }> } } };
  const args = [...(spec.template.spec.containers[0]?.args ?? [])];
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    // Self-managed certificates name the Service's DNS names only; a URL webhook on 127.0.0.1 needs an IP
    // SAN, so the local process serves files made by `up` and `deploy` sets caBundle itself.
    if (selfManaged === undefined && (a === '--cert-secret' || a === '--patch-mutating-webhook' || a === '--patch-validating-webhook')) {
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
  const certs =
    selfManaged === undefined
      ? ['--tls-cert-file', certFile, '--tls-key-file', keyFile]
      : [
          '--cert-validity', selfManaged.certValidity,
          '--ca-validity', selfManaged.caValidity,
          '--ca-overlap', selfManaged.caOverlap,
          '--cert-check-interval', selfManaged.certCheckInterval,
          '--cert-san', '127.0.0.1',
        ];
  return ['--host', '127.0.0.1', '--port', String(port), ...out, ...certs];
}

/** `caBundle` undefined leaves it out, for the server's own patcher to fill in. */
function pointWebhooksAt(obj: Obj, port: number, caBundle: string | undefined): Obj {
  const webhooks = obj['webhooks'] as Array<{ clientConfig: Record<string, unknown> }>;
  for (const w of webhooks) {
    const path = (w.clientConfig['service'] as { path?: string } | undefined)?.path ?? '/';
    w.clientConfig = { url: `https://127.0.0.1:${port}${path}`, ...(caBundle !== undefined ? { caBundle } : {}) };
  }
  return obj;
}

/** The value of `flag` in the Deployment's container args. */
export function deploymentArg(deployment: Obj, flag: string): string {
  const spec = deployment['spec'] as { template: { spec: { containers: Array<{ args?: string[] }> } } };
  const args = spec.template.spec.containers[0]?.args ?? [];
  const i = args.indexOf(flag);
  if (i < 0 || args[i + 1] === undefined) throw new Error(`the manifests' Deployment has no ${flag}`);
  return args[i + 1]!;
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
  // The compiled server, as the Deployment's image runs it (and ready in seconds, not the loader's tens of seconds).
  ensureCompiled();
  s.pids['mesh-admission'] = startBackground(p, 'mesh-admission', process.execPath, [SERVER_JS, ...args], {
    ...process.env,
    KUBECONFIG: p.saKubeconfig,
    POD_NAME: 'mesh-admission-local',
    POD_NAMESPACE: 'mesh-admission',
  });
  writeState(p, s);
}

/**
 * Both webhooks answer through the API server: an injected dry-run Pod and a refused dry-run Gateway. With the
 * server's `pid`, a server that exits (a refused flag) fails this at once with its log instead of at the timeout.
 */
export async function waitForWebhooks(p: Paths, logFile = join(p.logs, 'mesh-admission.log'), pid?: number): Promise<void> {
  const pod = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'webhook-probe', namespace: 'default', labels: { 'sidecar.istio.io/inject': 'true' } },
    spec: { containers: [{ name: 'app', image: 'busybox' }] },
  });
  await waitFor(
    'the injection webhook through the API server',
    () => kubectl(p, ['create', '--dry-run=server', '-o', 'json', '-f', '-'], pod).includes('"istio-proxy"'),
    120_000,
    logFile,
    pid,
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
    pid,
  );
}

/** The manifests' webhook configurations, pointed at a local process on `port`; no `caBundle` leaves it to the server. */
export function webhookConfigurations(objs: Obj[], port: number, caBundle: string | undefined): Obj[] {
  return objs.filter((o) => o.kind.endsWith('WebhookConfiguration')).map((o) => pointWebhooksAt(structuredClone(o), port, caBundle));
}

/** The files `up` made: the webhook CA as a `caBundle`. */
export const filesCaBundle = (p: Paths): string => readFileSync(p.pki.webhookCaCert).toString('base64');

export function applyWebhookConfigurations(p: Paths, webhooks: Obj[]): void {
  // Server-side apply with force: whatever patched caBundle or failurePolicy since (a self-managing server,
  // a test) loses those fields to this install again; a client-side apply would leave them alone.
  kubectl(p, ['apply', '--server-side', '--force-conflicts', '--field-manager=mesh-admission-e2e', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: webhooks }));
}

/**
 * Before a self-managing server starts, as on a first install: no certificate Secret (one left by an earlier
 * run would be adopted, with its lives) and the webhook configurations created afresh, without caBundle and with
 * the validator at the manifests' Ignore.
 */
export function freshSelfManagedInstall(p: Paths, deployment: Obj, webhooks: Obj[]): void {
  kubectl(p, ['delete', 'secret', deploymentArg(deployment, '--cert-secret'), '-n', 'mesh-admission', '--ignore-not-found']);
  for (const w of webhooks) kubectl(p, ['delete', w.kind, w.metadata.name, '--ignore-not-found']);
  applyWebhookConfigurations(p, webhooks);
}

export interface DeployOptions {
  /** Run with the Deployment's `--cert-secret` and webhook patching instead of files, with these lives. */
  selfManagedCerts?: CertLives;
}

export async function deploy(opts: DeployOptions = {}): Promise<{ port: number }> {
  const p = paths();
  const s = readState(p);
  if (!s?.pids['kube-apiserver']) throw new Error('no cluster is up: run `npm run -s cluster -- up` first');
  applyCrds(p);
  const objs = renderManifests(p);
  const port = s.ports.webhook ?? (await freePort());
  s.ports.webhook = port;
  const selfManaged = opts.selfManagedCerts;
  const deployment = objs.find((o) => o.kind === 'Deployment');
  if (!deployment) throw new Error('manifests/ render no Deployment');
  // Namespace, ServiceAccount and RBAC first: the process needs its token before the webhooks go live.
  const first = objs.filter((o) => o.kind !== 'Deployment' && !o.kind.endsWith('WebhookConfiguration'));
  kubectl(p, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...first, fakeNode('e2e-node', 'v1.37.2')] }));
  writeServiceAccountKubeconfig(p, s, serviceAccountToken(p));
  await stopComponent(p, s, 'mesh-admission');
  if (selfManaged === undefined) {
    startWebhook(p, s, localServerArgs(deployment, port, p.pki.webhookCert, p.pki.webhookKey));
    applyWebhookConfigurations(p, webhookConfigurations(objs, port, filesCaBundle(p)));
  } else {
    // The configurations exist before the server, which then fills in caBundle and promotes the validator.
    freshSelfManagedInstall(p, deployment, webhookConfigurations(objs, port, undefined));
    startWebhook(p, s, localServerArgs(deployment, port, p.pki.webhookCert, p.pki.webhookKey, selfManaged));
  }
  writeState(p, s);
  await waitForWebhooks(p, undefined, s.pids['mesh-admission']);
  return { port };
}
