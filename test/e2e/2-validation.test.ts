import { afterAll, beforeAll, expect, it } from 'vitest';
import { validateAgainstCrd } from '../../src/validate/schema/index.js';
import { validateObject } from '../../src/validate/webhook.js';
import { apply, createNamespace, deleteNamespace, describeE2e, kubectlRun, uniqueName } from './kube.js';

/**
 * Scenario 2: validation on `kubectl apply`. The API server checks the CRD schema first, then calls the
 * validating webhook; what kubectl prints (errors, warnings) is what users see.
 */

let ns = '';

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: ns, ...extra });

const valid = () => [
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: meta('reviews'),
    spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: meta('reviews'),
    spec: { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: meta('ingress'),
    spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com'] }] },
  },
  {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: meta('allow-get'),
    spec: { selector: { matchLabels: { app: 'web' } }, action: 'ALLOW', rules: [{ to: [{ operation: { methods: ['GET'] } }] }] },
  },
];

/** Each passes the CRD schema (so only the webhook can refuse it) and breaks one of Istio's Go rules. */
const invalid = () => [
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: meta('dup-hosts'),
    spec: { hosts: ['reviews', 'reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] },
  },
  { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: meta('export-mix'), spec: { host: 'reviews', exportTo: ['*', '.'] } },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: meta('bad-host'),
    spec: { servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['ns/bad_host'] }] },
  },
  {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: meta('bad-dry-run', { annotations: { 'istio.io/dry-run': 'maybe' } }),
    spec: { action: 'ALLOW' },
  },
];

const get = (o: { kind: string; metadata: { name: string } }) => kubectlRun(['get', o.kind.toLowerCase(), o.metadata.name, '-n', ns]);

describeE2e('e2e 2: validation on kubectl apply', () => {
  beforeAll(async () => {
    ns = uniqueName('val');
    await createNamespace(ns);
  });
  afterAll(() => deleteNamespace(ns));

  it('stores a valid VirtualService, DestinationRule, Gateway and AuthorizationPolicy', () => {
    for (const o of valid()) {
      const r = apply(o);
      expect(r.ok, `${o.kind}: ${r.stderr}`).toBe(true);
      expect(r.stdout).toContain('created');
      expect(get(o).ok).toBe(true);
    }
  });

  it("refuses invalid ones with Istio's message in kubectl's error, and stores nothing", () => {
    for (const o of invalid()) {
      const offline = validateObject(o);
      expect(offline.allowed, `${o.kind} should be invalid offline too`).toBe(false);
      expect(validateAgainstCrd(o).errors, `${o.kind} should pass the CRD schema`).toEqual([]);
      const r = apply(o);
      expect(r.ok).toBe(false);
      expect(r.stderr).toContain('admission webhook "validation.istio.io" denied the request');
      // The first line of the offline message: multi-error messages are the same text with tabs and newlines.
      expect(r.stderr).toContain(offline.message!.split('\n')[0]);
      expect(get(o).ok).toBe(false);
    }
  });

  it('warnings reach kubectl as "Warning:" lines', () => {
    const o = {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: meta('empty-selector'),
      spec: { selector: {}, action: 'ALLOW' },
    };
    const offline = validateObject(o);
    expect(offline.warnings.length).toBeGreaterThan(0);
    const r = apply(o);
    expect(r.ok, r.stderr).toBe(true);
    for (const w of offline.warnings) expect(r.stderr).toContain(`Warning: ${w}`);
  });

  it('--dry-run=server runs the webhook but stores nothing', () => {
    const good = { ...valid()[0]!, metadata: meta('dry-run-only') };
    const r = apply(good, ['--dry-run=server']);
    expect(r.ok, r.stderr).toBe(true);
    expect(r.stdout).toContain('(server dry run)');
    expect(get(good).ok).toBe(false);
    const bad = apply(invalid()[0]!, ['--dry-run=server']);
    expect(bad.ok).toBe(false);
    expect(bad.stderr).toContain('duplicate hosts in virtual service');
  });
});
