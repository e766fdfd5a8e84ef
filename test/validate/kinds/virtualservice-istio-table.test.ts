import { describe, expect, it } from 'vitest';
import { check } from '../helpers.js';

/** Cases re-expressed as JSON from Istio's TestValidateVirtualService table (validation_test.go). */
const dest = { route: [{ destination: { host: 'foo.baz' } }] };
const cases: { name: string; spec: unknown; valid: boolean; warning: boolean }[] = [
  { name: 'simple', spec: { hosts: ['foo.bar'], http: [dest] }, valid: true, warning: false },
  {
    name: 'allow sni based domains',
    spec: {
      hosts: ['outbound_.15010_._.istiod.istio-system.svc.cluster.local'],
      gateways: ['ns1/gateway'],
      tls: [{ match: [{ sniHosts: ['outbound_.15010_._.istiod.istio-system.svc.cluster.local'] }], route: [{ destination: { host: 'istio.istio-system.svc.cluster.local' } }] }],
    },
    valid: true,
    warning: false,
  },
  { name: 'duplicate hosts', spec: { hosts: ['*.foo.bar', '*.bar'], http: [dest] }, valid: false, warning: false },
  { name: 'with no destination', spec: { hosts: ['*.foo.bar', '*.bar'], http: [{ route: [{}] }] }, valid: false, warning: false },
  { name: 'delegate with no hosts', spec: { http: [dest] }, valid: true, warning: false },
  { name: 'bad host', spec: { hosts: ['foo.ba!r'], http: [dest] }, valid: false, warning: false },
  { name: 'no tcp or http routing', spec: { hosts: ['foo.bar'] }, valid: false, warning: false },
  { name: 'bad gateway', spec: { hosts: ['foo.bar'], gateways: ['b@dgateway'], http: [dest] }, valid: false, warning: false },
  { name: 'FQDN for gateway', spec: { hosts: ['foo.bar'], gateways: ['gateway.example.com'], http: [dest] }, valid: true, warning: true },
  { name: 'namespace/name for gateway', spec: { hosts: ['foo.bar'], gateways: ['ns1/gateway'], http: [dest] }, valid: true, warning: false },
  { name: 'namespace/* for gateway', spec: { hosts: ['foo.bar'], gateways: ['ns1/*'], http: [dest] }, valid: false, warning: false },
  { name: '*/name for gateway', spec: { hosts: ['foo.bar'], gateways: ['*/gateway'], http: [dest] }, valid: false, warning: false },
  { name: 'wildcard for mesh gateway', spec: { hosts: ['*'], http: [dest] }, valid: false, warning: false },
  { name: 'wildcard for non-mesh gateway', spec: { hosts: ['*'], gateways: ['somegateway'], http: [dest] }, valid: true, warning: false },
  { name: 'missing tcp route', spec: { hosts: ['foo.bar'], tcp: [{ match: [{ port: 999 }] }] }, valid: false, warning: false },
  { name: 'missing tls route', spec: { hosts: ['foo.bar'], tls: [{ match: [{ port: 999, sniHosts: ['foo.bar'] }] }] }, valid: false, warning: false },
  { name: 'deprecated mirror', spec: { hosts: ['foo.bar'], http: [{ ...dest, mirrorPercent: 5, mirror: { host: 'foobar' } }] }, valid: true, warning: true },
  {
    name: 'set authority in destination',
    spec: { hosts: ['foo.bar'], http: [{ route: [{ destination: { host: 'foo.baz' }, headers: { request: { set: { ':authority': 'foo' } } } }] }] },
    valid: true,
    warning: false,
  },
  {
    name: 'set authority in rewrite and header',
    spec: { hosts: ['foo.bar'], http: [{ ...dest, headers: { request: { set: { ':authority': 'foo' } } }, rewrite: { authority: 'bar' } }] },
    valid: false,
    warning: false,
  },
  {
    name: 'non-method-get',
    spec: { hosts: ['foo.bar'], http: [{ ...dest, match: [{ uri: { prefix: '/api/v1/product' } }, { uri: { prefix: '/api/v1/products' }, method: { exact: 'GET' } }] }] },
    valid: true,
    warning: true,
  },
  {
    name: 'uri-with-prefix-exact',
    spec: { hosts: ['foo.bar'], http: [{ ...dest, match: [{ uri: { prefix: '/' } }, { uri: { exact: '/' }, method: { exact: 'GET' } }] }] },
    valid: true,
    warning: false,
  },
  {
    name: 'jwt claim route without gateway',
    spec: { hosts: ['foo.bar'], gateways: ['mesh'], http: [{ ...dest, match: [{ uri: { prefix: '/' }, headers: { '@request.auth.claims.foo': { exact: 'bar' } } }] }] },
    valid: false,
    warning: false,
  },
  {
    name: 'ip address as sni host',
    spec: { hosts: ['foo.bar'], tls: [{ route: [{ destination: { host: 'foo.baz' } }], match: [{ port: 999, sniHosts: ['1.1.1.1'] }] }] },
    valid: true,
    warning: true,
  },
  {
    name: 'invalid wildcard as sni host',
    spec: { hosts: ['foo.bar'], tls: [{ route: [{ destination: { host: 'foo.baz' } }], match: [{ port: 999, sniHosts: ['foo.*.com'] }] }] },
    valid: false,
    warning: false,
  },
];

describe("Istio's TestValidateVirtualService cases", () => {
  it.each(cases)('$name', ({ spec, valid, warning }) => {
    const res = check('VirtualService', spec);
    expect(res.allowed).toBe(valid);
    if (valid) expect(res.warnings.length > 0).toBe(warning);
  });
});
