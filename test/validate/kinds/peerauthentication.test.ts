import { describe, expect, it } from 'vitest';
import { validatePeerAuthentication } from '../../../src/validate/kinds/peerauthentication.js';
import { decodeFailure, run } from './d-helpers.js';

describe('PeerAuthentication', () => {
  it('accepts mesh-wide mTLS and port-level mTLS with a selector', () => {
    expect(run(validatePeerAuthentication, { mtls: { mode: 'STRICT' } }).error).toBeUndefined();
    expect(
      run(validatePeerAuthentication, {
        selector: { matchLabels: { app: 'a' } },
        portLevelMtls: { '8080': { mode: 'DISABLE' } },
      }),
    ).toEqual({ error: undefined, warnings: [] });
  });
  it('rejects port-level mTLS without a selector', () => {
    expect(run(validatePeerAuthentication, { portLevelMtls: { '8080': { mode: 'DISABLE' } } }).error).toBe(
      'mesh/namespace peer authentication cannot have port level mTLS',
    );
  });
  it('rejects an empty portLevelMtls map and out-of-range ports', () => {
    expect(run(validatePeerAuthentication, { selector: { matchLabels: { a: 'b' } }, portLevelMtls: {} }).error).toBe(
      'port level mTLS, if defined, must have at least one element',
    );
    expect(run(validatePeerAuthentication, { selector: { matchLabels: { a: 'b' } }, portLevelMtls: { '0': {} } }).error).toBe(
      'port must be in range 1..65535',
    );
  });
  it('warns about a label-less selector, and counts it as empty for port-level mTLS', () => {
    const out = run(validatePeerAuthentication, { selector: {}, portLevelMtls: { '80': {} } });
    expect(out.error).toBe('mesh/namespace peer authentication cannot have port level mTLS');
    expect(out.warnings).toEqual(['workload selector specified without labels']);
  });
  it('rejects an unknown mode and a non-numeric port key while decoding', () => {
    expect(decodeFailure(validatePeerAuthentication, { mtls: { mode: 'FOO' } })).toContain(
      'unknown value "\\"FOO\\"" for enum istio.security.v1beta1.PeerAuthentication.MutualTLS.Mode',
    );
    expect(decodeFailure(validatePeerAuthentication, { portLevelMtls: { abc: {} } })).toContain('DecodeError');
  });
});
