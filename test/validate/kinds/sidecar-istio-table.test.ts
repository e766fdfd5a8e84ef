import { describe, expect, it } from 'vitest';
import { check } from '../helpers.js';

/** Cases re-expressed as JSON from Istio's TestValidateSidecar table (namespace "bar"). */
const http90 = { protocol: 'http', number: 90, name: 'foo' };
const allEgress = [{ hosts: ['*/*'] }];
const cases: { name: string; spec: unknown; valid: boolean; warn: boolean }[] = [
  { name: 'empty ingress and egress', spec: {}, valid: false, warn: false },
  { name: 'default', spec: { egress: allEgress }, valid: true, warn: false },
  { name: 'import local namespace with wildcard', spec: { egress: [{ hosts: ['./*'] }] }, valid: true, warn: false },
  { name: 'import nothing', spec: { egress: [{ hosts: ['~/*'] }] }, valid: true, warn: false },
  { name: 'import all except a namespace', spec: { egress: [{ hosts: ['*/*', '~ns1/*'] }] }, valid: true, warn: false },
  { name: 'exclude with invalid namespace', spec: { egress: [{ hosts: ['*/*', '~Invalid_NS/*'] }] }, valid: false, warn: false },
  { name: 'bad egress host 1', spec: { egress: [{ hosts: ['*'] }] }, valid: false, warn: false },
  { name: 'bad egress host 2', spec: { egress: [{ hosts: ['/'] }] }, valid: false, warn: false },
  { name: 'empty egress host', spec: { egress: [{ hosts: [] }] }, valid: false, warn: false },
  { name: 'multiple wildcard egress', spec: { egress: [{ hosts: ['*/foo.com'] }, { hosts: ['ns1/bar.com'] }] }, valid: false, warn: false },
  {
    name: 'wildcard egress not in end',
    spec: { egress: [{ hosts: ['*/foo.com'] }, { port: { protocol: 'http', number: 8080, name: 'h8080' }, hosts: ['ns1/bar.com'] }] },
    valid: false,
    warn: false,
  },
  { name: 'invalid Port', spec: { egress: [{ port: { protocol: 'http1', number: 1000000, name: '' }, hosts: ['ns1/bar.com'] }] }, valid: false, warn: false },
  { name: 'Port without name', spec: { egress: [{ port: { protocol: 'http', number: 8080 }, hosts: ['ns1/bar.com'] }] }, valid: true, warn: false },
  {
    name: 'UDS bind in outbound',
    spec: { egress: [{ port: { protocol: 'http', number: 0, name: 'uds' }, hosts: ['ns1/bar.com'], bind: 'unix:///@foo/bar/com' }] },
    valid: true,
    warn: false,
  },
  {
    name: 'invalid capture mode with uds bind',
    spec: { egress: [{ port: { protocol: 'http', number: 0, name: 'uds' }, hosts: ['ns1/bar.com'], bind: 'unix:///@foo/bar/com', captureMode: 'IPTABLES' }] },
    valid: false,
    warn: false,
  },
  { name: 'ingress without port', spec: { ingress: [{ defaultEndpoint: '127.0.0.1:110' }] }, valid: false, warn: false },
  { name: 'ingress with duplicate ports', spec: { ingress: [{ port: http90, defaultEndpoint: '127.0.0.1:110' }, { port: { protocol: 'tcp', number: 90, name: 'bar' }, defaultEndpoint: '127.0.0.1:110' }] }, valid: false, warn: false },
  { name: 'ingress without default endpoint', spec: { ingress: [{ port: http90 }] }, valid: true, warn: false },
  { name: 'ingress with invalid default endpoint in IPv4', spec: { ingress: [{ port: http90, defaultEndpoint: '1.1.1.1:90' }] }, valid: false, warn: false },
  { name: 'ingress with invalid default endpoint in IPv6', spec: { ingress: [{ port: http90, defaultEndpoint: '[1:1:1:1:1:1:1:1]:90' }] }, valid: false, warn: false },
  { name: 'ingress with invalid default endpoint uds', spec: { ingress: [{ port: http90, defaultEndpoint: 'unix:///' }], egress: allEgress }, valid: false, warn: false },
  { name: 'ingress with invalid default endpoint port in IPv6', spec: { ingress: [{ port: http90, defaultEndpoint: '[::1]:hi' }], egress: allEgress }, valid: false, warn: false },
  { name: 'valid ingress and egress in IPv6', spec: { ingress: [{ port: http90, defaultEndpoint: '[::1]:9999' }], egress: allEgress }, valid: true, warn: false },
  { name: 'sidecar egress only one wildcarded', spec: { egress: [{ hosts: ['*/*', 'test/a.com'] }] }, valid: true, warn: true },
  { name: 'sidecar egress wildcarded ns', spec: { egress: [{ hosts: ['*/b.com', 'test/a.com'] }] }, valid: true, warn: false },
  { name: 'sidecar egress duplicated with wildcarded same namespace', spec: { egress: [{ hosts: ['test/*', 'test/a.com'] }] }, valid: true, warn: true },
  { name: 'sidecar egress duplicated with wildcarded same namespace .', spec: { egress: [{ hosts: ['./*', 'bar/a.com'] }] }, valid: true, warn: true },
  { name: 'ingress tls mode set to ISTIO_MUTUAL', spec: { ingress: [{ port: http90, defaultEndpoint: '127.0.0.1:9999', tls: { mode: 'ISTIO_MUTUAL' } }] }, valid: false, warn: false },
  { name: 'sidecar egress proxy with RESGISTRY_ONLY(default)', spec: { outboundTrafficPolicy: { egressProxy: { host: 'foo.bar', port: { number: 443 } } } }, valid: false, warn: false },
  { name: 'sidecar egress proxy with ALLOW_ANY', spec: { outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: { host: 'foo.bar', port: { number: 443 } } } }, valid: true, warn: false },
  { name: 'sidecar egress proxy(without Port) with ALLOW_ANY', spec: { outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: { host: 'foo.bar' } } }, valid: false, warn: false },
  { name: 'valid inbound connection pool', spec: { inboundConnectionPool: { http: { http1MaxPendingRequests: 1024, http2MaxRequests: 1024, maxRequestsPerConnection: 1024, maxRetries: 1024, idleTimeout: '60s' } } }, valid: true, warn: false },
  { name: 'invalid top level connection pool', spec: { inboundConnectionPool: {} }, valid: false, warn: false },
];

describe("Istio's TestValidateSidecar cases", () => {
  it.each(cases)('$name', ({ spec, valid, warn }) => {
    const res = check('Sidecar', spec, { name: 'foo', namespace: 'bar' });
    expect(res.allowed).toBe(valid);
    if (valid) expect(res.warnings.length > 0).toBe(warn);
  });
});
