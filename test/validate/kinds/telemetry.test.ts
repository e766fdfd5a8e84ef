import { describe, expect, it } from 'vitest';
import { celParseError, validateTelemetry } from '../../../src/validate/kinds/telemetry.js';
import { run } from './d-helpers.js';

const ok = { error: undefined, warnings: [] };

describe('Telemetry access-log filter', () => {
  it('accepts expressions that parse, even if they would not type-check', () => {
    for (const e of ['response.code >= 400', "connection.mtls && request.url_path.contains('v1beta3')", 'response.code', 'true']) {
      expect(celParseError(e), e).toBeUndefined();
    }
  });
  it('rejects syntax errors in cel-go layout', () => {
    const err = celParseError(')++++');
    expect(err).toMatch(/^must be a valid CEL expression, ERROR: <input>:1:1: Syntax error: /);
    expect(err).toContain('\n | )++++\n | ^');
    expect(celParseError('a &&')).toMatch(/<input>:1:5: Syntax error/);
  });
});

describe('Telemetry', () => {
  it('accepts a full configuration', () => {
    expect(
      run(validateTelemetry, {
        selector: { matchLabels: { app: 'a' } },
        metrics: [{ providers: [{ name: 'prometheus' }], reportingInterval: '5s', overrides: [{ match: { metric: 'REQUEST_COUNT' }, tagOverrides: { a: { value: 'x' }, b: { operation: 'REMOVE' } } }] }],
        tracing: [{ providers: [{ name: 'otlp' }], randomSamplingPercentage: 54.5, customTags: { l: { literal: { value: 'v' } }, h: { header: { name: 'x' } }, e: { environment: { name: 'E' } } } }],
        accessLogging: [{ providers: [{ name: 'stdout' }], filter: { expression: 'true' } }],
      }),
    ).toEqual(ok);
  });
  it('requires provider names', () => {
    expect(run(validateTelemetry, { metrics: [{ providers: [{ name: '' }] }] }).error).toBe('providers.name may not be empty');
    expect(run(validateTelemetry, { accessLogging: [{ providers: [{}] }] }).error).toBe('providers.name may not be empty');
  });
  it('checks tag overrides', () => {
    const m = (tags: unknown): unknown => ({ metrics: [{ overrides: [{ tagOverrides: tags }] }] });
    expect(run(validateTelemetry, m({ foo: { operation: 'UPSERT' } })).error).toBe('tagOverrides.value must be set when operation is UPSERT');
    expect(run(validateTelemetry, m({ foo: {} })).error).toBe('tagOverrides.value must be set when operation is UPSERT');
    expect(run(validateTelemetry, m({ foo: { operation: 'REMOVE', value: 'oops' } })).error).toBe(
      'tagOverrides.value may only be set when operation is UPSERT',
    );
    expect(run(validateTelemetry, m({ foo: null })).error).toBe('tagOverrides may not be null');
    expect(run(validateTelemetry, m({ '': { value: 'x' } }))).toEqual({ error: undefined, warnings: ['tagOverrides.name may not be empty'] });
  });
  it('rejects an empty customMetric', () => {
    expect(run(validateTelemetry, { metrics: [{ overrides: [{ match: { customMetric: '' } }] }] }).error).toBe('customMetric may not be empty');
  });
  it('warns about multiple tracing entries and providers', () => {
    expect(run(validateTelemetry, { tracing: [{}, { providers: [{ name: 'a' }, { name: 'b' }] }] })).toEqual({
      error: undefined,
      warnings: ['multiple tracing is not currently supported', 'multiple providers is not currently supported'],
    });
  });
  it('bounds the sampling percentage and checks custom tags', () => {
    expect(run(validateTelemetry, { tracing: [{ randomSamplingPercentage: 101 }] }).error).toBe(
      'randomSamplingPercentage must be in range [0.0, 100.0]',
    );
    expect(run(validateTelemetry, { tracing: [{ customTags: { a: null, b: { literal: {} }, c: { header: {} }, d: { environment: {} } } }] }).error).toBe(
      "4 errors occurred:\n\t* tag 'a' may not have a nil value\n\t* literal tag value may not be empty\n\t* header tag name may not be empty\n\t* environment tag name may not be empty\n\n",
    );
    expect(run(validateTelemetry, { tracing: [{ customTags: { '': { literal: { value: 'x' } } } }] }).error).toBe('tag name may not be empty');
  });
  it('rejects a filter that is not CEL', () => {
    expect(run(validateTelemetry, { accessLogging: [{ filter: { expression: ')++++' } }] }).error).toMatch(
      /^must be a valid CEL expression, ERROR: <input>:1:1: Syntax error:/,
    );
  });
  it('applies the targeting rules', () => {
    expect(run(validateTelemetry, { targetRef: { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'g' } })).toEqual(ok);
    expect(run(validateTelemetry, { selector: {}, targetRefs: [{ kind: 'Service', name: 's' }] })).toEqual({
      error: 'only one of targetRefs or workloadSelector can be set',
      warnings: ['workload selector specified without labels'],
    });
  });
});
