import { describe, expect, it } from 'vitest';
import { validateAdmission, validateObject } from '../../src/validate/webhook.js';

const gw = (extra: Record<string, unknown> = {}, spec: unknown = undefined): Record<string, unknown> => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { name: 'gw', namespace: 'ns' },
  spec: spec ?? { servers: [{ port: { number: 80, protocol: 'HTTP', name: 'http' }, hosts: ['example.com'] }] },
  ...extra,
});

describe('validateAdmission decision order', () => {
  it('allows non CREATE/UPDATE operations without looking at the object, but reports the reason', () => {
    for (const operation of ['DELETE', 'CONNECT', '']) {
      expect(validateAdmission({ operation, object: 'garbage' })).toEqual({ allowed: true, warnings: [], reason: 'unsupported_operation' });
    }
  });

  it('denies an undecodable object with cannot decode configuration', () => {
    const out = validateAdmission({ operation: 'CREATE', object: 'not an object' });
    expect(out).toMatchObject({ allowed: false, reason: 'yaml_decode_error' });
    expect(out.message).toBe('cannot decode configuration: json: cannot unmarshal string into Go value of type crd.IstioKind');
    const badMeta = validateAdmission({ operation: 'UPDATE', object: { ...gw(), metadata: 'x' } });
    expect(badMeta.message).toBe(
      'cannot decode configuration: json: cannot unmarshal string into Go struct field IstioKind.metadata of type v1.ObjectMeta',
    );
  });

  it('looks kinds up by the object group+kind and ignores the version', () => {
    expect(validateObject(gw({ apiVersion: 'networking.istio.io/v9' })).allowed).toBe(true);
    const out = validateAdmission({ operation: 'CREATE', kind: { group: 'networking.istio.io', kind: 'Gateway' }, object: { apiVersion: 'v1', kind: 'Pod' } });
    expect(out).toEqual({ allowed: false, message: 'unrecognized type /v1, Kind=Pod', warnings: [], reason: 'unknown_type' });
    expect(validateObject({ apiVersion: 'networking.istio.io/v1', kind: 'Nope' }).message).toBe(
      'unrecognized type networking.istio.io/v1, Kind=Nope',
    );
  });

  it('allows Gateway API kinds after the metadata checks only', () => {
    const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { anything: 1 } };
    expect(validateObject(route)).toEqual({ allowed: true, warnings: [] });
    const rejected = validateObject({ ...route, metadata: { name: 'r', annotations: { 'internal.istio.io/parents': 'x' } } });
    expect(rejected.message).toBe('configuration is invalid: "internal.istio.io/parents" annotation found, this may not be set by users');
  });

  it('reports spec decoding problems as error decoding configuration', () => {
    const out = validateObject(gw({}, { servers: [{ port: { number: 'eighty', protocol: 'HTTP', name: 'http' }, hosts: ['a.com'] }] }));
    expect(out).toMatchObject({ allowed: false, reason: 'crd_conversion_error' });
    expect(out.message).toBe("error decoding configuration: invalid character 'e' looking for beginning of value");
    const enumOut = validateObject(gw({}, { servers: [{ port: { number: 443, protocol: 'HTTPS', name: 'https' }, hosts: ['a.com'], tls: { mode: 'FOO' } }] }));
    expect(enumOut.message).toBe(
      'error decoding configuration: unknown value "\\"FOO\\"" for enum istio.networking.v1alpha3.ServerTLSSettings.TLSmode',
    );
  });

  it('a decode error wins over the metadata annotation checks (Istio decodes first)', () => {
    const out = validateObject(
      gw({ metadata: { name: 'gw', annotations: { 'internal.istio.io/webhook-always-reject': 'x' } } }, { servers: 'x' }),
    );
    expect(out.reason).toBe('crd_conversion_error');
  });

  it('accepts snake_case proto names and enum numbers', () => {
    const spec = { servers: [{ port: { number: 443, protocol: 'HTTPS', name: 'https' }, hosts: ['a.com'], tls: { mode: 1, credential_name: 'c' } }] };
    expect(validateObject(gw({}, spec))).toEqual({ allowed: true, warnings: [] });
  });

  it('formats one error plainly and several with the go-multierror layout', () => {
    expect(validateObject(gw({}, { servers: [] })).message).toBe('configuration is invalid: gateway must have at least one server');
    const two = validateObject(gw({ metadata: { name: 'a.b' } }, { servers: [] }));
    expect(two.message).toBe(
      'configuration is invalid: 2 errors occurred:\n\t* invalid gateway name: "a.b"\n\t* gateway must have at least one server\n\n',
    );
  });

  it('checks top-level fields only after validation passed, naming request kind and namespace', () => {
    const out = validateAdmission({ operation: 'CREATE', kind: { kind: 'Gateway' }, namespace: 'ns1', object: gw({ extra: true }) });
    expect(out).toEqual({ allowed: false, message: 'unknown field "extra" on Gateway resource ns1/gw', warnings: [], reason: 'invalid_resource' });
    const invalidToo = validateAdmission({ operation: 'CREATE', kind: { kind: 'Gateway' }, object: gw({ extra: true }, { servers: [] }) });
    expect(invalidToo.message).toBe('configuration is invalid: gateway must have at least one server');
  });

  it('returns warnings only when allowed', () => {
    const warnSpec = { servers: [{ port: { number: 31400, protocol: 'TCP', name: 'tcp' }, hosts: ['a.com'], tls: { httpsRedirect: true } }] };
    // TCP with tls → error, so the httpsRedirect warning must be dropped
    const denied = validateObject(gw({}, warnSpec));
    expect(denied.allowed).toBe(false);
    expect(denied.warnings).toEqual([]);
    const okSpec = { servers: [{ port: { number: 443, protocol: 'TLS', name: 'tls' }, hosts: ['a.com'], tls: { mode: 'PASSTHROUGH', httpsRedirect: true } }] };
    expect(validateObject(gw({}, okSpec))).toEqual({ allowed: true, warnings: ['tls.httpsRedirect should only be used with http servers'] });
  });

  it('runs the dry-run annotation rule for every kind', () => {
    const out = validateObject(gw({ metadata: { name: 'gw', namespace: 'ns', annotations: { 'istio.io/dry-run': 'true' } } }));
    expect(out.message).toBe('configuration is invalid: ns/gw has unsupported annotation istio.io/dry-run, please remove the annotation');
  });

  it('answers dry-run requests exactly like real ones', () => {
    const req = { operation: 'CREATE', kind: { kind: 'Gateway' }, object: gw({}, { servers: [] }) };
    expect(validateAdmission({ ...req, dryRun: true })).toEqual(validateAdmission(req));
  });
});
