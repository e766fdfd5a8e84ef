import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { SERVER_JS, freePort, paths, readState } from '../cluster/control-plane.js';
import { localServerArgs, renderManifests } from '../cluster/deploy.js';
import { apply, describeE2e, eventually, getJson, kubectl, kubectlRun } from './kube.js';

/**
 * Scenario 6: least privilege. A second mesh-admission process (not registered as a webhook) runs as its own
 * ServiceAccount bound to a copy of the manifests' Role and ClusterRole with exactly one rule taken out; the
 * feature that rule serves must fail with a log line that names the forbidden resource. With nothing taken
 * out, it starts cleanly and logs no "forbidden" at all.
 */

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };
type RbacObj = { kind: string; metadata: { name: string; namespace?: string }; rules: Rule[] };

const NS = 'mesh-admission';
const children: ChildProcess[] = [];
let role: RbacObj;
let clusterRole: RbacObj;
let savedWebhooks: string[] = [];

function stopChildren(): void {
  // Each probe leads its own process group (tsx runs node as a child): signal the group, not just tsx.
  for (const c of children.splice(0)) {
    if (c.pid === undefined) continue;
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

const without = (rules: Rule[], index: number) => rules.filter((_, i) => i !== index);

/** ServiceAccount `name` bound to the given rules (namespaced and cluster-wide), and a kubeconfig for its token. */
function account(name: string, roleRules: Rule[], clusterRules: Rule[]): string {
  const subjects = [{ kind: 'ServiceAccount', name, namespace: NS }];
  const items = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: NS } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: NS }, rules: roleRules },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace: NS }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: clusterRules },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects },
  ];
  const r = apply({ apiVersion: 'v1', kind: 'List', items });
  if (!r.ok) throw new Error(r.stderr);
  const token = kubectl(['create', 'token', name, '-n', NS, '--duration=1h']).trim();
  const p = paths();
  const s = readState(p)!;
  const file = join(p.dir, `${name}.kubeconfig`);
  writeFileSync(
    file,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: e2e\n  cluster:\n    server: https://127.0.0.1:${s.ports.apiserver}\n    certificate-authority: ${p.pki.caCert}\nusers:\n- name: e2e\n  user:\n    token: ${token}\ncontexts:\n- name: e2e\n  context: {cluster: e2e, user: e2e}\ncurrent-context: e2e\n`,
  );
  return file;
}

interface Probe {
  output: () => string;
}

/**
 * The cert-secret probes patch the shared webhook configurations (caBundle, failurePolicy); put back what
 * `deploy` set, so each probe starts from a validator that is still `Ignore` and the main webhook works again.
 */
function restoreWebhooks(): void {
  for (const w of savedWebhooks) {
    const o = JSON.parse(w) as { metadata: Record<string, unknown> };
    delete o.metadata['resourceVersion'];
    delete o.metadata['managedFields'];
    kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], JSON.stringify(o));
  }
}

async function startProbe(kubeconfig: string, certSecret: boolean): Promise<Probe> {
  if (certSecret) restoreWebhooks();
  const p = paths();
  const deployment = renderManifests(p).find((o) => o.kind === 'Deployment')!;
  const port = await freePort();
  let args = localServerArgs(deployment, port, p.pki.webhookCert, p.pki.webhookKey);
  args = args.map((a) => (a === 'info' ? 'debug' : a));
  if (certSecret) {
    // Self-managed certificates instead of files: the Secret and webhook-configuration rules come into play.
    const i = args.indexOf('--tls-cert-file');
    args = [...args.slice(0, i), '--cert-secret', 'mesh-admission-certs', '--patch-mutating-webhook', 'mesh-admission', '--patch-validating-webhook', 'mesh-admission-validator'];
  }
  const child = spawn(process.execPath, [SERVER_JS, ...args], {
    env: { ...process.env, KUBECONFIG: kubeconfig, POD_NAMESPACE: NS, POD_NAME: 'least-privilege-probe' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { output: () => out };
}

async function expectLog(probe: Probe, pattern: RegExp): Promise<string> {
  return eventually(`a log line matching ${pattern}`, () => probe.output().split('\n').find((l) => pattern.test(l)), 60_000);
}

/** Index of the rule for `resource` (and, when given, the verb) in a rule list. */
function ruleIndex(rules: Rule[], resource: string, verb?: string): number {
  const i = rules.findIndex((r) => r.resources.includes(resource) && (verb === undefined || r.verbs.includes(verb)));
  if (i < 0) throw new Error(`no rule for ${resource} ${verb ?? ''}`);
  return i;
}

let seq = 0;
async function withoutRule(kind: 'Role' | 'ClusterRole', resource: string, verb: string | undefined, certSecret: boolean): Promise<Probe> {
  seq++;
  const name = `lp-${seq}`;
  const roleRules = kind === 'Role' ? without(role.rules, ruleIndex(role.rules, resource, verb)) : role.rules;
  const clusterRules = kind === 'ClusterRole' ? without(clusterRole.rules, ruleIndex(clusterRole.rules, resource, verb)) : clusterRole.rules;
  return startProbe(account(name, roleRules, clusterRules), certSecret);
}

describeE2e('e2e 6: least privilege', () => {
  beforeAll(() => {
    const objs = renderManifests(paths()) as unknown as RbacObj[];
    role = objs.find((o) => o.kind === 'Role')!;
    clusterRole = objs.find((o) => o.kind === 'ClusterRole')!;
    savedWebhooks = ['mutatingwebhookconfiguration', 'validatingwebhookconfiguration'].map((k) =>
      kubectl(['get', k, k.startsWith('mutating') ? 'mesh-admission' : 'mesh-admission-validator', '-o', 'json']),
    );
  });
  afterEach(stopChildren);
  afterAll(() => {
    stopChildren();
    restoreWebhooks();
    kubectlRun(['delete', 'secret', 'mesh-admission-certs', '-n', NS, '--ignore-not-found']);
  });

  it('the locally running webhook authenticates as the manifests ServiceAccount, which has no other binding', () => {
    const who = JSON.parse(kubectl(['--kubeconfig', paths().saKubeconfig, 'auth', 'whoami', '-o', 'json'])) as { status: { userInfo: { username: string } } };
    expect(who.status.userInfo.username).toBe('system:serviceaccount:mesh-admission:mesh-admission');
    const bindings = getJson<{ items: Array<{ metadata: { name: string }; subjects?: Array<{ kind: string; name: string; namespace?: string }> }> }>([
      'get',
      'clusterrolebindings,rolebindings',
      '-A',
    ]).items.filter((b) => (b.subjects ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === 'mesh-admission' && s.namespace === NS));
    expect(bindings.map((b) => b.metadata.name).sort()).toEqual(['mesh-admission', 'mesh-admission']);
  });

  it('with every rule (self-managed certificates) it starts and nothing is forbidden', async () => {
    kubectlRun(['delete', 'secret', 'mesh-admission-certs', '-n', NS, '--ignore-not-found']);
    const probe = await startProbe(account('lp-all', role.rules, clusterRole.rules), true);
    await expectLog(probe, /mesh-admission listening/);
    await expectLog(probe, /switching failurePolicy to Fail|dry-run of an invalid Gateway/);
    expect(probe.output()).not.toMatch(/forbidden/);
  });

  it('without configmaps get/list/watch the injection config cannot load', async () => {
    const probe = await withoutRule('Role', 'configmaps', 'watch', false);
    const line = await expectLog(probe, /forbidden/);
    expect(line).toMatch(/cannot list resource \\?"configmaps\\?"/);
    expect(probe.output()).not.toMatch(/mesh-admission listening/);
  });

  it('without events create the activation Event is not recorded, and the debug log says so', async () => {
    const probe = await withoutRule('Role', 'events', 'create', false);
    const line = await expectLog(probe, /event not recorded/);
    expect(line, line).toMatch(/forbidden/);
    expect(line, line).toMatch(/cannot create resource\W+events/);
  });

  it('without nodes list/watch --native-sidecars auto cannot see kubelet versions', async () => {
    const probe = await withoutRule('ClusterRole', 'nodes', 'watch', false);
    const line = await expectLog(probe, /node watch/);
    expect(line).toMatch(/cannot list resource \\?"nodes\\?"/);
  });

  it('without proxyconfigs list/watch --watch-proxyconfigs cannot read ProxyConfigs', async () => {
    const probe = await withoutRule('ClusterRole', 'proxyconfigs', 'watch', false);
    const line = await expectLog(probe, /ProxyConfig watch/);
    expect(line).toMatch(/cannot list resource \\?"proxyconfigs\\?"/);
  });

  it('without secrets create the certificate Secret cannot be made', async () => {
    kubectlRun(['delete', 'secret', 'mesh-admission-certs', '-n', NS, '--ignore-not-found']);
    const probe = await withoutRule('Role', 'secrets', 'create', true);
    const line = await expectLog(probe, /cannot create resource \\?"secrets\\?"/);
    expect(line).toMatch(/forbidden/);
  });

  it('without secrets get/update the certificate Secret cannot be read', async () => {
    const probe = await withoutRule('Role', 'secrets', 'update', true);
    const line = await expectLog(probe, /cannot get resource \\?"secrets\\?"/);
    expect(line).toMatch(/forbidden/);
  });

  it('without the mutatingwebhookconfigurations rule the caBundle cannot be kept current', async () => {
    const probe = await withoutRule('ClusterRole', 'mutatingwebhookconfigurations', undefined, true);
    await expectLog(probe, /mutatingwebhookconfigurations.*forbidden|forbidden.*mutatingwebhookconfigurations/);
  });

  it('without the validatingwebhookconfigurations rule the validator cannot be patched', async () => {
    const probe = await withoutRule('ClusterRole', 'validatingwebhookconfigurations', undefined, true);
    await expectLog(probe, /validatingwebhookconfigurations.*forbidden|forbidden.*validatingwebhookconfigurations/);
  });

  it('without gateways create the fail-closed self-check cannot run', async () => {
    const probe = await withoutRule('ClusterRole', 'gateways', 'create', true);
    await expectLog(probe, /cannot create resource \\?"gateways\\?"/);
  });
});
