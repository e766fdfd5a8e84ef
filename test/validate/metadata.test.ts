import { describe, expect, it } from 'vitest';
import { checkMetadata } from '../../src/validate/metadata.js';
import { validateObject } from '../../src/validate/webhook.js';

const meta = (annotations: Record<string, string>) => ({ name: 'n', namespace: 'ns', labels: {}, annotations });

describe('metadata annotation rules', () => {
  it('allows istio.io/dry-run only on AuthorizationPolicy ALLOW/DENY with a ParseBool value', () => {
    expect(checkMetadata(meta({ 'istio.io/dry-run': 'true' }), true, 'ALLOW')).toBeUndefined();
    expect(checkMetadata(meta({ 'istio.io/dry-run': 'F' }), true, 'DENY')).toBeUndefined();
    expect(checkMetadata(meta({ 'istio.io/dry-run': 'yes' }), true, 'ALLOW')).toBe(
      'ns/n has annotation istio.io/dry-run with invalid value (yes): strconv.ParseBool: parsing "yes": invalid syntax',
    );
    expect(checkMetadata(meta({ 'istio.io/dry-run': 'true' }), true, 'AUDIT')).toBe(
      'the annotation istio.io/dry-run currently only supports action ALLOW/DENY, found action AUDIT in ns/n',
    );
    expect(checkMetadata(meta({ 'istio.io/dry-run': 'true' }), false, undefined)).toBe(
      'ns/n has unsupported annotation istio.io/dry-run, please remove the annotation',
    );
  });

  it('bans the internal annotations, in Istio order', () => {
    expect(checkMetadata(meta({ 'internal.istio.io/webhook-always-reject': '' }), false, undefined)).toBe(
      '"internal.istio.io/webhook-always-reject" annotation found, rejecting',
    );
    expect(checkMetadata(meta({ 'internal.istio.io/parent-namespace': 'x', 'internal.istio.io/parents': 'y' }), false, undefined)).toBe(
      '"internal.istio.io/parent-namespace" annotation found, this may not be set by users',
    );
    expect(checkMetadata(meta({ 'internal.istio.io/route-semantics': 'gateway' }), false, undefined)).toBeUndefined();
  });

  it('reads the AuthorizationPolicy action from the spec for the dry-run rule', () => {
    const ap = (action: string) => ({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'n', namespace: 'ns', annotations: { 'istio.io/dry-run': 'true' } },
      spec: { action, rules: [{}] },
    });
    expect(validateObject(ap('AUDIT')).message).toBe(
      'configuration is invalid: the annotation istio.io/dry-run currently only supports action ALLOW/DENY, found action AUDIT in ns/n',
    );
    expect(validateObject(ap('BOGUS')).reason).toBe('crd_conversion_error');
  });
});
