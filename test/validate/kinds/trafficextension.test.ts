import { describe, expect, it } from 'vitest';
import { validateTrafficExtension } from '../../../src/validate/kinds/trafficextension.js';
import { run } from './d-helpers.js';

const ok = { error: undefined, warnings: [] };

describe('TrafficExtension', () => {
  it('accepts a Lua or a Wasm extension', () => {
    expect(run(validateTrafficExtension, { selector: { matchLabels: { app: 'a' } }, phase: 'AUTHN', lua: { inlineCode: 'x' } })).toEqual(ok);
    expect(run(validateTrafficExtension, { wasm: { url: 'oci://a/b', sha256: 'f'.repeat(64) } })).toEqual(ok);
  });
  it('requires exactly one of wasm and lua', () => {
    expect(run(validateTrafficExtension, {}).error).toBe('exactly one of wasm or lua must be set');
    expect(run(validateTrafficExtension, { wasm: { url: 'oci://a/b' }, lua: { inlineCode: 'x' } }).error).toBe(
      'exactly one of wasm or lua must be set',
    );
  });
  it('bounds the Lua code', () => {
    expect(run(validateTrafficExtension, { lua: {} }).error).toBe('lua.inlineCode cannot be empty');
    expect(run(validateTrafficExtension, { lua: { inlineCode: 'x'.repeat(65537) } }).error).toBe(
      'lua.inlineCode exceeds maximum size of 64KB',
    );
    expect(run(validateTrafficExtension, { lua: { inlineCode: 'x'.repeat(65536) } })).toEqual(ok);
  });
  it('runs the Wasm checks with its own pluginName message', () => {
    expect(run(validateTrafficExtension, { wasm: { url: 'oci://a/b', pluginName: 'p'.repeat(257), sha256: 'x' } }).error).toBe(
      '2 errors occurred:\n\t* sha256 field must be 64 characters long\n\t* pluginName field must be less than 256 characters long\n\n',
    );
    expect(run(validateTrafficExtension, { wasm: {} }).error).toBe('url field needs to be set');
  });
  it('has selector xor targetRefs, and checks match ports', () => {
    expect(
      run(validateTrafficExtension, { lua: { inlineCode: 'x' }, selector: { matchLabels: { a: 'b' } }, targetRefs: [{ kind: 'Service', name: 's' }] }).error,
    ).toBe('only one of targetRefs or workloadSelector can be set');
    expect(run(validateTrafficExtension, { lua: { inlineCode: 'x' }, match: [{ ports: [{ number: 0 }] }] }).error).toBe(
      'spec.Match[0].Ports[0] is out of range: 0',
    );
  });
});
