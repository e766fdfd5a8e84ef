import { describe, expect, it } from 'vitest';
import { CEL_SKIPPED_MESSAGE, createCrdValidator, CrdLoadError, parseCrdCatalog } from '../../../src/validate/schema/index.js';
import { WIDGET_CRD, widget } from './fixture-crd.js';

const validator = createCrdValidator(parseCrdCatalog(WIDGET_CRD, 'fixture'));
const errorsOf = (spec: Record<string, unknown>): string[] => validator.validate(widget(spec)).errors;

describe('CRD catalog', () => {
  it('lists every version of every CRD and ignores non-CRD documents', () => {
    const list = validator.list().map((g) => `${g.group}/${g.version}/${g.kind}:${g.served ? 'served' : 'off'}`);
    expect(list.sort()).toEqual([
      'example.mesh.dev/v1/Widget:served',
      'example.mesh.dev/v1alpha1/Widget:off',
      'example.mesh.dev/v1beta1/Widget:served',
    ]);
  });

  it('reads the List that `kubectl get crd -o yaml` prints', async () => {
    const { parse, parseAllDocuments, stringify } = await import('yaml');
    const items = parseAllDocuments(WIDGET_CRD).map((d) => d.toJS() as unknown).filter((d) => d !== null);
    const list = stringify({ apiVersion: 'v1', kind: 'List', items });
    const fromList = createCrdValidator(parseCrdCatalog(list, 'list.yaml'));
    expect(fromList.list().map((g) => `${g.group}/${g.version}/${g.kind}`).sort()).toEqual(validator.list().map((g) => `${g.group}/${g.version}/${g.kind}`).sort());
    expect(parse(list)).toMatchObject({ kind: 'List' });
  });

  it('rejects a CRD without a schema instead of silently skipping it', () => {
    const broken = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: x.y }
spec:
  group: y
  names: { kind: X }
  versions: [{ name: v1, served: true }]
`;
    expect(() => parseCrdCatalog(broken, 'broken.yaml')).toThrow(CrdLoadError);
    expect(() => parseCrdCatalog(broken, 'broken.yaml')).toThrow(/version v1 has no schema.openAPIV3Schema/);
  });
});

describe('object identification', () => {
  it('names an unknown group/kind in one error', () => {
    const r = validator.validate({ apiVersion: 'other.dev/v1', kind: 'Thing', metadata: { name: 'a' } });
    expect(r.errors).toEqual(['unrecognized type other.dev/v1, Kind=Thing: no CustomResourceDefinition schema for it']);
  });

  it('refuses a version the CRD does not serve and lists the served ones', () => {
    const r = validator.validate({ ...widget({}), apiVersion: 'example.mesh.dev/v1alpha1' });
    expect(r.errors).toEqual(['version "v1alpha1" of Widget.example.mesh.dev is not served (served: v1, v1beta1)']);
  });

  it('uses the schema of the requested version', () => {
    const loose = { ...widget({ replicas: 'many' }), apiVersion: 'example.mesh.dev/v1beta1' };
    expect(validator.validate(loose).errors).toEqual([]);
    expect(errorsOf({ replicas: 'many' })[0]).toContain('spec.replicas in body must be of type integer');
  });

  it('rejects non-objects and missing apiVersion/kind clearly', () => {
    expect(validator.validate([1]).errors).toEqual(['not a Kubernetes resource: expected a mapping, got a list']);
    expect(validator.validate({ kind: 'Widget' }).errors).toEqual(['not a Kubernetes resource: apiVersion must be a non-empty string']);
    expect(validator.validate({ apiVersion: 'example.mesh.dev/v1' }).errors).toEqual([
      'not a Kubernetes resource: kind must be a non-empty string',
    ]);
  });

  it('requires metadata.name like the apiserver', () => {
    const r = validator.validate({ apiVersion: 'example.mesh.dev/v1', kind: 'Widget', metadata: {}, spec: {} });
    expect(r.errors).toEqual(['metadata.name: Required value: name or generateName is required', CEL_SKIPPED_MESSAGE]);
  });
});

describe('OpenAPI v3 errors read like the apiserver', () => {
  it('accepts a fully valid object', () => {
    expect(
      errorsOf({
        alpha: 'a',
        color: 'RED',
        name: 'abc',
        code: 'beef',
        replicas: 3,
        ratio: 0.5,
        timeout: '1h30m',
        endpoint: 'https://example.com/x',
        tags: ['a'],
        port: 'http',
        labels: { app: 'x' },
        ports: { '8080': { mode: 'STRICT' } },
        listeners: [{ name: 'a', number: 80 }, { name: 'b', number: 81 }],
        match: { exact: '/x' },
        extra: { anything: [1, 2, { deep: true }] },
        unknownFieldIsPruned: 1,
      }),
    ).toEqual([]);
  });

  it('reports a missing required object', () => {
    const r = validator.validate({ apiVersion: 'example.mesh.dev/v1', kind: 'Widget', metadata: { name: 'a' } });
    expect(r.errors).toEqual(['spec: Required value', CEL_SKIPPED_MESSAGE]);
  });

  it('reports a missing required field inside a list item with its index', () => {
    expect(errorsOf({ listeners: [{ number: 80 }] })).toEqual(['spec.listeners[0].name: Required value', CEL_SKIPPED_MESSAGE]);
  });

  it('reports enums as Unsupported value with the allowed list', () => {
    expect(errorsOf({ color: 'BLUE' })).toEqual(['spec.color: Unsupported value: "BLUE": supported values: "RED", "GREEN"', CEL_SKIPPED_MESSAGE]);
  });

  it('reports length, pattern and numeric bounds', () => {
    expect(errorsOf({ name: '' })).toEqual(['spec.name: Invalid value: "": spec.name in body should be at least 1 chars long']);
    expect(errorsOf({ name: 'abcdefghi' })).toEqual(['spec.name: Too long: may not be more than 8 bytes', CEL_SKIPPED_MESSAGE]);
    expect(errorsOf({ code: 'xyz' })).toEqual([`spec.code: Invalid value: "xyz": spec.code in body should match '^[a-f0-9]{4}$'`]);
    expect(errorsOf({ replicas: -1 })).toEqual(['spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0']);
    // Go prints float64 limits with %v: large ones in exponent form.
    expect(errorsOf({ replicas: 4294967296 })).toEqual([
      'spec.replicas: Invalid value: 4294967296: spec.replicas in body should be less than or equal to 4.294967295e+09',
    ]);
    expect(errorsOf({ ratio: 1.5 })).toEqual(['spec.ratio: Invalid value: 1.5: spec.ratio in body should be less than or equal to 1']);
  });

  it('reports too many items and too few properties', () => {
    expect(errorsOf({ tags: ['a', 'b', 'c'] })).toEqual(['spec.tags: Too many: 3: must have at most 2 items', CEL_SKIPPED_MESSAGE]);
    expect(errorsOf({ labels: {} })).toEqual([
      'spec.labels: Invalid value: map[string]interface {}{}: spec.labels in body should have at least 1 properties',
    ]);
  });

  it('reports null for a non-nullable object and accepts it for a nullable one', () => {
    const nul = validator.validate({ apiVersion: 'example.mesh.dev/v1', kind: 'Widget', metadata: { name: 'a' }, spec: null });
    expect(nul.errors[0]).toBe('spec: Invalid value: "null": spec in body must be of type object: "null"');
    expect(errorsOf({ extra: null })).toEqual([]);
  });

  it('accepts both shapes of an int-or-string field and rejects others', () => {
    expect(errorsOf({ port: 80 })).toEqual([]);
    expect(errorsOf({ port: 'http' })).toEqual([]);
    expect(errorsOf({ port: true })).toEqual(['spec.port: Invalid value: true: spec.port in body must validate at least one schema (anyOf)']);
  });

  it('reports a oneOf violation once, not the branches', () => {
    expect(errorsOf({ match: { exact: 'a', prefix: 'b' } })).toEqual([
      'spec.match: Invalid value: map[string]interface {}{"exact":"a", "prefix":"b"}: spec.match in body must validate one and only one schema (oneOf)',
    ]);
    expect(errorsOf({ match: {} })).toEqual([]);
  });

  it('keeps evaluating CEL after a non-blocking error such as a pattern mismatch', () => {
    expect(errorsOf({ code: 'xyz', alpha: 'a', beta: 'b' })).toEqual([
      `spec.code: Invalid value: "xyz": spec.code in body should match '^[a-f0-9]{4}$'`,
      'spec: Invalid value: "object": only one of alpha or beta',
    ]);
  });

  it('stops CEL after an enum error, as the apiserver does', () => {
    expect(errorsOf({ color: 'BLUE', alpha: 'a', beta: 'b' })).toEqual([
      'spec.color: Unsupported value: "BLUE": supported values: "RED", "GREEN"',
      CEL_SKIPPED_MESSAGE,
    ]);
  });

  it('stops CEL after a type error and says so', () => {
    const errors = errorsOf({ tags: 'x', alpha: 'a', beta: 'b' });
    expect(errors).toEqual(['spec.tags: Invalid value: "string": spec.tags in body must be of type array: "string"', CEL_SKIPPED_MESSAGE]);
  });
});

describe('x-kubernetes-list-type', () => {
  it('flags a repeated map key with the keys as value', () => {
    expect(errorsOf({ listeners: [{ name: 'a', number: 1 }, { name: 'a', number: 2 }] })).toEqual([
      'spec.listeners[1]: Duplicate value: map[string]interface {}{"name":"a"}',
    ]);
  });
});

describe('x-kubernetes-validations (CEL)', () => {
  it('reports a failed rule with its message at the rule location', () => {
    expect(errorsOf({ alpha: 'a', beta: 'b' })).toEqual(['spec: Invalid value: "object": only one of alpha or beta']);
  });

  it('uses "failed rule: <rule>" when the rule has no message', () => {
    expect(errorsOf({ replicas: 13 })).toEqual(['spec: Invalid value: "object": failed rule: !has(self.replicas) || self.replicas != 13']);
  });

  it('prefers messageExpression output', () => {
    expect(errorsOf({ color: 'GREEN', replicas: 2 })).toEqual(['spec: Invalid value: "object": green needs a shade, got 2']);
  });

  it('reports a runtime error in cel-go wording with the rule', () => {
    expect(errorsOf({ mode: 'UPSERT' })).toEqual([
      'spec: Invalid value: "object": no such key: value evaluating rule: value must be set for UPSERT',
    ]);
    expect(errorsOf({ ports: { abc: {} } })).toEqual([
      "spec.ports: Invalid value: \"object\": type conversion error from 'string' to 'int' evaluating rule: port must be between 1-65535",
    ]);
  });

  it('evaluates rules on map values with [key] paths and on list items with [i] paths', () => {
    expect(errorsOf({ labels: { app: 'a*' } })).toEqual(['spec.labels[app]: Invalid value: "string": no wildcard in label value']);
    expect(errorsOf({ listeners: [{ name: 'a', number: 70000 }] })).toEqual([
      'spec.listeners[0].number: Invalid value: "integer": port must be between 1-65535',
    ]);
    expect(errorsOf({ ports: { '0': {} } })).toEqual(['spec.ports: Invalid value: "object": port must be between 1-65535']);
  });

  it('skips transition rules (oldSelf) since every object is validated as a create', () => {
    expect(errorsOf({ alpha: 'changed' })).toEqual([]);
  });

  it('parses durations the Go way', () => {
    expect(errorsOf({ timeout: '500us' })).toEqual(['spec.timeout: Invalid value: "string": must be a valid duration greater than 1ms']);
    expect(errorsOf({ timeout: '1.5s' })).toEqual([]);
    expect(errorsOf({ timeout: 'soon' })).toEqual([
      "spec.timeout: Invalid value: \"string\": type conversion error from 'string' to 'google.protobuf.Duration' evaluating rule: must be a valid duration greater than 1ms",
    ]);
  });

  it('implements url().getScheme()', () => {
    expect(errorsOf({ endpoint: 'http://a.example' })).toEqual([]);
    expect(errorsOf({ endpoint: 'ftp://a.example' })).toEqual(['spec.endpoint: Invalid value: "string": url must have scheme http:// or https://']);
    expect(errorsOf({ endpoint: 'no-scheme' })[0]).toMatch(
      /^spec\.endpoint: Invalid value: "string": URL parse error during conversion from string: .*invalid URI for request evaluating rule/,
    );
  });
});

describe('unknown fields (kubectl strict field validation)', () => {
  it('lists undeclared fields at any depth, outside preserve-unknown and map subtrees', () => {
    const obj: Record<string, unknown> = {
      ...widget({
        bogus: 1,
        listeners: [{ name: 'a', nmber: 2 }],
        labels: { anything: 'goes' },
        extra: { free: { form: true } },
      }),
      topLevel: true,
    };
    (obj.metadata as Record<string, unknown>).nmae = 'typo';
    expect(validator.unknownFields(obj)).toEqual([
      'strict decoding error: unknown field "metadata.nmae", unknown field "spec.bogus", unknown field "spec.listeners[0].nmber", unknown field "topLevel"',
    ]);
    // The default (non-strict) validation prunes them silently, like the apiserver.
    expect(validator.validate(obj).errors).toEqual([]);
  });

  it('reports nothing for a clean object or an unknown kind', () => {
    expect(validator.unknownFields(widget({ alpha: 'x' }))).toEqual([]);
    expect(validator.unknownFields({ apiVersion: 'x/v1', kind: 'Y', spec: { z: 1 } })).toEqual([]);
  });
});
