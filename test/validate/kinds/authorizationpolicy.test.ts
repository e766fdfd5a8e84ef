import { describe, expect, it } from 'vitest';
import {
  attributeError,
  pathTemplateError,
  serviceAccountError,
  validateAuthorizationPolicy,
} from '../../../src/validate/kinds/authorizationpolicy.js';
import { run } from './d-helpers.js';

const ok = { error: undefined, warnings: [] };
const P = 'invalid policy foo.bar:';
const rule = (r: unknown): unknown => ({ rules: [r] });

describe('AuthorizationPolicy attribute keys', () => {
  it('accepts the supported keys and checks their values', () => {
    expect(attributeError('request.headers[x-token]', ['a'])).toBeUndefined();
    expect(attributeError('source.ip', ['10.0.0.0/8', '1.2.3.4'])).toBeUndefined();
    expect(attributeError('destination.port', ['80'])).toBeUndefined();
    expect(attributeError('request.auth.claims[iss]', ['x'])).toBeUndefined();
    expect(attributeError('experimental.envoy.filters.a.b[c]', ['x'])).toBeUndefined();
    expect(attributeError('connection.sni', ['*.example.com'])).toBeUndefined();
  });
  it('rejects malformed values and keys with security.go messages', () => {
    expect(attributeError('source.ip', ['1.2.3.4/33'])).toBe(
      '1 error occurred:\n\t* bad CIDR range (1.2.3.4/33): netip.ParsePrefix("1.2.3.4/33"): prefix length out of range\n\n',
    );
    expect(attributeError('destination.port', ['abc'])).toBe(
      '1 error occurred:\n\t* bad port (abc): strconv.ParseUint: parsing "abc": invalid syntax\n\n',
    );
    expect(attributeError('request.headers', ['a'])).toBe('bad key (request.headers): should have format a[b]');
    expect(attributeError('request.headers[]', ['a'])).toBe('bad key (request.headers[]): should have format a[b]');
    expect(attributeError('source.trustDomain', ['a*b'])).toBe('wildcard is only allowed at the start or end, found in source.trustDomain: "a*b"');
    expect(attributeError('destination.namespace', ['a'])).toBe('attribute destination.namespace is replaced by the metadata.namespace');
    expect(attributeError('destination.labels[app]', ['a'])).toBe('attribute destination.labels[app] is replaced by the workload selector');
    expect(attributeError('destination.user', ['a'])).toBe('deprecated attribute destination.user: only supported in v1alpha1');
    expect(attributeError('foo', ['a'])).toBe('unknown attribute: foo');
    expect(attributeError('source.ip', [''])).toBe('empty value not allowed, found in source.ip');
  });
  it('checks service accounts and path templates', () => {
    expect(serviceAccountError('ServiceAccounts', ['ns/sa', 'sa'])).toBeUndefined();
    expect(serviceAccountError('ServiceAccounts', ['a/b/c'])).toBe(
      "expected format 'serviceAccount' or 'namespace/serviceAccount', found \"a/b/c\" in ServiceAccounts",
    );
    expect(serviceAccountError('ServiceAccounts', ['/sa'])).toContain('found empty namespace "/sa"');
    expect(serviceAccountError('ServiceAccounts', ['sa*'])).toBe('wildcard not allowed, found in ServiceAccounts');
    expect(serviceAccountError('ServiceAccounts', Array.from({ length: 17 }, (_, i) => `s${i}`))).toBe('may not have more than 16 values');
    expect(pathTemplateError('Paths', ['/foo/{*}/bar/{**}'])).toBeUndefined();
    expect(pathTemplateError('Paths', ['/foo/{**}/{*}'])).toBe('invalid or unsupported path foo/{**}/{*}, found in Paths. {**} is not the last operator');
    expect(pathTemplateError('Paths', ['/foo/{x}'])).toBe(
      "invalid or unsupported path foo/{x}, found in Paths. Contains '{' or '}' beyond a supported path template",
    );
    expect(pathTemplateError('Paths', ['/a b/{*}'])).toBe(
      'invalid or unsupported path a b/{*}, found in Paths. Contains segment a b with invalid string literal',
    );
    expect(pathTemplateError('Paths', ['/a b/c'])).toBeUndefined();
  });
});

describe('AuthorizationPolicy', () => {
  it('accepts typical policies', () => {
    expect(run(validateAuthorizationPolicy, {})).toEqual(ok);
    expect(
      run(validateAuthorizationPolicy, {
        selector: { matchLabels: { app: 'httpbin' } },
        rules: [{ from: [{ source: { principals: ['sa1'] } }], to: [{ operation: { methods: ['GET'], paths: ['/x/{*}'] } }], when: [{ key: 'request.headers[foo]', values: ['bar'] }] }],
      }),
    ).toEqual(ok);
    expect(run(validateAuthorizationPolicy, { action: 'CUSTOM', provider: { name: 'ext' }, rules: [{}] })).toEqual(ok);
  });
  it('prefixes every error with the policy name', () => {
    expect(run(validateAuthorizationPolicy, { action: 'DENY' }).error).toBe(
      `${P} DENY action without \`rules\` is meaningless as it will never be triggered, add an empty rule \`{}\` if you want it be triggered for every request`,
    );
    expect(run(validateAuthorizationPolicy, { action: 'ALLOW', provider: { name: 'x' } }).error).toBe(
      `${P} \`provider\` must not be with non CUSTOM action, found ALLOW`,
    );
  });
  it('treats an empty rules list like a missing one (jsonpb leaves it nil)', () => {
    expect(run(validateAuthorizationPolicy, { action: 'CUSTOM', provider: { name: 'x' }, rules: [] }).error).toContain(
      `${P} CUSTOM action without \`rules\` is meaningless`,
    );
  });
  it('restricts CUSTOM rules', () => {
    expect(run(validateAuthorizationPolicy, { action: 'CUSTOM', rules: [{}] }).error).toBe(`${P} \`provider.name\` must not be empty`);
    expect(
      run(validateAuthorizationPolicy, {
        action: 'CUSTOM',
        provider: { name: 'x' },
        rules: [{ from: [{ source: { namespaces: ['a'], requestPrincipals: ['b'] } }], when: [{ key: 'request.auth.claims[a]', values: ['x'] }] }],
      }).error,
    ).toBe(
      `3 errors occurred:\n\t* ${P} From.Namespaces is currently not supported with CUSTOM action\n\t* ${P} From.RequestPrincipals is currently not supported with CUSTOM action\n\t* ${P} request.auth.claims[a] is currently not supported with CUSTOM action\n\n`,
    );
  });
  it('rejects nil and empty sources and operations', () => {
    expect(run(validateAuthorizationPolicy, rule({ from: [{}] })).error).toBe(`${P} \`from.source\` must not be nil, found at rule 0`);
    expect(run(validateAuthorizationPolicy, rule({ from: [{ source: {} }] })).error).toBe(`${P} \`from.source\` must not be empty, found at rule 0`);
    expect(run(validateAuthorizationPolicy, rule({ to: [{}] })).error).toBe(`${P} \`to.operation\` must not be nil, found at rule 0`);
    expect(run(validateAuthorizationPolicy, rule({ to: [{ operation: {} }] })).error).toBe(
      `${P} \`to.operation\` must not be empty, found at rule 0`,
    );
  });
  it('rejects serviceAccounts mixed with principals or namespaces', () => {
    expect(run(validateAuthorizationPolicy, rule({ from: [{ source: { serviceAccounts: ['sa'], namespaces: ['ns'] } }] })).error).toBe(
      `${P} cannot set serviceAccounts with namespaces or principals, found at rule 0`,
    );
  });
  it('checks IP blocks, ports and empty values', () => {
    expect(run(validateAuthorizationPolicy, rule({ from: [{ source: { ipBlocks: ['1.2.3.4/33', 'x'] } }] })).error).toBe(
      `2 errors occurred:\n\t* ${P} bad CIDR range (1.2.3.4/33): netip.ParsePrefix("1.2.3.4/33"): prefix length out of range\n\t* ${P} bad IP address (x)\n\n`,
    );
    expect(run(validateAuthorizationPolicy, rule({ to: [{ operation: { ports: ['70000'] } }] })).error).toBe(
      `1 error occurred:\n\t* ${P} bad port (70000): <nil>\n\n`,
    );
    expect(run(validateAuthorizationPolicy, rule({ to: [{ operation: { methods: [''] } }] })).error).toBe(`${P} empty value not allowed, found in Methods`);
    expect(run(validateAuthorizationPolicy, rule({ from: [{ source: { trustDomains: ['a/b'] } }] })).error).toBe(
      `${P} trust domain must not contain '/', found in TrustDomains: "a/b"`,
    );
  });
  it('checks conditions', () => {
    expect(run(validateAuthorizationPolicy, rule({ when: [{ values: ['x'] }] })).error).toBe(`${P} \`key\` must not be empty`);
    expect(run(validateAuthorizationPolicy, rule({ when: [{ key: 'source.ip' }] })).error).toBe(
      `${P} at least one of \`values\` or \`notValues\` must be set for key source.ip`,
    );
    expect(run(validateAuthorizationPolicy, rule({ when: [{ key: 'foo', notValues: ['x'] }] })).error).toBe(
      `2 errors occurred:\n\t* ${P} invalid \`value\` for \`key\` foo: unknown attribute: foo\n\t* ${P} invalid \`notValue\` for \`key\` foo: unknown attribute: foo\n\n`,
    );
  });
  it('warns when a DENY rule only uses HTTP attributes', () => {
    const warning =
      'configured AuthorizationPolicy will deny all traffic to TCP ports under its scope due to the use of only HTTP attributes in a DENY rule; it is recommended to explicitly specify the port';
    expect(run(validateAuthorizationPolicy, { action: 'DENY', rules: [{ to: [{ operation: { methods: ['GET'] } }] }] })).toEqual({
      error: undefined,
      warnings: [warning],
    });
    expect(run(validateAuthorizationPolicy, { action: 'DENY', rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] }).warnings).toEqual([warning]);
    expect(run(validateAuthorizationPolicy, { action: 'DENY', rules: [{ to: [{ operation: { methods: ['GET'], ports: ['80'] } }] }] })).toEqual(ok);
    expect(run(validateAuthorizationPolicy, { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['a'] } }] }] })).toEqual(ok);
  });
  it('applies selector and targetRef rules with the prefix, keeping the selector warning', () => {
    expect(run(validateAuthorizationPolicy, { selector: {} })).toEqual({ error: undefined, warnings: ['workload selector specified without labels'] });
    expect(run(validateAuthorizationPolicy, { targetRef: { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'g', namespace: 'o' } }).error).toBe(
      `${P} targetRef namespace must not be set; cross namespace referencing is not supported`,
    );
  });
});
