import { describe, expect, it } from 'vitest';
import { validateWasmPlugin, wasmURLError } from '../../../src/validate/kinds/wasmplugin.js';
import { run } from './d-helpers.js';

const ok = { error: undefined, warnings: [] };
const sha = 'a'.repeat(64);

describe('WasmPlugin url', () => {
  it('accepts the schemes Istio supports, and bare image references', () => {
    for (const u of ['oci://ghcr.io/foo/bar:v1', 'https://x.io/p.wasm', 'http://x/p.wasm', 'file:///opt/p.wasm', '/opt/p.wasm', 'ghcr.io/foo/bar:v1']) {
      expect(wasmURLError(u), u).toBeUndefined();
    }
  });
  it('rejects an empty url, unknown schemes and unparsable urls', () => {
    expect(wasmURLError('')).toBe('url field needs to be set');
    expect(wasmURLError('ftp://x/p.wasm')).toBe('url contains unsupported scheme: ftp');
    expect(wasmURLError('http://a\x7f/x')).toBe(
      'failed to parse url: parse "http://a\\x7f/x": net/url: invalid control character in URL',
    );
    // Like Go, a URL that fails on its own is retried behind "http://", which can rescue it.
    expect(wasmURLError('http://foo.com:bar/x')).toBeUndefined();
  });
});

describe('WasmPlugin', () => {
  it('accepts a full plugin', () => {
    expect(
      run(validateWasmPlugin, {
        selector: { matchLabels: { app: 'x' } },
        url: 'oci://ghcr.io/foo/bar:v1',
        sha256: sha,
        phase: 'AUTHN',
        vmConfig: { env: [{ name: 'A', value: 'b' }, { name: 'B', valueFrom: 'HOST' }] },
        match: [{ mode: 'SERVER', ports: [{ number: 80 }] }],
      }),
    ).toEqual(ok);
  });
  it('checks sha256 length and alphabet', () => {
    expect(run(validateWasmPlugin, { url: 'oci://a/b', sha256: 'abc' }).error).toBe('sha256 field must be 64 characters long');
    expect(run(validateWasmPlugin, { url: 'oci://a/b', sha256: 'A'.repeat(64) }).error).toBe(
      'sha256 field must match [a-f0-9]{64} pattern',
    );
  });
  it('checks imagePullSecret and pluginName lengths', () => {
    expect(run(validateWasmPlugin, { url: 'oci://a/b', imagePullSecret: 's'.repeat(254) }).error).toBe(
      'imagePullSecret field must be less than 253 characters long',
    );
    expect(run(validateWasmPlugin, { url: 'oci://a/b', pluginName: 'n'.repeat(257) }).error).toBe(
      'pluginName field must be less than 255 characters long',
    );
  });
  it('checks vmConfig env entries, reporting only the first problem', () => {
    const env = (e: unknown[]): unknown => ({ url: 'oci://a/b', vmConfig: { env: e } });
    expect(run(validateWasmPlugin, env([{ name: '' }])).error).toBe('spec.vmConfig.env invalid');
    expect(run(validateWasmPlugin, env([{ name: 'x'.repeat(257) }])).error).toBe('env.name field must be less than 255 characters long');
    expect(run(validateWasmPlugin, env([{ name: 'a' }, { name: 'a' }, { name: '' }])).error).toBe('duplicate env');
    expect(run(validateWasmPlugin, env([{ name: 'a', valueFrom: 'HOST', value: 'v' }])).error).toBe(
      'value may only be set when valueFrom is INLINE',
    );
  });
  it('checks match ports', () => {
    expect(run(validateWasmPlugin, { url: 'oci://a/b', match: [{ ports: [{ number: 80 }] }, { ports: [{ number: 70000 }] }] }).error).toBe(
      'spec.Match[1].Ports[0] is out of range: 70000',
    );
  });
  it('applies the selector and targetRef rules', () => {
    expect(
      run(validateWasmPlugin, { url: 'oci://a/b', selector: { matchLabels: { a: 'b' } }, targetRef: { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'g' } })
        .error,
    ).toBe('only one of targetRefs or workloadSelector can be set');
    expect(run(validateWasmPlugin, { url: 'oci://a/b', targetRefs: [{ kind: 'Pod', name: 'p' }] }).error).toBe(
      'targetRef must be to one of [core/v1/Service networking.istio.io/v1/ServiceEntry gateway.networking.k8s.io/v1/Gateway gateway.networking.k8s.io/v1/GatewayClass] but was /Pod',
    );
    expect(run(validateWasmPlugin, { url: 'oci://a/b', targetRef: { kind: 'Service', namespace: 'x' } }).error).toBe(
      '2 errors occurred:\n\t* targetRef name must be set\n\t* targetRef namespace must not be set; cross namespace referencing is not supported\n\n',
    );
    expect(run(validateWasmPlugin, { url: 'oci://a/b', selector: {} }).warnings).toEqual(['workload selector specified without labels']);
  });
});
