import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { parseInjectionPolicy, rulesForNamespace, isEmptyRules } from '../../src/inject/policy/rules.js';
import { parseServeOptions } from '../../src/server/options.js';

const MANIFESTS = resolve(import.meta.dirname, '../../manifests');

// Test-local: free-form access into parsed YAML keeps the assertions readable.
type Doc = Record<string, any>;

describe('manifests: the injection policy', () => {
  const deployment = parse(readFileSync(join(MANIFESTS, 'deployment.yaml'), 'utf8')) as Doc;
  const pod = deployment['spec']['template']['spec'];
  const container = pod['containers'][0];
  const kust = parse(readFileSync(join(MANIFESTS, 'kustomization.yaml'), 'utf8')) as Doc;

  it('mounts ConfigMap mesh-admission-policy and points --injection-policy at its key `policy`', () => {
    const opts = parseServeOptions(container['args'] as string[]);
    const file = opts.injectionPolicy!;
    const mount = (container['volumeMounts'] as Doc[]).find((m) => file.startsWith(`${m['mountPath']}/`))!;
    expect(mount['readOnly']).toBe(true);
    expect(file.slice(mount['mountPath'].length + 1)).toBe('policy');
    const volume = (pod['volumes'] as Doc[]).find((v) => v['name'] === mount['name'])!;
    // A whole-directory mount (no subPath): only then does the kubelet update the file in place.
    expect(mount['subPath']).toBeUndefined();
    expect(volume['configMap']['name']).toBe('mesh-admission-policy');
    const gen = (kust['configMapGenerator'] as Doc[]).find((g) => g['name'] === 'mesh-admission-policy')!;
    expect(gen['files']).toEqual(['policy=policy/injection-policy.yaml']);
  });

  it('ships a policy that parses and turns no rule on (Istio behaviour until the operator opts in)', () => {
    const policy = parseInjectionPolicy(readFileSync(join(MANIFESTS, 'policy/injection-policy.yaml'), 'utf8'), 'injection-policy.yaml');
    expect(isEmptyRules(rulesForNamespace(policy, 'default'))).toBe(true);
  });

  it('ships a commented example that parses as the documented rules', () => {
    const text = readFileSync(join(MANIFESTS, 'policy/injection-policy.yaml'), 'utf8');
    const example = text
      .split('\n')
      .filter((l) => /^# (allowedProxyImages|denyHostPathUserVolumes|denyPrivilegedProxy|maxProxyResources|namespaces|  ")/.test(l))
      .map((l) => l.slice(2).replace(/\s+#.*$/, ''))
      .join('\n');
    const policy = parseInjectionPolicy(example, 'example');
    expect(rulesForNamespace(policy, 'shop')).toMatchObject({ denyHostPathUserVolumes: true, denyPrivilegedProxy: true, allowedProxyImages: ['docker.io/istio/*', 'registry.istio.io/*'] });
    expect(rulesForNamespace(policy, 'platform-net').denyPrivilegedProxy).toBe(false);
  });
});
