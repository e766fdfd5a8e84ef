import { describe, expect, it } from 'vitest';
import { applyMeshConfig, defaultMeshConfig, mergeProxyConfig, parseProtoDuration, proxyConfigJson } from '../../src/inject/settings/mesh.js';
import { parseInjectConfigFile, parseInjectionConfig, parseValues } from '../../src/inject/settings/injection-config.js';
import { deployMetaFromPod } from '../../src/inject/owner.js';
import { proxyImage, proxyInitImage } from '../../src/inject/images.js';

describe('mesh config', () => {
  it('applies top-level fields over the defaults and merges defaultConfig', () => {
    const m = applyMeshConfig('trustDomain: example.org\ndefaultConfig:\n  drainDuration: 23s\n  proxyMetadata: {A: "1"}\n');
    expect(m.trustDomain).toBe('example.org');
    expect(m.proxyListenPort).toBe(15001);
    expect(m.defaultConfig.drainDuration).toBe('23s');
    expect(m.defaultConfig.statusPort).toBe(15020);
    expect(m.defaultConfig.proxyMetadata).toEqual({ A: '1' });
  });

  it('accepts snake_case proto names like jsonpb', () => {
    const m = applyMeshConfig('default_config:\n  interception_mode: TPROXY\n');
    expect(m.defaultConfig.interceptionMode).toBe('TPROXY');
  });

  it('merges extension providers by name and keeps the defaults', () => {
    const m = applyMeshConfig('extensionProviders:\n- name: otel\n  opentelemetry: {port: 4317}\n- name: envoy\n  envoyFileAccessLog: {path: /tmp/x}\n');
    const names = (m.extensionProviders as Array<{ name: string }>).map((p) => p.name);
    expect(names).toEqual(['prometheus', 'stackdriver', 'envoy', 'otel']);
  });

  it('rejects YAML that is not a mapping', () => {
    expect(() => applyMeshConfig('- a\n- b\n')).toThrow(/mesh config/);
  });

  it('merges a pod proxy.istio.io/config: fields replace, proxyMetadata keys merge', () => {
    const base = { ...defaultMeshConfig().defaultConfig, proxyMetadata: { A: '1', B: '2' } };
    const pc = mergeProxyConfig('proxyMetadata: {B: "3", C: "4"}\nconcurrency: 0\n', base);
    expect(pc.proxyMetadata).toEqual({ A: '1', B: '3', C: '4' });
    expect(pc.concurrency).toBe(0);
  });
});

describe('PROXY_CONFIG (protoToJSON of the cleaned ProxyConfig)', () => {
  const d = defaultMeshConfig().defaultConfig;
  it('is {} for the defaults', () => expect(proxyConfigJson(d)).toBe('{}'));
  it('keeps only non-default fields in proto declaration order', () => {
    const pc = mergeProxyConfig('proxyMetadata: {FOO: bar}\nconcurrency: 0\ndiscoveryAddress: foo:123\n', d);
    expect(proxyConfigJson(pc)).toBe('{"discoveryAddress":"foo:123","concurrency":0,"proxyMetadata":{"FOO":"bar"}}');
  });
  it('prints durations canonically and drops default durations', () => {
    expect(proxyConfigJson({ ...d, drainDuration: '23s' })).toBe('{"drainDuration":"23s"}');
    expect(proxyConfigJson({ ...d, drainDuration: '45000ms', terminationDrainDuration: '1.5s' })).toBe('{"terminationDrainDuration":"1.500s"}');
  });
  it('prints wrappers even when false and enums by name', () => {
    expect(proxyConfigJson({ ...d, holdApplicationUntilProxyStarts: false })).toBe('{"holdApplicationUntilProxyStarts":false}');
    expect(proxyConfigJson({ ...d, interceptionMode: 'TPROXY' })).toBe('{"interceptionMode":"TPROXY"}');
    expect(proxyConfigJson({ ...d, interceptionMode: 'REDIRECT' })).toBe('{}');
  });
  it('parses Go durations', () => {
    expect(parseProtoDuration('1h30m')).toBe(5_400_000_000_000n);
    expect(parseProtoDuration('1.5s')).toBe(1_500_000_000n);
    expect(parseProtoDuration('abc')).toBeUndefined();
  });
});

describe('injection config', () => {
  it("applies Istio's defaults", () => {
    const c = parseInjectionConfig('policy: enabled\ntemplates:\n  sidecar: "x"\n');
    expect(c.defaultTemplates).toEqual(['sidecar']);
    expect(c.neverInjectSelector).toEqual([]);
    expect(c.templates.sidecar).toBe('x');
  });
  it('reads selectors, aliases and injected annotations', () => {
    const c = parseInjectionConfig(
      'policy: disabled\naliases: {both: [sidecar, init]}\nneverInjectSelector:\n- matchLabels: {a: b}\ninjectedAnnotations: {x: y}\n',
    );
    expect(c.aliases).toEqual({ both: ['sidecar', 'init'] });
    expect(c.neverInjectSelector).toEqual([{ matchLabels: { a: 'b' } }]);
    expect(c.injectedAnnotations).toEqual({ x: 'y' });
  });
  it('names a malformed document', () => {
    expect(() => parseInjectionConfig('templates: [')).toThrow(/failed to unmarshal injection template/);
  });
  it('treats a bare template file as the sidecar template (kube-inject)', () => {
    const c = parseInjectConfigFile('spec:\n  containers:\n  - name: istio-proxy\n');
    expect(Object.keys(c.templates)).toEqual(['sidecar']);
    expect(c.templates.sidecar).toContain('istio-proxy');
  });
  it('parses values JSON with numbers as float64-like JS numbers', () => {
    expect(parseValues('{"global": {"proxy": {"statusPort": 15020}}}')).toEqual({ global: { proxy: { statusPort: 15020 } } });
    expect(() => parseValues('[1]')).toThrow(/values/);
  });
});

describe('owner derivation (GetDeployMetaFromPod)', () => {
  const ref = (kind: string, name: string, apiVersion = 'apps/v1') => [{ apiVersion, kind, name, controller: true }];
  it.each([
    ['Deployment via ReplicaSet + pod-template-hash', { name: '', generateName: 'web-5d9-', labels: { 'pod-template-hash': '5d9' }, ownerReferences: ref('ReplicaSet', 'web-5d9') }, 'web', 'Deployment', 'apps/v1'],
    ['plain ReplicaSet', { generateName: 'rs-', ownerReferences: ref('ReplicaSet', 'rs') }, 'rs', 'ReplicaSet', 'apps/v1'],
    ['Argo Rollout', { generateName: 'r-abc-', labels: { 'rollouts-pod-template-hash': 'abc' }, ownerReferences: ref('ReplicaSet', 'r-abc') }, 'r', 'Rollout', 'v1alpha1'],
    ['CronJob via Job name', { generateName: 'nightly-28391234-', ownerReferences: ref('Job', 'nightly-28391234', 'batch/v1') }, 'nightly', 'CronJob', 'batch/v1'],
    ['DeploymentConfig', { generateName: 'dc-1-', labels: { deploymentconfig: 'dc' }, ownerReferences: ref('ReplicationController', 'dc-1', 'v1') }, 'dc', 'DeploymentConfig', 'v1'],
    ['bare pod', { name: 'solo' }, 'solo', 'Pod', 'v1'],
    ['generateName without a controller', { name: 'x', generateName: 'x-', ownerReferences: [{ kind: 'ReplicaSet', name: 'y', controller: false }] }, 'x', 'Pod', 'v1'],
  ])('%s', (_n, meta, name, kind, apiVersion) => {
    const { deployMeta, typeMeta } = deployMetaFromPod(meta);
    expect(deployMeta.name).toBe(name);
    expect(typeMeta).toEqual({ kind, apiVersion });
  });
});

describe('proxy images', () => {
  const values = { global: { hub: 'docker.io/istio', tag: '1.28.0-distroless', variant: '', proxy: { image: 'proxyv2' }, proxy_init: { image: 'proxyinit' } } };
  it('builds hub/image:tag', () => {
    expect(proxyImage({ global: { hub: 'h', tag: '1.2' } }, undefined, {})).toBe('h/proxyv2:1.2');
  });
  it('swaps a known image-type suffix for the annotation, ProxyConfig or variant', () => {
    expect(proxyImage(values, undefined, { 'sidecar.istio.io/proxyImageType': 'debug' })).toBe('docker.io/istio/proxyv2:1.28.0-debug');
    expect(proxyImage(values, { imageType: 'default' }, {})).toBe('docker.io/istio/proxyv2:1.28.0');
    expect(proxyInitImage(values, {})).toBe('docker.io/istio/proxyinit:1.28.0-distroless');
  });
  it('prints a numeric tag the way Go %v does', () => {
    expect(proxyImage({ global: { hub: 'h', tag: 1.24 } }, undefined, {})).toBe('h/proxyv2:1.24');
  });
});
