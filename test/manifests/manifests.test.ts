import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { planMutating } from '../../src/kube/webhook-patcher.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MANIFESTS = join(ROOT, 'manifests');

// Test-local: free-form access into parsed YAML keeps the assertions readable; nothing leaves this file.
type Doc = Record<string, any>;

function loadAll(): Doc[] {
  const docs: Doc[] = [];
  for (const f of readdirSync(MANIFESTS).filter((n) => n.endsWith('.yaml') && n !== 'kustomization.yaml' && n !== 'mesh.yaml')) {
    for (const d of parseAllDocuments(readFileSync(join(MANIFESTS, f), 'utf8'))) {
      expect(d.errors, f).toEqual([]);
      const js = d.toJS() as Doc | null;
      if (js) docs.push(js);
    }
  }
  return docs;
}

const docs = loadAll();
const one = (kind: string, name?: string): Doc => {
  const found = docs.filter((d) => d['kind'] === kind && (name === undefined || d['metadata']['name'] === name));
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0]!;
};

interface Expr {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** Kubernetes label-selector semantics for matchExpressions (NotIn matches when the key is absent). */
function matches(exprs: Expr[], labels: Record<string, string>): boolean {
  return exprs.every((e) => {
    const has = e.key in labels;
    switch (e.operator) {
      case 'In':
        return has && e.values!.includes(labels[e.key]!);
      case 'NotIn':
        return !has || !e.values!.includes(labels[e.key]!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
    }
  });
}

const mwc = one('MutatingWebhookConfiguration');
const webhooks = mwc['webhooks'] as Doc[];

function selectedBy(ns: Record<string, string>, pod: Record<string, string>): string[] {
  return webhooks
    .filter((w) => matches(w['namespaceSelector'].matchExpressions, ns) && matches(w['objectSelector'].matchExpressions, pod))
    .map((w) => w['name'] as string);
}

describe('MutatingWebhookConfiguration', () => {
  it("has Istio's default-revision webhook set with the shared core block", () => {
    expect(webhooks.map((w) => w['name'])).toEqual([
      'rev.namespace.sidecar-injector.istio.io',
      'rev.object.sidecar-injector.istio.io',
      'namespace.sidecar-injector.istio.io',
      'object.sidecar-injector.istio.io',
    ]);
    for (const w of webhooks) {
      expect(w['sideEffects']).toBe('None');
      expect(w['failurePolicy']).toBe('Fail');
      expect(w['reinvocationPolicy']).toBe('Never');
      expect(w['admissionReviewVersions']).toEqual(['v1']);
      expect(w['rules']).toEqual([{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }]);
      expect(w['clientConfig']).toEqual({ service: { name: 'mesh-admission', namespace: 'mesh-admission', path: '/inject', port: 443 } });
      expect(w['timeoutSeconds']).toBeUndefined();
    }
  });

  it('routes pods the way Istio does, and never to two entries at once', () => {
    const cases: Array<[Record<string, string>, Record<string, string>, string[]]> = [
      [{ 'istio-injection': 'enabled' }, {}, ['namespace.sidecar-injector.istio.io']],
      [{ 'istio-injection': 'enabled', 'istio.io/rev': 'default' }, {}, ['namespace.sidecar-injector.istio.io']],
      [{ 'istio-injection': 'enabled' }, { 'sidecar.istio.io/inject': 'false' }, []],
      [{ 'istio-injection': 'disabled' }, { 'sidecar.istio.io/inject': 'true' }, []],
      [{ 'istio.io/rev': 'default' }, {}, ['rev.namespace.sidecar-injector.istio.io']],
      [{ 'istio.io/rev': 'canary' }, {}, []],
      [{}, { 'istio.io/rev': 'default' }, ['rev.object.sidecar-injector.istio.io']],
      [{}, { 'sidecar.istio.io/inject': 'true' }, ['object.sidecar-injector.istio.io']],
      [{}, {}, []],
    ];
    for (const [ns, pod, want] of cases) {
      expect(selectedBy({ 'kubernetes.io/metadata.name': 'apps', ...ns }, pod), JSON.stringify([ns, pod])).toEqual(want);
    }
  });

  it('never sends pods from its own namespace or kube-system', () => {
    for (const name of ['mesh-admission', 'kube-system']) {
      const ns = { 'kubernetes.io/metadata.name': name, 'istio-injection': 'enabled', 'istio.io/rev': 'default' };
      expect(selectedBy(ns, { 'sidecar.istio.io/inject': 'true', 'istio.io/rev': 'default' })).toEqual([]);
    }
  });

  it('is something the caBundle patcher recognises', () => {
    expect(mwc['metadata']['labels']['istio.io/rev']).toBe('default');
    expect(planMutating(mwc, 'default', 'Y2E=').kind).toBe('patch');
  });
});

describe('ValidatingWebhookConfiguration', () => {
  it('covers the four istio.io groups on CREATE/UPDATE at /validate, shipped fail-open', () => {
    const vwc = one('ValidatingWebhookConfiguration');
    expect(vwc['metadata']['labels']['istio.io/rev']).toBe('default');
    const [w, ...rest] = vwc['webhooks'] as Doc[];
    expect(rest).toEqual([]);
    expect(w!['failurePolicy']).toBe('Ignore');
    expect(w!['sideEffects']).toBe('None');
    expect(w!['admissionReviewVersions']).toEqual(['v1']);
    expect(w!['clientConfig']['service']).toEqual({ name: 'mesh-admission', namespace: 'mesh-admission', path: '/validate', port: 443 });
    expect(w!['rules']).toEqual([
      {
        operations: ['CREATE', 'UPDATE'],
        apiGroups: ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
        apiVersions: ['*'],
        resources: ['*'],
      },
    ]);
  });
});

describe('Deployment, Service and PodDisruptionBudget', () => {
  const dep = one('Deployment', 'mesh-admission');
  const pod = dep['spec']['template'];
  const c = pod['spec']['containers'][0] as Doc;

  it('runs 3 spread replicas of mesh-admission:latest on 15017', () => {
    expect(dep['spec']['replicas']).toBe(3);
    expect(c['image']).toBe('mesh-admission:latest');
    const args = c['args'] as string[];
    expect(args.slice(0, 4)).toEqual(['--host', '0.0.0.0', '--port', '15017']);
    expect(args[args.indexOf('--inject-configmap') + 1]).toBe('mesh-admission/mesh-admission-inject');
    expect(c['ports']).toEqual([
      { name: 'webhook', containerPort: 15017, protocol: 'TCP' },
      { name: 'http-monitoring', containerPort: 15014, protocol: 'TCP' },
    ]);
    const keys = (pod['spec']['topologySpreadConstraints'] as Doc[]).map((t) => t['topologyKey']);
    expect(keys).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expect(pod['metadata']['labels']['sidecar.istio.io/inject']).toBe('false');
  });

  const argOf = (flag: string): string | undefined => {
    const args = c['args'] as string[];
    return args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined;
  };
  const seconds = (d: string): number => (d.endsWith('ms') ? Number(d.slice(0, -2)) / 1000 : d.endsWith('s') ? Number(d.slice(0, -1)) : Number(d));

  it('serves monitoring on 15014 bound to all addresses, with scrape annotations', () => {
    expect(argOf('--monitoring-port')).toBe('15014');
    expect(argOf('--monitoring-host')).toBe('0.0.0.0');
    expect(pod['metadata']['annotations']).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '15014', 'prometheus.io/path': '/metrics' });
  });

  it('gives the drain period plus shutdown timeout room inside terminationGracePeriodSeconds', () => {
    const drain = seconds(argOf('--drain-period') ?? '5s');
    const shutdown = seconds(argOf('--shutdown-timeout') ?? '10s');
    expect(drain).toBeGreaterThan(0);
    expect(pod['spec']['terminationGracePeriodSeconds']).toBeGreaterThan(drain + shutdown);
  });

  it('probes /readyz and /healthz over HTTPS on the webhook port', () => {
    expect(c['readinessProbe']['httpGet']).toEqual({ path: '/readyz', port: 'webhook', scheme: 'HTTPS' });
    expect(c['livenessProbe']['httpGet']).toEqual({ path: '/healthz', port: 'webhook', scheme: 'HTTPS' });
  });

  it('is locked down: non-root, read-only root, no capabilities, RuntimeDefault seccomp, bounded resources', () => {
    const sc = c['securityContext'];
    expect(sc).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod['spec']['securityContext']).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c['resources']['requests']).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c['resources']['limits']).toMatchObject({ memory: expect.any(String) });
  });

  it('exposes 443 -> the webhook port and keeps at least two replicas through disruptions', () => {
    const svc = one('Service', 'mesh-admission');
    expect(svc['spec']['ports']).toEqual([
      { name: 'https-webhook', port: 443, targetPort: 'webhook', protocol: 'TCP' },
      { name: 'http-monitoring', port: 15014, targetPort: 'http-monitoring', protocol: 'TCP' },
    ]);
    expect(matches(Object.entries(svc['spec']['selector'] as Record<string, string>).map(([key, v]) => ({ key, operator: 'In', values: [v] })), pod['metadata']['labels'])).toBe(true);
    const pdb = one('PodDisruptionBudget');
    const budget = pdb['spec']['maxUnavailable'] ?? null;
    const minAvail = pdb['spec']['minAvailable'] ?? null;
    expect(budget === 1 || minAvail === 1).toBe(true);
    expect(pdb['spec']['selector']['matchLabels']).toEqual(dep['spec']['selector']['matchLabels']);
  });
});

describe('RBAC', () => {
  const role = one('Role', 'mesh-admission');
  const cr = one('ClusterRole', 'mesh-admission');
  const rules = (r: Doc): Doc[] => r['rules'] as Doc[];

  it('uses no wildcards anywhere', () => {
    for (const r of [...rules(role), ...rules(cr)]) {
      expect(r['verbs']).not.toContain('*');
      expect(r['resources']).not.toContain('*');
      expect(r['apiGroups']).not.toContain('*');
    }
  });

  it('lets the Role read ConfigMaps and manage only the certificate Secret', () => {
    expect(rules(role).find((r) => r['resources'].includes('configmaps'))!['verbs']).toEqual(['get', 'list', 'watch']);
    const named = rules(role).find((r) => r['resources'].includes('secrets') && r['resourceNames']);
    expect(named).toMatchObject({ resourceNames: ['mesh-admission-certs'], verbs: ['get', 'update'] });
    const create = rules(role).find((r) => r['resources'].includes('secrets') && !r['resourceNames']);
    expect(create!['verbs']).toEqual(['create']);
    const args = one('Deployment')['spec']['template']['spec']['containers'][0]['args'] as string[];
    expect(args[args.indexOf('--cert-secret') + 1]).toBe('mesh-admission-certs');
  });

  it('limits the ClusterRole to its own webhook configurations by name, plus the dry-run Gateway', () => {
    const vwcName = one('ValidatingWebhookConfiguration')['metadata']['name'];
    const mwcName = mwc['metadata']['name'];
    const m = rules(cr).find((r) => r['resources'].includes('mutatingwebhookconfigurations'))!;
    const v = rules(cr).find((r) => r['resources'].includes('validatingwebhookconfigurations'))!;
    for (const [r, name] of [
      [m, mwcName],
      [v, vwcName],
    ] as const) {
      expect(r['resourceNames']).toEqual([name]);
      expect(r['verbs']).toEqual(['get', 'list', 'watch', 'patch', 'update']);
    }
    expect(rules(cr).some((r) => r['apiGroups'].includes('networking.istio.io') && r['verbs'].includes('create'))).toBe(true);
    expect(cr['rules'].every((r: Doc) => !['secrets', 'pods', 'configmaps'].some((x) => r['resources'].includes(x)))).toBe(true);
  });

  it('binds both roles to the ServiceAccount the Deployment uses', () => {
    const sa = one('Deployment')['spec']['template']['spec']['serviceAccountName'];
    for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
      expect(one(kind)['subjects']).toEqual([{ kind: 'ServiceAccount', name: sa, namespace: 'mesh-admission' }]);
    }
  });
});

describe('kustomize base', () => {
  const kust = parse(readFileSync(join(MANIFESTS, 'kustomization.yaml'), 'utf8')) as Doc;

  it('lists every manifest file and generates the ConfigMaps without hash suffixes', () => {
    const files = readdirSync(MANIFESTS).filter((n) => n.endsWith('.yaml') && !['kustomization.yaml', 'mesh.yaml'].includes(n));
    expect([...(kust['resources'] as string[])].sort()).toEqual(files.sort());
    expect(kust['generatorOptions']['disableNameSuffixHash']).toBe(true);
    for (const g of kust['configMapGenerator'] as Doc[]) {
      for (const f of g['files'] as string[]) expect(existsSync(join(MANIFESTS, f.split('=')[1]!)), f).toBe(true);
    }
  });

  it('keeps manifests/templates identical to ../templates', (ctx) => {
    const src = join(ROOT, 'templates');
    if (!existsSync(join(src, 'config')) || !existsSync(join(src, 'values'))) {
      console.warn(`\n!!! manifests: SKIPPED template copy check — ${src}/{config,values} not present yet\n`);
      ctx.skip();
      return;
    }
    for (const f of ['config', 'values']) {
      expect(readFileSync(join(MANIFESTS, 'templates', f), 'utf8'), `${f} differs: run manifests/sync-templates.sh`).toBe(
        readFileSync(join(src, f), 'utf8'),
      );
    }
  });

  it('renders with `kubectl kustomize` into namespaced objects', (ctx) => {
    const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', env: { ...process.env, KUBECONFIG: '/nonexistent' } });
    if (probe.error !== undefined || probe.status !== 0) {
      console.warn('\n!!! manifests: SKIPPED kubectl kustomize render — kubectl not found\n');
      ctx.skip();
      return;
    }
    const out = execFileSync('kubectl', ['kustomize', MANIFESTS], {
      encoding: 'utf8',
      env: { ...process.env, KUBECONFIG: '/nonexistent' },
    });
    const rendered = parseAllDocuments(out).map((d) => d.toJS() as Doc);
    const kinds = rendered.map((d) => `${d['kind']}/${d['metadata']['name']}`).sort();
    expect(kinds).toEqual(
      [
        'ClusterRole/mesh-admission',
        'ClusterRoleBinding/mesh-admission',
        'ConfigMap/mesh-admission-inject',
        'ConfigMap/mesh-admission-mesh',
        'ConfigMap/mesh-admission-policy',
        'Deployment/mesh-admission',
        'MutatingWebhookConfiguration/mesh-admission',
        'Namespace/mesh-admission',
        'PodDisruptionBudget/mesh-admission',
        'Role/mesh-admission',
        'RoleBinding/mesh-admission',
        'Service/mesh-admission',
        'ServiceAccount/mesh-admission',
        'ValidatingWebhookConfiguration/mesh-admission-validator',
      ].sort(),
    );
    const clusterScoped = new Set(['ClusterRole', 'ClusterRoleBinding', 'Namespace', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);
    for (const d of rendered) {
      if (!clusterScoped.has(d['kind'])) expect(d['metadata']['namespace'], d['kind']).toBe('mesh-admission');
    }
    const inject = rendered.find((d) => d['metadata']['name'] === 'mesh-admission-inject')!;
    expect(Object.keys(inject['data']).sort()).toEqual(['config', 'values']);
    expect(inject['data']['config']).toBe(readFileSync(join(MANIFESTS, 'templates', 'config'), 'utf8'));
  });
});
