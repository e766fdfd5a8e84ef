import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI_JS, paths } from '../cluster/control-plane.js';
import { apply, createNamespace, deleteNamespace, describeE2e, kubectl, kubectlRun, uniqueName } from './kube.js';

/**
 * The upgrade audit, `validate --from-cluster` without -f, against resources the real API server stores. An
 * object the current rules refuse can only be in etcd if it got there past the webhook (an older version's
 * rules, or a webhook that was off), so the test stores one while the validator skips objects with a label.
 */

const VWC = ['validatingwebhookconfiguration', 'mesh-admission-validator'];
let ns = '';

function validate(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI_JS, 'validate', '--from-cluster', ...args, '--kubeconfig', paths().kubeconfig], {
    encoding: 'utf8',
  });
}

const vs = (name: string, hosts: string[], labels: Record<string, string> = {}) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: ns, labels },
  spec: { hosts, http: [{ route: [{ destination: { host: 'reviews' } }] }] },
});

describeE2e('e2e 9: validate --from-cluster audits the stored Istio resources', () => {
  beforeAll(async () => {
    ns = uniqueName('audit');
    await createNamespace(ns);
    expect(apply(vs('fine', ['reviews'])).ok).toBe(true);
    // Let objects labelled e2e-audit=bypass past the validator for a moment, as an older install would have.
    const selector = { matchExpressions: [{ key: 'e2e-audit', operator: 'DoesNotExist' }] };
    kubectl(['patch', ...VWC, '--type=json', '-p', JSON.stringify([{ op: 'add', path: '/webhooks/0/objectSelector', value: selector }])]);
    try {
      const stored = apply(vs('dup-hosts', ['reviews', 'reviews'], { 'e2e-audit': 'bypass' }));
      expect(stored.stderr).toBe('');
      expect(stored.ok).toBe(true);
    } finally {
      kubectl(['patch', ...VWC, '--type=json', '-p', JSON.stringify([{ op: 'remove', path: '/webhooks/0/objectSelector' }])]);
    }
  });
  afterAll(() => {
    kubectlRun(['patch', ...VWC, '--type=json', '-p', JSON.stringify([{ op: 'remove', path: '/webhooks/0/objectSelector' }])]);
    deleteNamespace(ns);
  });

  it('lists the stored resource its next update would be refused for, with Istio\'s message, and exits 1', () => {
    const r = validate('-n', ns);
    expect(r.stderr).toContain(`Error: cluster: VirtualService ${ns}/dup-hosts is invalid: configuration is invalid: duplicate hosts in virtual service: reviews & reviews`);
    expect(r.stderr).not.toContain(`${ns}/fine`);
    expect(r.stdout).toBe(`2 stored resource(s) in namespace ${ns}: 1 pass the current rules, 1 would be refused on their next update\n`);
    expect(r.status).toBe(1);
    // The audit is right: the API server now refuses an update of it.
    const update = apply(vs('dup-hosts', ['reviews', 'reviews'], { 'e2e-audit': 'bypass', touched: 'yes' }));
    expect(update.ok).toBe(false);
    expect(update.stderr).toContain('duplicate hosts in virtual service');
  });

  it('all namespaces by default; fixing the resource clears the audit', () => {
    expect(validate().stderr).toContain(`VirtualService ${ns}/dup-hosts is invalid`);
    expect(apply(vs('dup-hosts', ['reviews'], { 'e2e-audit': 'bypass' })).ok).toBe(true);
    const r = validate('-n', ns);
    expect(r.stdout).toBe(`2 stored resource(s) in namespace ${ns}: 2 pass the current rules, 0 would be refused on their next update\n`);
    expect(r.status).toBe(0);
  });
});
