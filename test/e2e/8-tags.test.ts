import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI_JS, paths } from '../cluster/control-plane.js';
import { createNamespace, deleteNamespace, describeE2e, getJson, kubectl, kubectlRun, uniqueName, type PodLike } from './kube.js';

/**
 * Revision tags against the real API server: `tag set prod --revision default` makes namespaces labelled
 * istio.io/rev=prod injected by the default revision; `tag list` shows it; `tag remove` refuses while a
 * namespace uses it and removes it when told to.
 */

function tag(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI_JS, 'tag', ...args, '--kubeconfig', paths().kubeconfig], {
    encoding: 'utf8',
  });
}

let ns = '';
let n = 0;
function createPod(): PodLike {
  n++;
  return JSON.parse(
    kubectl(['create', '-o', 'json', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `t${n}`, namespace: ns }, spec: { containers: [{ name: 'app', image: 'busybox' }] } })),
  ) as PodLike;
}
const hasProxy = (p: PodLike): boolean => [...(p.spec.initContainers ?? []), ...p.spec.containers].some((c) => c.name === 'istio-proxy');

describeE2e('e2e 8: revision tags', () => {
  beforeAll(async () => {
    ns = uniqueName('tagged');
    await createNamespace(ns, { 'istio.io/rev': 'prod' });
  });
  afterAll(() => {
    kubectlRun(['delete', 'mutatingwebhookconfiguration', 'istio-revision-tag-prod', '--ignore-not-found']);
    deleteNamespace(ns);
  });

  it('a namespace labelled with a tag that does not exist yet is not injected', () => {
    expect(hasProxy(createPod())).toBe(false);
  });

  it('tag set points the tag at the revision: the namespace is injected by it, with its caBundle', () => {
    const r = tag('set', 'prod', '--revision', 'default');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('MutatingWebhookConfiguration istio-revision-tag-prod created');
    const cfg = getJson<{ metadata: { labels: Record<string, string> }; webhooks: Array<{ name: string; clientConfig: { caBundle?: string } }> }>([
      'get', 'mutatingwebhookconfiguration', 'istio-revision-tag-prod', '-o', 'json',
    ]);
    expect(cfg.metadata.labels).toMatchObject({ 'istio.io/tag': 'prod', 'istio.io/rev': 'default', 'app.kubernetes.io/managed-by': 'mesh-admission' });
    expect(cfg.webhooks.map((w) => w.name)).toEqual(['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io']);
    const revision = getJson<{ webhooks: Array<{ clientConfig: { caBundle?: string } }> }>(['get', 'mutatingwebhookconfiguration', 'mesh-admission', '-o', 'json']);
    expect(cfg.webhooks[0]!.clientConfig.caBundle).toBe(revision.webhooks[0]!.clientConfig.caBundle);
    const pod = createPod();
    expect(hasProxy(pod)).toBe(true);
    expect(pod.metadata.annotations?.['sidecar.istio.io/status']).toBeDefined();
  });

  it('tag set again without --overwrite is refused; tag list shows the tag, its revision and the namespace', () => {
    const again = tag('set', 'prod', '--revision', 'default');
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('revision tag "prod" already exists (pointing at revision default); use --overwrite');
    const list = tag('list');
    expect(list.status).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^TAG\s+REVISION\s+NAMESPACES$/);
    expect(list.stdout).toMatch(new RegExp(`^prod\\s+default\\s+${ns}$`, 'm'));
  });

  it('tag remove refuses while the namespace uses the tag, then removes it with --skip-confirmation', () => {
    const refused = tag('remove', 'prod');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`still used by namespace(s) ${ns}`);
    expect(kubectlRun(['get', 'mutatingwebhookconfiguration', 'istio-revision-tag-prod']).ok).toBe(true);
    const removed = tag('remove', 'prod', '--skip-confirmation');
    expect(removed.status).toBe(0);
    expect(kubectlRun(['get', 'mutatingwebhookconfiguration', 'istio-revision-tag-prod']).ok).toBe(false);
    expect(hasProxy(createPod())).toBe(false);
  });
});
