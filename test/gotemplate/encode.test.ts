import { describe, expect, it } from 'vitest';
import { marshalJson, marshalJsonIndent, marshalYaml } from '../../src/gotemplate/encode.js';
import { yamlKeyLess } from '../../src/k8s/yaml-print.js';
import { goEnum, goNil, goStringMap, goStruct } from '../../src/gotemplate/values.js';

describe('encoding/json', () => {
  it('sorts map keys, escapes like Go, prints ints and floats like Go', () => {
    expect(marshalJson({ b: 1.5, a: 10n, c: 'q"\\\n\t<>&\u2028', d: [true, null, 1e21, 1e-7, 100] })).toBe(
      '{"a":10,"b":1.5,"c":"q\\"\\\\\\n\\t\\u003c\\u003e\\u0026\\u2028","d":[true,null,1e+21,1e-7,100]}',
    );
  });
  it('encodes structs with json tags, omitempty, nested typed maps, nil pointers and enums', () => {
    const s = goStruct(
      'x.T',
      { Name: 'n', Empty: '', Zero: 0n, Labels: goStringMap({ z: '1', a: '2' }), Ptr: goNil('*x.P'), Mode: goEnum('x.M', 2, 'TWO'), Kept: '' },
      {
        json: [
          { field: 'Name', json: 'name' },
          { field: 'Empty', json: 'empty', omitempty: true },
          { field: 'Zero', json: 'zero', omitempty: true },
          { field: 'Labels', json: 'labels', omitempty: true },
          { field: 'Ptr', json: 'ptr', omitempty: true },
          { field: 'Mode', json: 'mode' },
          { field: 'Kept', json: 'kept' },
        ],
      },
    );
    expect(marshalJson(s)).toBe('{"name":"n","labels":{"a":"2","z":"1"},"mode":2,"kept":""}');
  });
  it('encodes untagged structs by Go field name in order, and nil typed maps as null', () => {
    expect(marshalJson(goStruct('x.U', { B: 1n, A: goStringMap(null) }))).toBe('{"B":1,"A":null}');
  });
  it('indents with MarshalIndent layout, empty containers stay compact', () => {
    expect(marshalJsonIndent({ a: [], b: {}, c: [1n] })).toBe('{\n  "a": [],\n  "b": {},\n  "c": [\n    1\n  ]\n}');
  });
  it('rejects NaN like Go', () => {
    expect(() => marshalJson(NaN)).toThrow('json: unsupported value: NaN');
  });
});

describe('sigs.k8s.io/yaml output', () => {
  it('writes nested maps with two-space indent and lists unindented under keys', () => {
    expect(marshalYaml({ spec: { containers: [{ name: 'a', ports: [{ containerPort: 80 }] }], empty: {}, none: [] } })).toBe(
      'spec:\n  containers:\n  - name: a\n    ports:\n    - containerPort: 80\n  empty: {}\n  none: []\n',
    );
  });
  it('writes scalars at the top level and empty documents as {}', () => {
    expect(marshalYaml('abc')).toBe('abc\n');
    expect(marshalYaml({})).toBe('{}\n');
    expect(marshalYaml(null)).toBe('null\n');
    expect(marshalYaml([[1, 2], []])).toBe('- - 1\n  - 2\n- []\n');
  });
  it('integral floats become ints; other floats use %g with shortest digits', () => {
    expect(marshalYaml({ a: 1, b: 1.5, c: 1e-7, d: 1e6, e: 2n })).toBe('a: 1\nb: 1.5\nc: 1e-07\nd: 1000000\ne: 2\n');
  });
  it.each([
    ['true', '"true"'],
    ['123', '"123"'],
    ['', '""'],
    ['1.5', '"1.5"'],
    ['null', '"null"'],
    ['~', '"~"'],
    ['y', '"y"'],
    ['off', '"off"'],
    ['0x1F', '"0x1F"'],
    ['1:20', '"1:20"'],
    ['2001-12-14', '"2001-12-14"'],
    ['a: b', "'a: b'"],
    ['*', "'*'"],
    ['- x', "'- x'"],
    ['#c', "'#c'"],
    ['a #b', "'a #b'"],
    [' lead', "' lead'"],
    ['trail ', "'trail '"],
    ["'q", "'''q'"],
    ['@x', "'@x'"],
    ['{x}', "'{x}'"],
    ['tab\there', '"tab\\there"'],
    ['plain text', 'plain text'],
    ["it's", "it's"],
    ['a:b', 'a:b'],
    ['-x', '-x'],
    ['http://x/y?z=1', 'http://x/y?z=1'],
    ['100m', '100m'],
  ])('string %j is written as %s', (s, want) => {
    expect(marshalYaml({ k: s })).toBe(`k: ${want}\n`);
  });
  it('uses literal block style for multi-line strings', () => {
    expect(marshalYaml({ k: 'a\nb' })).toBe('k: |-\n  a\n  b\n');
    expect(marshalYaml({ k: 'a\nb\n' })).toBe('k: |\n  a\n  b\n');
    expect(marshalYaml([{ k: 'x\ny' }])).toBe('- k: |-\n    x\n    y\n');
  });
  it('quotes keys the same way as values', () => {
    expect(marshalYaml({ 'true': 1, 'a b': 2, '': 3 })).toBe('"": 3\na b: 2\n"true": 1\n');
  });
  it('sorts keys the way yaml.v2 does: digit runs numerically, letters after other characters', () => {
    expect(yamlKeyLess('a2', 'a10')).toBe(true);
    expect(yamlKeyLess('a10', 'a2')).toBe(false);
    expect(yamlKeyLess('a_b', 'ab')).toBe(true);
    expect(yamlKeyLess('B', 'a')).toBe(true);
    expect(marshalYaml({ item10: 1, item2: 2, Zed: 3, alpha: 4, '1x': 5 })).toBe('1x: 5\nZed: 3\nalpha: 4\nitem2: 2\nitem10: 1\n');
  });
});
