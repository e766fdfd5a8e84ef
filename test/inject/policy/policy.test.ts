import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readRawConfigDir } from '../../../src/config/dir-source.js';
import { compileInjectionSettings } from '../../../src/inject/engine.js';
import { applyPatch } from '../../../src/inject/patch.js';
import { injectAdmission } from '../../../src/inject/webhook.js';
import { explainPod, webhookEntries } from '../../../src/inject/explain.js';
import { parseInjectionPolicy, rulesForNamespace } from '../../../src/inject/policy/rules.js';
import { runCli } from '../../../src/cli/main.js';
import { parseYamlDocuments } from '../../../src/k8s/yaml-parse.js';
import { testTempDir } from '../../tmp.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const settings = compileInjectionSettings(readRawConfigDir(join(ROOT, 'templates')));

/** The example policy. */
const EXAMPLE = `
allowedProxyImages: ["docker.io/istio/*", "registry.istio.io/*"]
denyHostPathUserVolumes: true
denyPrivilegedProxy: true
maxProxyResources: {cpu: "4", memory: 4Gi}
namespaces:
  "platform-*": {denyPrivilegedProxy: false}
`;
const policy = parseInjectionPolicy(EXAMPLE, 'example.yaml');

type Obj = Record<string, unknown>;
function pod(annotations: Record<string, string> = {}, spec: Obj = {}, containers: Obj[] = []): Obj {
  return {
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' }, annotations },
    spec: { containers: [{ name: 'web', image: 'nginx' }, ...containers], ...spec },
  };
}

function admit(object: Obj, withPolicy = true, namespace = 'shop') {
  const o = { ...object, metadata: { ...(object.metadata as Obj), namespace } };
  return injectAdmission(settings, { uid: 'u', namespace, object: o }, '/inject', withPolicy ? { policy } : {});
}

/** Denied with the policy, naming the cause and the rule; allowed (Istio's behaviour) without it. */
function expectDenied(object: Obj, ...fragments: string[]): string {
  const d = admit(object);
  expect(d.allowed).toBe(false);
  expect(d.reason).toBe('denied:policy');
  expect(d.message).toMatch(/^denied by the injection policy: /);
  for (const f of fragments) expect(d.message).toContain(f);
  expect(admit(object, false).allowed).toBe(true);
  return d.message!;
}

type Container = { name: string; image?: string; securityContext?: Obj; resources?: Obj; volumeMounts?: Obj[] };
function proxyOf(object: Obj): Container {
  const d = admit(object, false);
  const out = applyPatch(object, (d.patch ?? []) as never) as { spec: { containers: Container[]; initContainers?: Container[] } };
  return [...out.spec.containers, ...(out.spec.initContainers ?? [])].find((c) => c.name === 'istio-proxy')!;
}

describe('injection policy: allowed pods', () => {
  it('lets a plain pod through unchanged: the same patch as without a policy', () => {
    const withPolicy = admit(pod());
    expect(withPolicy.allowed).toBe(true);
    expect(withPolicy.patch).toEqual(admit(pod(), false).patch);
  });

  it('allows overrides inside the rules', () => {
    const ok = pod({
      'sidecar.istio.io/proxyImage': 'registry.istio.io/proxyv2:1.28.0',
      'sidecar.istio.io/proxyMemory': '1Gi',
      'sidecar.istio.io/proxyCPULimit': '4',
      'sidecar.istio.io/userVolume': '{"cache":{"emptyDir":{}}}',
      'sidecar.istio.io/userVolumeMount': '{"cache":{"mountPath":"/cache"}}',
    });
    expect(admit(ok).allowed).toBe(true);
  });
});

describe('injection policy: allowedProxyImages', () => {
  it('denies sidecar.istio.io/proxyImage outside the globs', () => {
    const p = pod({ 'sidecar.istio.io/proxyImage': 'evil.example/proxy:1' });
    expect(proxyOf(p).image).toBe('evil.example/proxy:1');
    const m = expectDenied(p, 'annotation sidecar.istio.io/proxyImage gives container istio-proxy image "evil.example/proxy:1"', 'allowedProxyImages does not allow (docker.io/istio/*, registry.istio.io/*)');
    // istio-init takes the same image from the annotation, and is named too.
    expect(m).toContain('gives container istio-init image');
  });

  it("denies the user's own istio-proxy image", () => {
    expectDenied(pod({}, {}, [{ name: 'istio-proxy', image: 'evil.example/own:1' }]), 'container istio-proxy field image gives container istio-proxy image "evil.example/own:1"');
  });

  it('names proxy.istio.io/config when its image type makes the image leave an exact allow-list', () => {
    const exact = parseInjectionPolicy('allowedProxyImages: ["docker.io/istio/proxyv2:1.28.0"]', 'p');
    const p = pod({ 'proxy.istio.io/config': 'image:\n  imageType: debug\n' });
    const d = injectAdmission(settings, { uid: 'u', namespace: 'shop', object: p }, '/inject', { policy: exact });
    expect(d.allowed).toBe(false);
    expect(d.message).toContain('annotation proxy.istio.io/config (field image) gives container istio-proxy image "docker.io/istio/proxyv2:1.28.0-debug"');
    expect(injectAdmission(settings, { uid: 'u', namespace: 'shop', object: pod() }, '/inject', { policy: exact }).allowed).toBe(true);
  });

  it('holds for the configuration too, and says so', () => {
    const strict = parseInjectionPolicy('allowedProxyImages: ["registry.istio.io/*"]', 'p');
    const d = injectAdmission(settings, { uid: 'u', namespace: 'shop', object: pod() }, '/inject', { policy: strict });
    expect(d.message).toContain('the injection configuration gives container istio-proxy image "docker.io/istio/proxyv2:1.28.0"');
  });

  it("leaves the application's images alone when a template only patches its containers", () => {
    // grpc-agent adds env and mounts to every app container (no image there) and brings istio-proxy.
    const p = pod({ 'inject.istio.io/templates': 'grpc-agent' }, {}, [{ name: 'traffic', image: 'fake.example/app:1' }]);
    expect(admit(p).allowed).toBe(true);
  });

  it('names inject.istio.io/templates when a template the pod picked brings the image', () => {
    // grpc-simple brings a busybox init container: allowed by Istio, outside this policy's globs.
    expectDenied(pod({ 'inject.istio.io/templates': 'grpc-simple' }), 'annotation inject.istio.io/templates gives container grpc-bootstrap-init image "busybox:1.28"');
  });

  it('never matches an absurdly long image and quotes it cut', () => {
    const long = `docker.io/istio/${'x'.repeat(5000)}`;
    const m = expectDenied(pod({ 'sidecar.istio.io/proxyImage': long }), 'annotation sidecar.istio.io/proxyImage');
    expect(m.length).toBeLessThan(1500);
  });
});

describe('injection policy: denyHostPathUserVolumes', () => {
  it('denies a hostPath userVolume and its mount into istio-proxy', () => {
    const p = pod({
      'sidecar.istio.io/userVolume': '{"host":{"hostPath":{"path":"/"}}}',
      'sidecar.istio.io/userVolumeMount': '{"host":{"mountPath":"/host"}}',
    });
    expect(proxyOf(p).volumeMounts).toContainEqual({ name: 'host', mountPath: '/host' });
    expectDenied(
      p,
      'annotation sidecar.istio.io/userVolume declares hostPath volume "host" (/), which denyHostPathUserVolumes forbids',
      'annotation sidecar.istio.io/userVolumeMount mounts hostPath volume "host" (/) into istio-proxy',
    );
  });

  it("denies the user's istio-proxy mounting the pod's container runtime socket", () => {
    const p = pod(
      {},
      { volumes: [{ name: 'sock', hostPath: { path: '/run/containerd/containerd.sock' } }] },
      [{ name: 'istio-proxy', image: 'auto', volumeMounts: [{ name: 'sock', mountPath: '/sock' }] }],
    );
    expectDenied(p, 'container istio-proxy field volumeMounts mounts hostPath volume "sock" (/run/containerd/containerd.sock) into istio-proxy');
  });

  it("leaves the application's own hostPath volumes alone", () => {
    const p = pod({}, { volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }] });
    expect(admit(p).allowed).toBe(true);
  });
});

describe('injection policy: denyPrivilegedProxy', () => {
  it('denies TPROXY interception (uid 0, NET_ADMIN) from the annotation', () => {
    const p = pod({ 'sidecar.istio.io/interceptionMode': 'TPROXY' });
    expect(proxyOf(p).securityContext).toMatchObject({ runAsUser: 0 });
    expectDenied(p, 'annotation sidecar.istio.io/interceptionMode makes istio-proxy run with TPROXY interception, added capabilities NET_ADMIN, uid 0, which denyPrivilegedProxy forbids');
  });

  it('denies TPROXY asked for through proxy.istio.io/config', () => {
    expectDenied(pod({ 'proxy.istio.io/config': '{"interceptionMode":"TPROXY"}' }), 'annotation proxy.istio.io/config makes istio-proxy run with TPROXY interception');
  });

  it('denies capNetBindService (NET_BIND_SERVICE as uid 0)', () => {
    expectDenied(pod({ 'sidecar.istio.io/capNetBindService': 'true' }), 'annotation sidecar.istio.io/capNetBindService makes istio-proxy run with added capabilities NET_BIND_SERVICE, uid 0');
  });

  it("denies the user's istio-proxy securityContext asking for privileges", () => {
    expectDenied(
      pod({}, {}, [{ name: 'istio-proxy', image: 'auto', securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } } }]),
      'container istio-proxy field securityContext makes istio-proxy run with privileged: true, added capabilities SYS_ADMIN',
    );
  });

  it('lifts the rule in namespaces an override matches, and only there', () => {
    const p = pod({ 'sidecar.istio.io/interceptionMode': 'TPROXY' });
    expect(admit(p, true, 'platform-net').allowed).toBe(true);
    expect(admit(p, true, 'my-platform-net').allowed).toBe(false);
    // A name no namespace can have never picks up an override (and costs no glob work).
    expect(admit(p, true, `platform-${'x'.repeat(100)}`).allowed).toBe(false);
    // The other rules still apply in the overridden namespace.
    expect(admit(pod({ 'sidecar.istio.io/proxyImage': 'evil.example/p:1' }), true, 'platform-net').allowed).toBe(false);
  });
});

describe('injection policy: maxProxyResources', () => {
  it('denies sidecar.istio.io/proxyMemory: 1000Ti', () => {
    expectDenied(pod({ 'sidecar.istio.io/proxyMemory': '1000Ti' }), 'annotation sidecar.istio.io/proxyMemory sets istio-proxy resources.requests.memory to 1000Ti, above maxProxyResources memory 4Gi');
  });

  it.each([
    ['sidecar.istio.io/proxyCPU', '5', 'resources.requests.cpu to 5'],
    ['sidecar.istio.io/proxyCPULimit', '4001m', 'resources.limits.cpu to 4001m'],
    ['sidecar.istio.io/proxyMemoryLimit', '5G', 'resources.limits.memory to 5G'],
  ])('denies %s: %s', (annotation, value, text) => {
    expectDenied(pod({ [annotation]: value }), `annotation ${annotation} sets istio-proxy ${text}`);
  });

  it('compares values, not texts: 4096Mi and 4000m are within 4Gi and 4', () => {
    expect(admit(pod({ 'sidecar.istio.io/proxyMemoryLimit': '4096Mi', 'sidecar.istio.io/proxyCPULimit': '4000m' })).allowed).toBe(true);
  });

  it("denies the user's istio-proxy resources", () => {
    expectDenied(pod({}, {}, [{ name: 'istio-proxy', image: 'auto', resources: { limits: { memory: '64Gi' } } }]), 'container istio-proxy field resources.limits.memory sets istio-proxy resources.limits.memory to 64Gi');
  });

  it('reports every violation of one pod in one answer', () => {
    const m = expectDenied(pod({ 'sidecar.istio.io/proxyMemory': '1000Ti', 'sidecar.istio.io/proxyImage': 'evil.example/p:1', 'sidecar.istio.io/interceptionMode': 'TPROXY' }));
    expect(m.split('; ').length).toBeGreaterThanOrEqual(4);
  });
});

describe('injection policy file', () => {
  it.each([
    ['allowedProxyImage: ["x"]', 'allowedProxyImage: unknown field'],
    ['allowedProxyImages: "docker.io/*"', 'allowedProxyImages: must be a list of image globs'],
    ['denyPrivilegedProxy: "yes"', 'denyPrivilegedProxy: must be true or false'],
    ['maxProxyResources: {memory: 4GB}', 'maxProxyResources.memory: 4GB: quantities must match'],
    ['namespaces: {"a-*": {namespaces: {}}}', 'namespaces.a-*.namespaces: unknown field'],
    ['- a list', 'must be a mapping'],
    ['a: [', 'not YAML'],
  ])('rejects %s', (text, why) => {
    expect(() => parseInjectionPolicy(text, 'policy.yaml')).toThrow(`invalid injection policy policy.yaml: ${why}`);
  });

  it('reads an empty file as no rules: Istio behaviour', () => {
    const empty = parseInjectionPolicy('', 'p');
    const p = pod({ 'sidecar.istio.io/interceptionMode': 'TPROXY', 'sidecar.istio.io/proxyMemory': '1000Ti' });
    expect(injectAdmission(settings, { uid: 'u', namespace: 'shop', object: p }, '/inject', { policy: empty }).allowed).toBe(true);
  });

  it('applies every matching namespace override in file order; null lifts a rule', () => {
    const p = parseInjectionPolicy(
      'maxProxyResources: {memory: 1Gi}\ndenyPrivilegedProxy: true\nnamespaces:\n  "big-*": {maxProxyResources: null}\n  "big-root": {denyPrivilegedProxy: false}\n  "*": {maxProxyResources: {memory: 2Gi}}\n',
      'p',
    );
    expect(rulesForNamespace(p, 'shop').maxProxyResources?.memory?.text).toBe('2Gi');
    expect(rulesForNamespace(p, 'big-root').denyPrivilegedProxy).toBe(false);
    const small = parseInjectionPolicy('maxProxyResources: {memory: 1Gi}\nnamespaces:\n  "big-*": {maxProxyResources: null}\n', 'p');
    expect(rulesForNamespace(small, 'big-data').maxProxyResources).toBeUndefined();
    expect(rulesForNamespace(small, 'shop').maxProxyResources?.memory?.text).toBe('1Gi');
  });
});

describe('injection policy in the CLI', () => {
  const dir = testTempDir('policy-cli-');
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, EXAMPLE);
  const deployment = (annotations: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations: {${annotations}}
    spec:
      containers: [{name: web, image: nginx}]
`;
  async function cli(argv: string[], stdin: string) {
    let out = '';
    let err = '';
    const code = await runCli(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s), readFile: (p) => readFileSync(p, 'utf8'), readStdin: async () => stdin });
    return { code, out, err };
  }
  const hostile = deployment('sidecar.istio.io/proxyMemory: 1000Ti');

  it('kube-inject --injection-policy fails a violating workload with the webhook denial', async () => {
    const webhook = admit(pod({ 'sidecar.istio.io/proxyMemory': '1000Ti' })).message!;
    const r = await cli(['kube-inject', '-f', '-', '--injection-policy', policyFile], hostile);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`Error: <stdin>: Deployment shop/web: ${webhook}\n`);
    expect(r.out).toBe('');
    const fine = await cli(['kube-inject', '-f', '-', '--injection-policy', policyFile], deployment(''));
    expect(fine.code).toBe(0);
    expect(fine.out).toContain('name: istio-proxy');
    expect((await cli(['kube-inject', '-f', '-'], hostile)).code).toBe(0);
  });

  it('kube-inject rejects an invalid policy file as unusable input', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'denyPrivileged: true\n');
    const r = await cli(['kube-inject', '-f', '-', '--injection-policy', bad], hostile);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`invalid injection policy ${bad}: denyPrivileged: unknown field`);
  });

  it('explain shows the same denial', async () => {
    const webhook = admit(pod({ 'sidecar.istio.io/proxyMemory': '1000Ti' })).message!;
    const r = await cli(['explain', '-f', '-', '-l', 'istio-injection=enabled', '--injection-policy', policyFile], hostile);
    // explain exits 1 when the injector would deny the pod.
    expect(r.code).toBe(1);
    expect(r.out).toContain(`denied:   ${webhook}`);
    const entries = webhookEntries(parseYamlDocuments(readFileSync(join(ROOT, 'manifests/mutatingwebhook.yaml'), 'utf8')));
    const e = explainPod(settings, entries, pod({ 'sidecar.istio.io/proxyMemory': '1000Ti' }) as never, 'shop', { 'istio-injection': 'enabled' }, { policy });
    expect(e.denied).toBe(webhook);
    const without = await cli(['explain', '-f', '-', '-l', 'istio-injection=enabled'], hostile);
    expect(without.out).not.toContain('denied:');
  });
});
