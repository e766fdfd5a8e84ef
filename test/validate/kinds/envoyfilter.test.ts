import { describe, expect, it } from 'vitest';
import { validateEnvoyFilter } from '../../../src/validate/kinds/envoyfilter.js';
import { decodeFailure, run } from './d-helpers.js';

const ALWAYS =
  'EnvoyFilter exposes internal implementation details that may change at any time. Prefer other APIs if possible, and exercise extreme caution, especially around upgrades.';
const patch = (p: unknown): unknown => ({ configPatches: [p] });
const listenerFilter = (filter: unknown): unknown => ({ listener: { filterChain: { filter } } });

describe('EnvoyFilter', () => {
  it('always warns', () => {
    expect(run(validateEnvoyFilter, {})).toEqual({ error: undefined, warnings: [ALWAYS] });
  });
  it('rejects selector errors alone, dropping warnings, and warns on empty selectors', () => {
    expect(run(validateEnvoyFilter, { workloadSelector: { labels: { '': 'x' } } })).toEqual({
      error: 'empty key is not supported in selector: "=x"',
      warnings: [],
    });
    expect(run(validateEnvoyFilter, { workloadSelector: {} }).warnings).toEqual([
      ALWAYS,
      'Envoy filter: workload selector specified without labels, will be applied to all services in namespace',
    ]);
  });
  it('requires applyTo, patch, operation and (unless REMOVE) value', () => {
    expect(run(validateEnvoyFilter, patch({})).error).toBe('Envoy filter: missing applyTo');
    expect(run(validateEnvoyFilter, patch({ applyTo: 'CLUSTER' })).error).toBe('Envoy filter: missing patch');
    expect(run(validateEnvoyFilter, patch({ applyTo: 'CLUSTER', patch: {} })).error).toBe('Envoy filter: missing patch operation');
    expect(run(validateEnvoyFilter, patch({ applyTo: 'CLUSTER', patch: { operation: 'ADD' } })).error).toBe(
      'Envoy filter: missing patch value for non-remove operation',
    );
    expect(run(validateEnvoyFilter, patch({ applyTo: 'CLUSTER', patch: { operation: 'REMOVE' } })).error).toBeUndefined();
  });
  it('skips WAYPOINT patches entirely', () => {
    expect(run(validateEnvoyFilter, patch({ match: { context: 'WAYPOINT' } })).error).toBeUndefined();
  });
  it('checks the proxy version regex and warns when it is too long', () => {
    const p = (v: string): unknown => patch({ applyTo: 'CLUSTER', match: { proxy: { proxyVersion: v } }, patch: { operation: 'REMOVE' } });
    expect(run(validateEnvoyFilter, p('^1\\.2.*')).error).toBeUndefined();
    expect(run(validateEnvoyFilter, p('(')).error).toMatch(/^Envoy filter: invalid regex for proxy version, \[error parsing regexp: missing closing \)/);
    expect(run(validateEnvoyFilter, p('a'.repeat(1025))).warnings).toContain(
      'Envoy filter: proxyVersion match exceeds 1024 characters and will be ignored',
    );
  });
  it('lines listener-class applyTo up with listener matches', () => {
    const base = { patch: { operation: 'INSERT_BEFORE', value: { typed_config: {} } } };
    expect(run(validateEnvoyFilter, patch({ ...base, applyTo: 'HTTP_FILTER', match: { cluster: {} } })).error).toBe(
      'Envoy filter: applyTo for listener class objects cannot have non listener match',
    );
    expect(run(validateEnvoyFilter, patch({ ...base, applyTo: 'NETWORK_FILTER', match: listenerFilter({}) })).error).toBe(
      'Envoy filter: filter match has no name to match on',
    );
    expect(run(validateEnvoyFilter, patch({ ...base, applyTo: 'NETWORK_FILTER', match: listenerFilter({ name: 'x', subFilter: { name: 'y' } }) })).error).toBe(
      'Envoy filter: subfilter match can be used with applyTo HTTP_FILTER only',
    );
    expect(run(validateEnvoyFilter, patch({ ...base, applyTo: 'HTTP_FILTER', match: listenerFilter({ name: 'x', subFilter: { name: 'y' } }) })).error).toBe(
      'Envoy filter: subfilter match requires filter match with envoy.filters.network.http_connection_manager',
    );
    expect(
      run(validateEnvoyFilter, patch({ ...base, applyTo: 'HTTP_FILTER', match: listenerFilter({ name: 'envoy.filters.network.http_connection_manager', subFilter: {} }) })).error,
    ).toBe('Envoy filter: subfilter match has no name to match on');
  });
  it('warns for filter matches on LISTENER and for deprecated filter names', () => {
    const out = run(validateEnvoyFilter, patch({ applyTo: 'LISTENER', match: listenerFilter({ name: 'envoy.http_connection_manager' }), patch: { operation: 'MERGE', value: {} } }));
    expect(out.error).toBeUndefined();
    expect(out.warnings).toEqual([
      ALWAYS,
      'Envoy filter: filter match has no effect when used with LISTENER',
      'using deprecated filter name "envoy.http_connection_manager"; use "envoy.filters.network.http_connection_manager" instead',
    ]);
  });
  it('checks route and cluster class matches', () => {
    expect(run(validateEnvoyFilter, patch({ applyTo: 'VIRTUAL_HOST', match: { cluster: {} }, patch: { operation: 'ADD', value: {} } })).error).toBe(
      'Envoy filter: applyTo for http route class objects cannot have non route configuration match',
    );
    expect(run(validateEnvoyFilter, patch({ applyTo: 'CLUSTER', match: { listener: {} }, patch: { operation: 'ADD', value: {} } })).error).toBe(
      'Envoy filter: applyTo for cluster class objects cannot have non cluster match',
    );
  });
  it('decodes what it can of patch.value', () => {
    expect(run(validateEnvoyFilter, patch({ applyTo: 'CLUSTER', match: { cluster: {} }, patch: { operation: 'ADD', value: { name: false } } })).error).toBe(
      'Envoy filter: json: cannot unmarshal bool into Go value of type string',
    );
    expect(
      run(validateEnvoyFilter, patch({
        applyTo: 'NETWORK_FILTER',
        patch: { operation: 'INSERT_FIRST', value: { typed_config: { '@type': 'type.googleapis.com/envoy.config.filter.network.ext_authz.v2.ExtAuthz' } } },
      })).error,
    ).toBe(
      'referenced type unknown (hint: try using the v3 XDS API): Envoy filter: could not resolve Any message type: type.googleapis.com/envoy.config.filter.network.ext_authz.v2.ExtAuthz',
    );
    expect(
      run(validateEnvoyFilter, patch({
        applyTo: 'NETWORK_FILTER',
        patch: { operation: 'INSERT_FIRST', value: { name: 'x', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz' } } },
      })),
    ).toEqual({ error: undefined, warnings: [ALWAYS] });
    expect(run(validateEnvoyFilter, patch({ applyTo: 'HTTP_FILTER', patch: { operation: 'INSERT_FIRST', value: { name: 'envoy.lua' } } })).warnings).toContain(
      'using deprecated types by name without typed_config; envoy.lua',
    );
    expect(run(validateEnvoyFilter, patch({ applyTo: 99, patch: { operation: 'ADD', value: {} } })).error).toBe(
      'Envoy filter: unknown object type for applyTo 99',
    );
  });
  it('rejects unknown enum names while decoding', () => {
    expect(decodeFailure(validateEnvoyFilter, patch({ applyTo: 'FOO' }))).toContain('for enum istio.networking.v1alpha3.EnvoyFilter.ApplyTo');
  });
});
