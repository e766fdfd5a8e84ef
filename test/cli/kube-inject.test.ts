import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { CONFIGMAPS } from '../kube/fake-apiserver.js';
import { useFakeCluster } from './cluster.js';
import { testTempDir } from '../tmp.js';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
---
apiVersion: v1
kind: Service
metadata:
  name: web   # comments survive: not an injectable kind
spec:
  ports:
  - port: 80
`;

async function run(argv: string[], stdin = '') {
  let out = '';
  let err = '';
  const code = await runCli(['kube-inject', ...argv], {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    readFile: (p) => readFileSync(p, 'utf8'),
    readStdin: async () => stdin,
  });
  return { code, out, err };
}

describe('kube-inject CLI', () => {
  it('injects with the project templates by default, writes other documents back byte for byte, --- after each', async () => {
    const r = await run(['-f', '-'], DEPLOYMENT);
    expect(r.code).toBe(0);
    expect(r.out).toContain('name: istio-proxy');
    expect(r.out).toContain('image: docker.io/istio/proxyv2:1.28.0');
    expect(r.out).toContain('  name: web   # comments survive: not an injectable kind\n');
    expect(r.out.trimEnd().endsWith('---')).toBe(true);
    expect(r.out.match(/^---$/gm)).toHaveLength(2);
  });

  it('takes a bare template as the sidecar template, a values file and writes -o', async () => {
    const dir = testTempDir('kube-inject-');
    writeFileSync(join(dir, 'tmpl.yaml'), 'spec:\n  containers:\n  - name: istio-proxy\n    image: "{{ .Values.global.hub }}/custom:{{ .Values.global.tag }}"\n');
    writeFileSync(join(dir, 'values.json'), JSON.stringify({ global: { hub: 'my.registry', tag: 'v9' } }));
    const outFile = join(dir, 'out.yaml');
    const r = await run(['-f', '-', '--injectConfigFile', join(dir, 'tmpl.yaml'), '--valuesFile', join(dir, 'values.json'), '-o', outFile], DEPLOYMENT);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(readFileSync(outFile, 'utf8')).toContain('image: my.registry/custom:v9');
  });

  it('reports skips on stderr and still prints the workload', async () => {
    const r = await run(['-f', '-'], DEPLOYMENT.replace('labels: {app: web}\n    spec:', 'labels: {app: web, sidecar.istio.io/inject: "false"}\n    spec:'));
    expect(r.code).toBe(0);
    expect(r.err).toContain('===> Skipping injection because Deployment "shop/web" has sidecar injection disabled');
    expect(r.out).not.toContain('istio-proxy');
  });

  it("fails with Istio's message for an invalid annotation, and with usage errors", async () => {
    const bad = await run(['-f', '-'], DEPLOYMENT.replace('labels: {app: web}\n    spec:', 'labels: {app: web}\n      annotations: {traffic.sidecar.istio.io/includeOutboundIPRanges: bad}\n    spec:'));
    expect(bad.code).toBe(1);
    expect(bad.err.toLowerCase()).toContain('includeoutboundipranges');
    expect((await run([])).code).toBe(2);
    expect((await run(['-f', '/nonexistent.yaml'])).code).toBe(2);
  });
  it('a missing template names the document and where the templates came from (--injectConfigFile or the default)', async () => {
    const dir = testTempDir('kube-inject-missing-');
    const asking = DEPLOYMENT.replace('      labels: {app: web}\n', '      labels: {app: web}\n      annotations: {inject.istio.io/templates: custom}\n');
    writeFileSync(join(dir, 'cfg.yaml'), 'templates:\n  other: |\n    spec: {}\n');
    writeFileSync(join(dir, 'in.yaml'), `${asking.split('---')[1]}---\n${asking.split('---')[0]}`);
    const own = await run(['-f', join(dir, 'in.yaml'), '--injectConfigFile', join(dir, 'cfg.yaml')]);
    expect(own.code).toBe(1);
    expect(own.err).toBe(
      `Error: ${join(dir, 'in.yaml')}#1: Deployment shop/web: failed to run injection template: requested template "custom" not found; have other (the templates come from --injectConfigFile ${join(dir, 'cfg.yaml')})\n`,
    );
    const dflt = await run(['-f', '-'], asking);
    expect(dflt.code).toBe(1);
    expect(dflt.err).toMatch(/^Error: <stdin>#0: Deployment shop\/web: failed to run injection template: requested template "custom" not found; have sidecar.* \(the templates come from the default .*templates\/config; give yours with --injectConfigFile FILE\)\n$/);
  });
});

describe('kube-inject --from-cluster', () => {
  const cluster = useFakeCluster();
  const configMaps = (ns: string, suffix: string, image: string) => {
    const config = `policy: enabled\ntemplates:\n  sidecar: |\n    spec:\n      containers:\n      - name: istio-proxy\n        image: ${image}\n`;
    const fake = cluster.fake();
    fake.put(CONFIGMAPS(ns), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `istio-sidecar-injector${suffix}`, namespace: ns }, data: { config, values: '{}' } } as never);
    fake.put(CONFIGMAPS(ns), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `istio${suffix}`, namespace: ns }, data: { mesh: 'defaultConfig: {}\n' } } as never);
  };
  it('reads the injector and mesh ConfigMaps like istioctl kube-inject (-i namespace, -r revision suffix)', async () => {
    configMaps('istio-system', '', 'from.cluster/proxy:default');
    configMaps('mesh-system', '-canary', 'from.cluster/proxy:canary');
    const dflt = await run(['-f', '-', '--from-cluster', '--kubeconfig', cluster.kubeconfig()], DEPLOYMENT);
    expect(dflt.err).toBe('');
    expect(dflt.code).toBe(0);
    expect(dflt.out).toContain('image: from.cluster/proxy:default');
    const canary = await run(['-f', '-', '--from-cluster', '--kubeconfig', cluster.kubeconfig(), '-i', 'mesh-system', '-r', 'canary'], DEPLOYMENT);
    expect(canary.code).toBe(0);
    expect(canary.out).toContain('image: from.cluster/proxy:canary');
  });
  it('a missing ConfigMap is one line naming it (exit 2)', async () => {
    const r = await run(['-f', '-', '--from-cluster', '--kubeconfig', cluster.kubeconfig()], DEPLOYMENT);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/get configmap istio-system\/istio-sidecar-injector failed/);
  });
});
