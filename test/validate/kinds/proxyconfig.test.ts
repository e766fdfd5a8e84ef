import { describe, expect, it } from 'vitest';
import { validateProxyConfig } from '../../../src/validate/kinds/proxyconfig.js';
import { decodeFailure, run } from './d-helpers.js';

describe('ProxyConfig', () => {
  it('accepts an empty spec and a valid one', () => {
    expect(run(validateProxyConfig, {})).toEqual({ error: undefined, warnings: [] });
    expect(run(validateProxyConfig, { selector: { matchLabels: { app: 'x' } }, concurrency: 0 })).toEqual({
      error: undefined,
      warnings: [],
    });
  });
  it('rejects negative concurrency', () => {
    expect(run(validateProxyConfig, { concurrency: -1 }).error).toBe('concurrency must be greater than or equal to 0');
  });
  it('warns for a selector without labels and rejects wildcards in it', () => {
    expect(run(validateProxyConfig, { selector: {} }).warnings).toEqual(['workload selector specified without labels']);
    expect(run(validateProxyConfig, { selector: { matchLabels: { app: 'a*' } }, concurrency: -2 }).error).toBe(
      '2 errors occurred:\n\t* wildcard is not supported in selector: "app=a*"\n\t* concurrency must be greater than or equal to 0\n\n',
    );
  });
  it('surfaces type errors as decode errors', () => {
    expect(decodeFailure(validateProxyConfig, { concurrency: 'abc' })).toContain('DecodeError');
  });
});
