import { describe, expect, it } from 'vitest';
import { validateDuration } from '../../../src/validate/common/duration.js';
import { validateExportTo } from '../../../src/validate/common/exportto.js';
import {
  isDNS1123Label, validateFQDN, validateNamespaceSlashWildcardHostname, validateWildcardDomain,
  validateWildcardDomainForVirtualServiceBoundToGateway,
} from '../../../src/validate/common/hosts.js';
import { validateHTTPHeaderValue, isJwtRoutingClaim } from '../../../src/validate/common/headers.js';
import { validateLabels } from '../../../src/validate/common/labels.js';
import { validateIPSubnet, validateUnixAddress } from '../../../src/validate/common/net.js';
import { parseProtocol, validatePort, validateProtocol } from '../../../src/validate/common/ports.js';
import { re2CompileError } from '../../../src/validate/common/regex.js';
import { isValidCipherSuite } from '../../../src/validate/common/tls.js';
import { isPrime, validateLocalities } from '../../../src/validate/common/trafficpolicy.js';

describe('hostnames', () => {
  it('allows upper case DNS labels up to 63 characters', () => {
    expect(isDNS1123Label('Foo-1')).toBe(true);
    expect(isDNS1123Label('-a')).toBe(false);
    expect(isDNS1123Label('a'.repeat(64))).toBe(false);
  });

  it('validates wildcard domains, short names and trailing dots', () => {
    expect(validateWildcardDomain('*.example.com')).toBeUndefined();
    expect(validateWildcardDomain('*')).toBeUndefined();
    expect(validateWildcardDomain('reviews')).toBeUndefined();
    expect(validateWildcardDomain('istio.io.')).toBeUndefined();
    // Go reports the remainder after the first label as the domain
    expect(validateWildcardDomain('a.*.com')).toBe('domain name "*.com" invalid (label "*" invalid)');
    expect(validateWildcardDomain('a.123')).toBe('domain name "123" invalid (top level domain "123" cannot be all-numeric)');
    expect(validateWildcardDomain('')).toBe('empty domain name not allowed');
    expect(validateWildcardDomain('a'.repeat(256))).toMatch(/too long \(max 255\)$/);
    expect(validateFQDN('*.a.com')).toBe('domain name "*.a.com" invalid (label "*" invalid)');
  });

  it('accepts the outbound_ SNI form for gateway-bound VS hosts', () => {
    expect(validateWildcardDomainForVirtualServiceBoundToGateway(true, 'outbound_.80_._.e2e.foobar.mesh')).toBeUndefined();
    expect(validateWildcardDomainForVirtualServiceBoundToGateway(true, 'outbound_.ab_._.e2e.foobar.mesh')).toMatch(/label "ab" invalid/);
    expect(validateWildcardDomainForVirtualServiceBoundToGateway(false, 'outbound_.80_._.e2e.foobar.mesh')).toBeDefined();
  });

  it('checks ns/host for gateways and sidecars', () => {
    expect(validateNamespaceSlashWildcardHostname('*/foo.com', true, false)).toEqual([]);
    expect(validateNamespaceSlashWildcardHostname('foo', true, false)).toEqual(['short names (non FQDN) are not allowed']);
    expect(validateNamespaceSlashWildcardHostname('1.2.3.4', true, false)).toEqual([]);
    expect(validateNamespaceSlashWildcardHostname('*foo.com', true, false)).toEqual(['partial wildcard "*foo.com" not allowed']);
    expect(validateNamespaceSlashWildcardHostname('~/a.com', true, false)).toEqual(['invalid namespace value "~" in gateway']);
    expect(validateNamespaceSlashWildcardHostname('~/a.com', true, true)).toEqual([]);
    expect(validateNamespaceSlashWildcardHostname('foo.com', false, false)).toEqual(['host must be of form namespace/dnsName']);
    expect(validateNamespaceSlashWildcardHostname('~ns/a.com', false, false)).toEqual([]);
    // the sidecar quirk: an invalid non-IP name is reported twice
    expect(validateNamespaceSlashWildcardHostname('ns/a..com', false, false)).toEqual([
      'domain name ".com" invalid (label "" invalid)',
      'domain name ".com" invalid (label "" invalid)',
    ]);
  });
});

describe('labels, ports, protocols, nets', () => {
  it('validates label maps as a multierror', () => {
    expect(validateLabels({ app: 'x', 'example.com/a_b': 'v.1' })).toBeUndefined();
    expect(validateLabels({ '-bad': 'ok' })).toEqual({ multi: true, msgs: ['invalid tag key: "-bad"'] });
    expect(validateLabels({ k: 'bad value' })?.msgs).toEqual(['invalid tag value: "bad value"']);
  });

  it('checks ports and protocols', () => {
    expect(validatePort(0)).toBe('port number 0 must be in the range 1..65535');
    expect(validatePort(65535)).toBeUndefined();
    expect(parseProtocol('grpc-WEB')).toBe('GRPC-Web');
    expect(validateProtocol('')).toBeUndefined();
    expect(validateProtocol('FOO')).toBe('unsupported protocol: FOO');
  });

  it('parses IPs and CIDRs like Go netip', () => {
    expect(validateIPSubnet('10.0.0.0/8')).toBeUndefined();
    expect(validateIPSubnet('2001:db8::/32')).toBeUndefined();
    expect(validateIPSubnet('10.0.0.1')).toBeUndefined();
    expect(validateIPSubnet('10.0.0.0/33')).toBe('10.0.0.0/33 is not a valid CIDR block');
    expect(validateIPSubnet('010.0.0.1')).toBe('010.0.0.1 is not a valid IP');
    expect(validateUnixAddress('/var/run/x.sock')).toBeUndefined();
    expect(validateUnixAddress('@abstract')).toBeUndefined();
    expect(validateUnixAddress('rel/x')).toBe('rel/x is not an absolute path to a file');
  });
});

describe('durations, exportTo, regex, misc', () => {
  it('requires at least 1ms at ms precision', () => {
    expect(validateDuration({ seconds: 0, nanos: 500000 })).toBe('duration must be greater than 1ms');
    expect(validateDuration({ seconds: 1, nanos: 500 })).toBe('only durations to ms precision are supported');
    expect(validateDuration({ seconds: 0, nanos: 1000000 })).toBeUndefined();
  });

  it('validates exportTo entries', () => {
    expect(validateExportTo('ns', ['.', '*'], false, false)).toEqual(['cannot have both public (*) and non-public exportTo values for a resource']);
    expect(validateExportTo('ns', ['ns', '.'], false, false)).toEqual(['duplicate entries in exportTo: . and current namespace ns']);
    expect(validateExportTo('ns', ['.', 'ns'], false, false)).toEqual(['duplicate entries in exportTo for entry ns']);
    expect(validateExportTo('ns', ['~'], false, false)).toEqual(['exportTo ~ (none) is not allowed for Istio configuration objects']);
    expect(validateExportTo('ns', ['~'], true, false)).toEqual([]);
    expect(validateExportTo('ns', ['~', 'a'], true, false)).toEqual(['cannot export service entry to no one (~) and someone']);
    expect(validateExportTo('ns', ['other'], false, true)).toEqual([
      'destination rule with workload selector cannot have exportTo beyond current namespace',
    ]);
    expect(validateExportTo('ns', ['bad_ns'], false, false)).toEqual(['only .,*, or a valid DNS 1123 label is allowed as exportTo entry']);
  });

  it('rejects regexes RE2 cannot compile', () => {
    expect(re2CompileError('^/api/(v1|v2)/.*$')).toBeUndefined();
    expect(re2CompileError('(?P<x>a)')).toBeUndefined();
    expect(re2CompileError('a(?=b)')).toMatch(/invalid or unsupported Perl syntax/);
    expect(re2CompileError('(a)\\1')).toMatch(/invalid escape sequence/);
    expect(re2CompileError('(abc')).toBe('error parsing regexp: missing closing ): `(abc`');
    expect(re2CompileError('*a')).toBe('error parsing regexp: missing argument to repetition operator: `*`');
    expect(re2CompileError('a**')).toBe('error parsing regexp: invalid nested repetition operator: `**`');
    expect(re2CompileError('\\y')).toBe('error parsing regexp: invalid escape sequence: `\\y`');
    expect(re2CompileError('\\d+\\.\\w\\z')).toBeUndefined();
    expect(re2CompileError('\\12')).toBeUndefined();
    expect(re2CompileError('a{1001}')).toBe('error parsing regexp: invalid repeat count: `{1001}`');
    expect(re2CompileError('(?i)abc(?s:.)x(?-i)y')).toBeUndefined();
    expect(re2CompileError('[[:alpha:]]+\\Q.*\\E')).toBeUndefined();
  });

  it('implements header value formats, JWT claim names, ciphers, primes and localities', () => {
    expect(validateHTTPHeaderValue('%HOSTNAME% 100%%')).toBeUndefined();
    expect(validateHTTPHeaderValue('abc%')).toBe('header value configuration: invalid header configuration. Un-escaped %');
    expect(validateHTTPHeaderValue('%START_TIME')).toMatch(/Un-terminated variable expression/);
    expect(validateHTTPHeaderValue('a\nb')).toBe('header value configuration a\nb is invalid');
    expect(isJwtRoutingClaim('@request.auth.claims.sub')).toBe(true);
    expect(isJwtRoutingClaim('@request.auth.claims[a][b]')).toBe(true);
    expect(isJwtRoutingClaim('@request.auth.claims')).toBe(false);
    expect(isValidCipherSuite('ECDHE-RSA-AES128-SHA')).toBe(true);
    expect(isValidCipherSuite('-AES128-SHA')).toBe(true);
    expect(isValidCipherSuite('FOO')).toBe(false);
    expect(isPrime(65537)).toBe(true);
    expect(isPrime(65535)).toBe(false);
    expect(validateLocalities(['us/*', 'us/a'])).toBe('locality us/a overlap with previous specified ones');
    expect(validateLocalities(['us/*/a'])).toBe("locality us/*/a wildcard '*' number can not exceed 1 and must be in the end");
    expect(validateLocalities(['us//a'])).toBe('locality us//a must not contain empty region/zone/subzone info');
    expect(validateLocalities(['us/a', 'us/b/c', 'eu'])).toBeUndefined();
  });
});
