import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRawConfigDir } from '../../src/config/dir-source.js';
import { compileInjectionSettings } from '../../src/inject/engine.js';
import { explainPod, webhookEntries } from '../../src/inject/explain.js';
import { parseYamlDocuments } from '../../src/k8s/yaml-parse.js';
import { runCli } from '../../src/cli/main.js';

const ROOT = resolve(import.meta.dirname, '../..');
const settings = compileInjectionSettings(readRawConfigDir(resolve(ROOT, 'templates')));
const entries = webhookEntries(parseYamlDocuments(readFileSync(resolve(ROOT, 'manifests/mutatingwebhook.yaml'), 'utf8')));
const pod = (labels: Record<string, string> = {}, annotations: Record<string, string> = {}) => ({
  metadata: { name: 'web', labels: { app: 'web', ...labels }, annotations },
  spec: { containers: [{ name: 'web', image: 'nginx' }] },
});

describe('explain: the two stages of injection', () => {
  it("reads Istio's webhook set from the manifests", () => {
    expect(entries.map((e) => e.name)).toEqual([
      'rev.namespace.sidecar-injector.istio.io',
      'rev.object.sidecar-injector.istio.io',
      'namespace.sidecar-injector.istio.io',
      'object.sidecar-injector.istio.io',
    ]);
  });

  it.each([
    ['istio-injection=enabled namespace', {}, { 'istio-injection': 'enabled' }, ['namespace.sidecar-injector.istio.io'], true],
    ['istio.io/rev=default namespace', {}, { 'istio.io/rev': 'default' }, ['rev.namespace.sidecar-injector.istio.io'], true],
    ['pod label sidecar.istio.io/inject=true in a plain namespace', { 'sidecar.istio.io/inject': 'true' }, {}, ['object.sidecar-injector.istio.io'], true],
    ['pod label istio.io/rev=default in a plain namespace', { 'istio.io/rev': 'default' }, {}, ['rev.object.sidecar-injector.istio.io'], true],
    ['plain pod in a plain namespace', {}, {}, [], false],
    ['istio-injection=disabled', {}, { 'istio-injection': 'disabled' }, [], false],
    ['pod label inject=false in an enabled namespace', { 'sidecar.istio.io/inject': 'false' }, { 'istio-injection': 'enabled' }, [], false],
  ])('%s', (_n, podLabels, nsLabels, webhooks, injected) => {
    const e = explainPod(settings, entries, pod(podLabels) as never, 'shop', nsLabels);
    expect(e.webhooks).toEqual(webhooks);
    expect(e.injected !== undefined).toBe(injected);
    if (injected) expect(e.injected!.initContainers).toContain('istio-proxy');
  });

  it('never routes pods of excluded namespaces to the injector', () => {
    expect(explainPod(settings, entries, pod() as never, 'kube-system', { 'istio-injection': 'enabled' }).webhooks).toEqual([]);
  });

  it('reports the injector skipping a pod the webhook sent (annotation inject=false) and a denial', () => {
    const skipped = explainPod(settings, entries, pod({}, { 'sidecar.istio.io/inject': 'false' }) as never, 'shop', { 'istio-injection': 'enabled' });
    expect(skipped.decision).toMatchObject({ inject: false, reason: 'annotation' });
    const denied = explainPod(settings, entries, pod({}, { 'inject.istio.io/templates': 'nope' }) as never, 'shop', { 'istio-injection': 'enabled' });
    expect(denied.denied).toContain('requested template "nope" not found');
  });

  it('the CLI verb prints both stages', async () => {
    let out = '';
    const code = await runCli(['explain', '-f', '-', '-l', 'istio-injection=enabled'], {
      stdout: (s) => (out += s),
      stderr: (s) => (out += s),
      readFile: (p) => readFileSync(p, 'utf8'),
      readStdin: async () => 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n',
    });
    expect(code).toBe(0);
    expect(out).toContain('Deployment shop/web:');
    expect(out).toContain('webhook:  namespace.sidecar-injector.istio.io');
    expect(out).toContain('decision: inject');
    expect(out).toContain('initContainers istio-init, istio-proxy');
  });
});
