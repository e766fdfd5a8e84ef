import { describe, expect, it } from 'vitest';
import { validateAnnotations } from '../../../src/inject/postprocess/validate-annotations.js';
import { formatMultiError } from '../../../src/go/multierror.js';

const one = (name: string, value: string) => validateAnnotations({ [name]: value });

describe('validateAnnotations', () => {
  it('accepts an absent or unrelated annotation map', () => {
    expect(validateAnnotations(undefined)).toEqual([]);
    expect(validateAnnotations({ 'traffic.sidecar.istio.io/includeOutboundPorts': 'garbage', foo: 'bar' })).toEqual([]);
  });

  it('interception mode: REDIRECT, TPROXY, NONE only', () => {
    for (const ok of ['REDIRECT', 'TPROXY', 'NONE']) expect(one('sidecar.istio.io/interceptionMode', ok)).toEqual([]);
    expect(one('sidecar.istio.io/interceptionMode', 'redirect')).toEqual([
      "invalid value 'redirect' for annotation 'sidecar.istio.io/interceptionMode': interceptionMode invalid, use REDIRECT,TPROXY,NONE: redirect",
    ]);
  });

  it('include/exclude outbound IP ranges use netip.ParsePrefix', () => {
    const inc = 'traffic.sidecar.istio.io/includeOutboundIPRanges';
    const exc = 'traffic.sidecar.istio.io/excludeOutboundIPRanges';
    expect(one(inc, '*')).toEqual([]);
    expect(one(inc, '')).toEqual([]);
    expect(one(inc, '10.0.0.0/8,192.168.1.0/24,2001:db8::/32')).toEqual([]);
    expect(one(inc, 'bad')).toEqual([
      "invalid value 'bad' for annotation 'traffic.sidecar.istio.io/includeOutboundIPRanges': includeIPRanges invalid: failed parsing cidr 'bad': netip.ParsePrefix(\"bad\"): no '/'",
    ]);
    expect(one(exc, '*')).toEqual([
      "invalid value '*' for annotation 'traffic.sidecar.istio.io/excludeOutboundIPRanges': excludeIPRanges invalid: failed parsing cidr '*': netip.ParsePrefix(\"*\"): no '/'",
    ]);
    expect(one(exc, '10.0.0.1')[0]).toContain("no '/'");
    expect(one(exc, '10.0.0.0/33')[0]).toContain('netip.ParsePrefix("10.0.0.0/33"): prefix length out of range');
    expect(one(exc, '10.0.0.0/08')[0]).toContain('bad bits after slash: "08"');
    expect(one(exc, '10.0.0.0/')[0]).toContain('bad bits after slash: ""');
    expect(one(exc, '010.0.0.0/8')[0]).toContain(
      'ParseAddr("010.0.0.0"): IPv4 field has octet with leading zero',
    );
    expect(one(exc, '1.2.3/8')[0]).toContain('ParseAddr("1.2.3"): IPv4 address too short');
    expect(one(exc, 'fe80::1%eth0/64')[0]).toContain('IPv6 zones cannot be present in a prefix');
    expect(one(exc, '1.2.3.4 /8')[0]).toContain('unexpected character (at " ")');
    // a space after the comma is not trimmed by Istio either
    expect(one(exc, '10.0.0.0/8, 11.0.0.0/8')[0]).toContain("failed parsing cidr ' 11.0.0.0/8'");
    expect(one(exc, '::ffff:1.2.3.4/128')).toEqual([]);
    expect(one(exc, '2001:db8::1::2/64')[0]).toContain('multiple :: in address');
  });

  it('inbound/outbound port lists, with Istio\'s doubled wording', () => {
    expect(one('traffic.sidecar.istio.io/includeInboundPorts', '*')).toEqual([]);
    expect(one('traffic.sidecar.istio.io/includeInboundPorts', ' 80, 443 ')).toEqual([]);
    expect(one('traffic.sidecar.istio.io/includeInboundPorts', 'bad')).toEqual([
      "invalid value 'bad' for annotation 'traffic.sidecar.istio.io/includeInboundPorts': includeInboundPorts invalid: failed parsing port 'bad': failed parsing port 'bad': strconv.ParseUint: parsing \"bad\": invalid syntax",
    ]);
    expect(one('traffic.sidecar.istio.io/excludeInboundPorts', '*')[0]).toContain(
      "excludeInboundPorts invalid: failed parsing port '*'",
    );
    expect(one('traffic.sidecar.istio.io/excludeOutboundPorts', '80,70000')[0]).toContain(
      'excludeOutboundPorts invalid: failed parsing port \'70000\': failed parsing port \'70000\': strconv.ParseUint: parsing "70000": value out of range',
    );
    expect(one('traffic.sidecar.istio.io/excludeOutboundPorts', '')).toEqual([]);
    expect(one('traffic.sidecar.istio.io/excludeOutboundPorts', '80,,90')[0]).toContain('parsing "": invalid syntax');
  });

  it('status port reuses the excludeInboundPorts wording', () => {
    expect(one('status.sidecar.istio.io/port', '0')).toEqual([]);
    expect(one('status.sidecar.istio.io/port', '15021')).toEqual([]);
    expect(one('status.sidecar.istio.io/port', '-1')).toEqual([
      "invalid value '-1' for annotation 'status.sidecar.istio.io/port': excludeInboundPorts invalid: failed parsing port '-1': strconv.ParseUint: parsing \"-1\": invalid syntax",
    ]);
  });

  it('readiness parameters are uint32', () => {
    expect(one('readiness.status.sidecar.istio.io/periodSeconds', '4294967295')).toEqual([]);
    expect(one('readiness.status.sidecar.istio.io/failureThreshold', '4294967296')).toEqual([
      "invalid value '4294967296' for annotation 'readiness.status.sidecar.istio.io/failureThreshold': strconv.ParseUint: parsing \"4294967296\": value out of range",
    ]);
    expect(one('readiness.status.sidecar.istio.io/initialDelaySeconds', '1.5')[0]).toContain('invalid syntax');
  });

  it('interface names', () => {
    const n = 'traffic.sidecar.istio.io/excludeInterfaces';
    expect(one(n, 'eth0,net1.100, veth-x')).toEqual([]);
    expect(one(n, 'eth0,')[0]).toMatch(/: empty interface name$/);
    expect(one(n, 'averyveryverylongname')[0]).toContain('interface name "averyveryverylongname" too long (max 15 chars)');
    expect(one('istio.io/reroute-virtual-interfaces', '0eth')[0]).toContain('interface name "0eth" contains invalid characters');
    expect(one('traffic.sidecar.istio.io/kubevirtInterfaces', 'a b')[0]).toContain('contains invalid characters');
  });

  it('merge-metrics is a Go bool', () => {
    for (const ok of ['true', 'False', '1', 'T']) expect(one('prometheus.istio.io/merge-metrics', ok)).toEqual([]);
    expect(one('prometheus.istio.io/merge-metrics', 'yes')[0]).toContain('strconv.ParseBool: parsing "yes": invalid syntax');
  });

  it('proxy resources are Kubernetes quantities', () => {
    for (const ok of ['100m', '1', '0', '1.5Gi', '128Mi', '1e3', '2E', '.5']) {
      expect(one('sidecar.istio.io/proxyCPU', ok)).toEqual([]);
    }
    expect(one('sidecar.istio.io/proxyMemory', '')[0]).toContain('quantities must match the regular expression');
    expect(one('sidecar.istio.io/proxyMemory', '1Gii')[0]).toContain("unable to parse quantity's suffix");
    expect(one('sidecar.istio.io/proxyMemory', '1Gb')[0]).toContain('quantities must match');
    expect(one('sidecar.istio.io/proxyCPULimit', '1.2.3')[0]).toContain('quantities must match the regular expression');
    expect(one('sidecar.istio.io/proxyMemoryLimit', '1Gi\n')[0]).toContain('value contains control characters');
    expect(one('sidecar.istio.io/proxyCPU', 'abc')[0]).toContain('quantities must match');
  });

  it('proxy.istio.io/config must be a valid ProxyConfig YAML', () => {
    const n = 'proxy.istio.io/config';
    expect(one(n, '{ "holdApplicationUntilProxyStarts": true }')).toEqual([]);
    expect(one(n, 'concurrency: 2\nproxyMetadata:\n  FOO: bar\n')).toEqual([]);
    expect(one(n, 'a: [')[0]).toContain('failed to convert to apply proxy config:');
    expect(one(n, 'statusPort: 0')).toEqual([
      "invalid value 'statusPort: 0' for annotation 'proxy.istio.io/config': " +
        formatMultiError(['invalid status port: port number 0 must be in the range 1..65535']),
    ]);
    expect(one(n, 'discoveryAddress: ""\nproxyAdminPort: 70000')[0]).toContain('2 errors occurred:');
    expect(one(n, 'statusPort: abc')[0]).toContain('failed to convert to apply proxy config');
    expect(one(n, 'drainDuration: 1.5s')[0]).toContain('drain time only supports durations to seconds precision');
  });

  it('reports every bad annotation, sorted by name', () => {
    const errs = validateAnnotations({
      'traffic.sidecar.istio.io/includeInboundPorts': 'x',
      'sidecar.istio.io/interceptionMode': 'y',
      'traffic.sidecar.istio.io/excludeOutboundIPRanges': '10.0.0.0/8',
    });
    expect(errs).toHaveLength(2);
    expect(errs[0]).toContain("'sidecar.istio.io/interceptionMode'");
    expect(errs[1]).toContain("'traffic.sidecar.istio.io/includeInboundPorts'");
    expect(formatMultiError(errs)).toBe(`2 errors occurred:\n\t* ${errs[0]}\n\t* ${errs[1]}\n\n`);
  });
});
