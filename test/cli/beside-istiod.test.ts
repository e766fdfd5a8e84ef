/**
 * overlays/beside-istiod as kubectl renders it: its webhooks select only its own revision and carry
 * nothing istiod of the default revision would rewrite.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConflicts } from '../../src/cli/precheck.js';
import { explainPod, webhookEntries } from '../../src/inject/explain.js';
import { compileInjectionSettings } from '../../src/inject/engine.js';
import { readRawConfigDir } from '../../src/config/dir-source.js';
import { parseYamlDocuments } from '../../src/k8s/yaml-parse.js';

const ROOT = resolve(import.meta.dirname, '../..');
const haveKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!haveKubectl) console.warn('beside-istiod.test: kubectl not found, overlay rendering not checked');

describe.skipIf(!haveKubectl)('overlays/beside-istiod (rendered by kubectl kustomize)', () => {
  const docs = () => parseYamlDocuments(execFileSync('kubectl', ['kustomize', resolve(ROOT, 'overlays/beside-istiod')], { encoding: 'utf8' })) as Array<Record<string, unknown>>;

  it('injects only namespaces and pods labelled istio.io/rev=mesh-admission', () => {
    const rendered = docs();
    const entries = webhookEntries(rendered);
    expect(entries.map((e) => e.name)).toEqual(['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io']);
    const settings = compileInjectionSettings(readRawConfigDir(resolve(ROOT, 'templates')));
    const pod = (labels: Record<string, string>) => ({ metadata: { name: 'p', labels }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });
    const selected = (podLabels: Record<string, string>, nsLabels: Record<string, string>) => explainPod(settings, entries, pod(podLabels) as never, 'shop', nsLabels).webhooks;
    expect(selected({}, { 'istio.io/rev': 'mesh-admission' })).toEqual(['rev.namespace.sidecar-injector.istio.io']);
    expect(selected({ 'istio.io/rev': 'mesh-admission' }, {})).toEqual(['rev.object.sidecar-injector.istio.io']);
    expect(selected({}, { 'istio-injection': 'enabled' })).toEqual([]);
    expect(selected({}, { 'istio.io/rev': 'default' })).toEqual([]);
    expect(selected({ 'sidecar.istio.io/inject': 'true' }, {})).toEqual([]);
  });

  it('carries its own revision and the ownership label, so precheck finds no conflict with a default-revision istiod', () => {
    const rendered = docs();
    const hooks = rendered.filter((d) => String(d.kind).endsWith('WebhookConfiguration'));
    for (const h of hooks) {
      expect((h.metadata as { labels: Record<string, string> }).labels).toMatchObject({ 'istio.io/rev': 'mesh-admission', 'app.kubernetes.io/managed-by': 'mesh-admission' });
    }
    const istiod = [
      { kind: 'MutatingWebhookConfiguration' as const, name: 'istio-sidecar-injector', labels: { 'istio.io/rev': 'default' }, webhooks: ['rev.namespace.sidecar-injector.istio.io', 'namespace.sidecar-injector.istio.io'] },
      { kind: 'ValidatingWebhookConfiguration' as const, name: 'istio-validator-istio-system', labels: { 'istio.io/rev': 'default' }, webhooks: ['rev.validation.istio.io'] },
    ];
    expect(findConflicts(istiod, 'mesh-admission').conflicts).toEqual([]);
    const deployment = rendered.find((d) => d.kind === 'Deployment') as { spec: { template: { spec: { containers: Array<{ args: string[] }> } } } };
    expect(deployment.spec.template.spec.containers[0]!.args.at(-1)).toBe('--revision=mesh-admission');
  });
});
