import { describe, expect, it } from 'vitest';
import {
  GoStringMap,
  basicKind,
  byteLength,
  compareGoStrings,
  goDuration,
  goEnum,
  goNil,
  goStringMap,
  goStruct,
  goTypeName,
  isDuration,
  isPlainMap,
  isTrue,
} from '../../src/gotemplate/values.js';
import { formatValue } from '../../src/gotemplate/fmt.js';

describe('value model', () => {
  it('names Go types the way reflect does in error messages', () => {
    expect([null, 's', true, 1n, 1.5, [], {}, goStringMap({}), goStruct('v1.Pod', {}), goNil('*x.Y'), goEnum('x.E', 1, 'A')].map(goTypeName)).toEqual([
      'interface {}',
      'string',
      'bool',
      'int',
      'float64',
      '[]interface {}',
      'map[string]interface {}',
      'map[string]string',
      'v1.Pod',
      '*x.Y',
      'x.E',
    ]);
  });
  it('classifies basic kinds for comparisons; enums are ints', () => {
    expect([1n, goEnum('x.E', 1, 'A'), 2.5, 's', true, undefined, null, []].map(basicKind)).toEqual([
      'int', 'int', 'float', 'string', 'bool', 'invalid', 'invalid', 'other',
    ]);
  });
  it('truthiness follows template.IsTrue', () => {
    const cases: Array<[unknown, boolean]> = [
      [undefined, false], [null, false], ['', false], ['a', true], [0n, false], [2n, true], [0, false], [0.1, true],
      [[], false], [[0], true], [{}, false], [{ a: 1 }, true], [goStringMap(null), false], [goStringMap({ a: '' }), true],
      [goStruct('x.S', {}), true], [goNil('*x.S'), false], [goEnum('x.E', 0, 'ZERO'), false], [goEnum('x.E', 3, 'C'), true],
    ];
    for (const [v, want] of cases) expect([v, isTrue(v)]).toEqual([v, want]);
  });
  it('typed string maps read, list and size themselves; nil maps are empty', () => {
    const m = goStringMap({ b: '2', a: '1' });
    expect([m.get('a'), m.get('zz'), m.has('b'), m.keys(), m.size]).toEqual(['1', undefined, true, ['b', 'a'], 2]);
    const nil = goStringMap(undefined);
    expect(nil).toBeInstanceOf(GoStringMap);
    expect([nil.entries, nil.get('a'), nil.has('a'), nil.keys(), nil.size]).toEqual([null, undefined, false, [], 0]);
  });
  it('does not mistake inherited properties for map keys', () => {
    expect(goStringMap({}).has('toString')).toBe(false);
  });
  it('goStruct accepts bare methods or an options object', () => {
    const bare = goStruct('x.S', { A: 1n }, { Get: () => 'g' });
    const opts = goStruct('x.S', { A: 1n }, { methods: { Get: () => 'g' }, json: [{ field: 'A', json: 'a' }] });
    expect(bare.methods['Get']?.()).toBe('g');
    expect(opts.methods['Get']?.()).toBe('g');
    expect(opts.jsonSpec).toEqual([{ field: 'A', json: 'a' }]);
  });
  it('durations carry Seconds/Nanos and getters', () => {
    const d = goDuration(90, 5);
    expect(isDuration(d)).toBe(true);
    expect([d.fields['Seconds'], d.fields['Nanos'], d.methods['GetSeconds']?.()]).toEqual([90n, 5n, 90n]);
  });
  it('plain maps are only plain objects', () => {
    expect([isPlainMap({}), isPlainMap(Object.create(null)), isPlainMap([]), isPlainMap(goStringMap({})), isPlainMap(null)]).toEqual([
      true, true, false, false, false,
    ]);
  });
  it('orders strings by UTF-8 bytes and measures them in bytes', () => {
    expect(['é', 'z', 'Z', '\u{1F600}', '\uFFFD'].sort(compareGoStrings)).toEqual(['Z', 'z', 'é', '\uFFFD', '\u{1F600}']);
    expect([byteLength('abc'), byteLength('é'), byteLength('\u{1F600}')]).toEqual([3, 2, 4]);
  });
  it('formats values like fmt %v', () => {
    expect(formatValue({ b: [1n, null], a: goStringMap({ k: 'v' }) })).toBe('map[a:map[k:v] b:[1 <nil>]]');
    expect(formatValue(goEnum('x.E', 1, 'TPROXY'))).toBe('TPROXY');
    expect(formatValue(goNil('*x.Y'))).toBe('<nil>');
    expect(formatValue(undefined)).toBe('<no value>');
  });
});
