import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { MWC, VWC } from '../kube/fake-apiserver.js';
import { testTempDir } from '../tmp.js';
import { useFakeCluster } from './cluster.js';

const hooks = (...names: string[]) => names.map((name) => ({ name, clientConfig: { service: { name: 'istiod', namespace: 'istio-system' } }, sideEffects: 'None', admissionReviewVersions: ['v1'] }));
/** What `istioctl install` leaves: the default revision's injector and validator, and a tag "prod". */
const ISTIOD = [
  { kind: 'MutatingWebhookConfiguration', metadata: { name: 'istio-sidecar-injector', labels: { 'istio.io/rev': 'default' } }, webhooks: hooks('rev.namespace.sidecar-injector.istio.io', 'namespace.sidecar-injector.istio.io') },
  { kind: 'ValidatingWebhookConfiguration', metadata: { name: 'istio-validator-istio-system', labels: { 'istio.io/rev': 'default' } }, webhooks: hooks('rev.validation.istio.io') },
  { kind: 'MutatingWebhookConfiguration', metadata: { name: 'istio-revision-tag-prod', labels: { 'istio.io/rev': 'default', 'istio.io/tag': 'prod' } }, webhooks: hooks('rev.namespace.sidecar-injector.istio.io') },
];
const OURS = { kind: 'MutatingWebhookConfiguration', metadata: { name: 'mesh-admission-canary', labels: { 'istio.io/rev': 'canary', 'app.kubernetes.io/managed-by': 'mesh-admission' } }, webhooks: hooks('rev.namespace.sidecar-injector.istio.io') };

async function precheck(argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(['precheck', ...argv], { stdout: (s) => (out += s), stderr: (s) => (err += s), readFile: (p) => readFileSync(p, 'utf8'), readStdin: async () => '' });
  return { code, out, err };
}

describe('precheck against a cluster with istiod', () => {
  const cluster = useFakeCluster((f) => {
    for (const c of [...ISTIOD, OURS]) f.put(c.kind === 'MutatingWebhookConfiguration' ? MWC : VWC, c as never);
  });
  it('the default revision conflicts with istiod\'s injector and validator, not with another tag (exit 1)', async () => {
    const r = await precheck(['--kubeconfig', cluster.kubeconfig()]);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(r.out).toContain('ours:     MutatingWebhookConfiguration mesh-admission-canary (revision canary)');
    expect(r.out).toMatch(/conflict: MutatingWebhookConfiguration istio-sidecar-injector: istiod's injector of revision default; istiod rewrites the caBundle/);
    expect(r.out).toMatch(/conflict: ValidatingWebhookConfiguration istio-validator-istio-system: labelled istio.io\/rev=default/);
    expect(r.out).not.toMatch(/conflict: MutatingWebhookConfiguration istio-revision-tag-prod/);
    expect(r.out).toContain('2 conflict(s) for revision default');
  });
  it('a tag with the revision\'s name conflicts; an unrelated revision does not (exit 0)', async () => {
    const tag = await precheck(['--kubeconfig', cluster.kubeconfig(), '-r', 'prod']);
    expect(tag.code).toBe(1);
    expect(tag.out).toMatch(/conflict: MutatingWebhookConfiguration istio-revision-tag-prod: revision tag "prod"/);
    const beside = await precheck(['--kubeconfig', cluster.kubeconfig(), '-r', 'mesh-admission']);
    expect(beside.code).toBe(0);
    expect(beside.out).toContain('no conflict for revision mesh-admission among 4 webhook configuration(s)');
  });
});

describe('precheck -f', () => {
  it('reads kubectl get ... -o yaml output (a List) instead of the cluster', async () => {
    const file = join(testTempDir('precheck-'), 'hooks.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: ISTIOD }));
    const r = await precheck(['-f', file]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('2 conflict(s) for revision default');
  });
  it('names an unreadable file (exit 2)', async () => {
    const r = await precheck(['-f', '/nonexistent/hooks.yaml']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot read /nonexistent/hooks.yaml');
  });
});
