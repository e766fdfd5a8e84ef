import { describe, expect, it } from 'vitest';
import { K8sError } from '../../src/k8s/errors.js';
import { goTypeForKind } from '../../src/k8s/gotypes.js';
import { parseYamlDocument, parseYamlDocumentAs, parseYamlDocuments } from '../../src/k8s/yaml-parse.js';

const value = (scalar: string) => (parseYamlDocument(`v: ${scalar}\n`) as { v: unknown }).v;

describe('parseYamlDocument: yaml.v2 (YAML 1.1) scalar resolution', () => {
  it.each([
    ['yes', true], ['Yes', true], ['YES', true], ['y', true], ['on', true], ['ON', true], ['true', true], ['True', true],
    ['no', false], ['N', false], ['off', false], ['Off', false], ['false', false], ['FALSE', false],
  ])('bool %s', (s, want) => expect(value(s)).toBe(want));

  it.each([['~'], ['null'], ['Null'], ['NULL'], ['']])('null %j', (s) => expect(value(s)).toBeNull());

  it.each([
    ['123', 123], ['-5', -5], ['+7', 7], ['012', 10], ['0o17', 15], ['0x1F', 31], ['0b101', 5], ['1_000', 1000],
    ['08', 8], ['0', 0],
  ])('int %s', (s, want) => expect(value(s)).toBe(want));

  it.each([['1.5', 1.5], ['1e3', 1000], ['.5', 0.5], ['-2.5e-1', -0.25], ['1.', 1]])('float %s', (s, want) =>
    expect(value(s)).toBe(want),
  );

  it.each([
    ['hello'], ['2001-12-14'], ['12:30'], ['0x'], ['1.2.3'], ['+'], ['tRue'], ['nul'], ['.x'], ['1e'],
  ])('string %s', (s) => expect(value(s)).toBe(s));

  it('never resolves quoted or block scalars', () => {
    expect(parseYamlDocument(`a: "true"\nb: '123'\nc: |\n  yes\nd: >-\n  1\n  2\n`)).toEqual({
      a: 'true',
      b: '123',
      c: 'yes\n',
      d: '1 2',
    });
  });

  it('honours explicit !!str and !!int tags', () => {
    expect(parseYamlDocument(`a: !!str 123\nb: !!int "42"\n`)).toEqual({ a: '123', b: 42 });
    expect(() => parseYamlDocument(`a: !!int abc\n`)).toThrow(/cannot decode !!str `abc` as a !!int/);
  });

  it('turns non-string keys into strings like sigs.k8s.io/yaml', () => {
    expect(parseYamlDocument(`1: a\ntrue: b\n1.5: c\nyes: d\n`)).toEqual({ '1': 'a', true: 'd', '1.5': 'c' });
    expect(() => parseYamlDocument(`? \n: x\n`)).toThrow(/unsupported map key/);
  });

  it('stringifies number keys the way sigs.k8s.io/yaml does (floats via 32-bit %g)', () => {
    expect(parseYamlDocument('1e6: a\n0.0: b\n1.5: c\n9223372036854775807: d\n.inf: e\n')).toEqual({
      '1e+06': 'a',
      '0': 'b',
      '1.5': 'c',
      '9223372036854775807': 'd',
      '.inf': 'e',
    });
    expect(() => parseYamlDocument('18446744073709551615: x\n')).toThrow(/unsupported map key of type: uint64/);
  });

  it('keeps out-of-range floats as strings and decodes !!binary', () => {
    expect(parseYamlDocument('a: 1e400\nb: !!binary aGVsbG8=\n')).toEqual({ a: '1e400', b: 'hello' });
  });

  it('rejects escapes YAML 1.1 does not have', () => {
    expect(() => parseYamlDocument('a: "x\\/y"\n')).toThrow(/unknown escape character/);
    expect(() => parseYamlDocument('a: "\\ud83d\\ude00"\n')).toThrow(/invalid Unicode character escape code/);
    expect(parseYamlDocument('a: "\\x41\\u00e9\\N\\_\\t"\n')).toEqual({ a: 'Aé\u0085\u00a0\t' });
  });

  it('expands aliases and merge keys (explicit keys win)', () => {
    const doc = parseYamlDocument(`base: &b {p: 1, q: 2}\nuse:\n  <<: *b\n  q: 3\nlist: [*b]\n`);
    expect(doc).toEqual({ base: { p: 1, q: 2 }, use: { p: 1, q: 3 }, list: [{ p: 1, q: 2 }] });
    // yaml.v2 resolves the plain key `y` as a boolean, so it becomes "true"
    expect(parseYamlDocument('{x: 1, y: 2}')).toEqual({ x: 1, true: 2 });
  });

  it('keeps the last value for duplicate keys', () => {
    expect(parseYamlDocument('a: 1\na: 2\n')).toEqual({ a: 2 });
  });

  it('returns null for an empty document and reads only the first document', () => {
    expect(parseYamlDocument('')).toBeNull();
    expect(parseYamlDocument('# only a comment\n')).toBeNull();
    expect(parseYamlDocument('a: 1\n---\nb: 2\n')).toEqual({ a: 1 });
    expect(parseYamlDocuments('a: 1\n---\nb: 2\n')).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('rejects values JSON cannot carry', () => {
    expect(() => parseYamlDocument('a: .inf\n')).toThrow(/unsupported value/);
  });

  it('reports syntax errors with the line number', () => {
    const err = (() => {
      try {
        parseYamlDocument('ok: 1\nbad: "unterminated\n');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(K8sError);
    expect((err as K8sError).message).toMatch(/^yaml: line [23]: .*quote/);
    expect(() => parseYamlDocument('a: 1\nb: c: d\n')).toThrow(/^yaml: line 2: /);
  });
});

describe('hostile nesting', () => {
  it('refuses absurdly deep flow nesting with a typed error before parsing', () => {
    const deep = `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    expect(() => parseYamlDocument(deep)).toThrow(/nested deeper than 250 levels/);
    const fine = `a: ${'['.repeat(50)}1${']'.repeat(50)}\n`;
    expect(JSON.stringify(parseYamlDocument(fine))).toBe(`{"a":${'['.repeat(50)}1${']'.repeat(50)}}`);
  });

  it('ignores brackets inside quoted block values', () => {
    const text = `a: '${'['.repeat(300)}'\nb: "${'{'.repeat(300)}"\n`;
    expect(parseYamlDocument(text)).toEqual({ a: '['.repeat(300), b: '{'.repeat(300) });
  });

  it('reports block nesting the parser cannot follow as a K8sError', () => {
    let text = '';
    for (let i = 0; i < 1500; i++) text += `${' '.repeat(i)}k:\n`;
    expect(() => parseYamlDocument(text)).toThrow(K8sError);
  });
});

describe('parseYamlDocumentAs: sigs.k8s.io/yaml conversion by the Go field type', () => {
  const pod = (body: string) => `apiVersion: v1\nkind: Pod\n${body}`;
  // Test-local view of the decoded document; the shape is what each test wrote.
  const typed = (text: string, fastPath = true) => parseYamlDocumentAs(text, goTypeForKind, { fastPath }) as Record<string, any>;

  it.each([true, false])('converts block-style scalars alike on both readers (fast path %s)', (fastPath) => {
    const doc = typed(pod('metadata:\n  annotations:\n    a: no\n    b: 1.10\nspec:\n  containers:\n  - name: app\n    env:\n    - name: X\n      value: yes\n'), fastPath);
    expect(doc.metadata.annotations).toEqual({ a: 'false', b: '1.1' });
    expect(doc.spec.containers[0].env[0].value).toBe('true');
  });

  it('turns numbers and booleans in string fields into Go text', () => {
    const doc = typed(pod('metadata:\n  annotations: {a: no, b: y, c: 1.10, d: 0x1F, e: 010, f: 1e7, g: 3.14159265358979, h: 12345678901234567890, i: -9999999999999999999, j: !!float 7}\nspec:\n  containers:\n  - name: app\n    args: [yes, 5]\n    env:\n    - {name: X, value: on}\n'));
    expect(doc.metadata.annotations).toEqual({ a: 'false', b: 'true', c: '1.1', d: '31', e: '8', f: '1e+07', g: '3.1415927', h: '12345678901234567890', i: '-1e+19', j: '7' });
    expect(doc.spec.containers[0].args).toEqual(['true', '5']);
    expect(doc.spec.containers[0].env[0].value).toBe('true');
  });

  it('leaves numbers and booleans where the field is not a string, unknown, or promoted from an inlined struct', () => {
    const doc = typed(pod('spec:\n  hostNetwork: yes\n  terminationGracePeriodSeconds: 30\n  nope: yes\n  containers:\n  - name: app\n    readinessProbe:\n      httpGet: {path: yes, port: 80}\n'));
    expect(doc.spec.hostNetwork).toBe(true);
    expect(doc.spec.terminationGracePeriodSeconds).toBe(30);
    expect(doc.spec.nope).toBe(true);
    // Probe embeds ProbeHandler: sigs.k8s.io/yaml recurses with ProbeHandler as target, so `path` finds no field.
    expect(doc.spec.containers[0].readinessProbe.httpGet.path).toBe(true);
  });

  it("converts a List's registered items by their own type, after a JSON round trip", () => {
    const doc = typed('apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {annotations: {a: yes, b: 1e7}}\n- apiVersion: v1\n  kind: ConfigMap\n  data: {a: yes}\n');
    expect(doc.items[0].metadata.annotations).toEqual({ a: 'true', b: '10000000' });
    expect(doc.items[1].data.a).toBe(true);
  });

  it('converts nothing in a document of no known type', () => {
    expect(typed('apiVersion: v1\nkind: ConfigMap\ndata: {a: yes}\n').data.a).toBe(true);
  });
});

describe("an unclosed flow collection, in go-yaml's words (checked against sigs.k8s.io/yaml)", () => {
  it.each([
    ['not: [valid', "yaml: line 1: did not find expected ',' or ']'"],
    ['a: {b: 1', "yaml: line 1: did not find expected ',' or '}'"],
    ['a:\n  - [x, y\nb: 2\n', "yaml: line 2: did not find expected ',' or ']'"],
    ['x: [a, b}', "yaml: did not find expected ',' or ']'"],
    ['a: {b: [1, 2}', "yaml: did not find expected ',' or ']'"],
  ])('%j', (text, message) => expect(() => parseYamlDocument(text)).toThrow(message));
});
