import { describe, expect, it } from 'vitest';
import {
  DecodeError, normalizeSpec, readDuration, readEnum, readMessageList, readNumber, readString, readStringList,
} from '../../src/validate/decode.js';

describe('normalizeSpec', () => {
  it('renames snake_case proto names to lowerCamel, JSON name winning', () => {
    expect(normalizeSpec({ jwks_uri: 'a', nested: { max_connections: 1 } })).toEqual({ jwksUri: 'a', nested: { maxConnections: 1 } });
    expect(normalizeSpec({ jwks_uri: 'snake', jwksUri: 'camel' })).toEqual({ jwksUri: 'camel' });
  });

  it('leaves keys of map fields and Struct fields alone but renames inside map values', () => {
    const out = normalizeSpec({
      match: [{ headers: { x_user: { exact_x: 1 } } }],
      labels: { app_name: 'x' },
      plugin_config: { some_key: { inner_key: 1 } },
      ports: { http_web: 80 },
    });
    expect(out).toEqual({
      match: [{ headers: { x_user: { exactX: 1 } } }],
      labels: { app_name: 'x' },
      pluginConfig: { some_key: { inner_key: 1 } },
      ports: { http_web: 80 },
    });
  });

  it('treats a missing or null spec as empty and rejects a non-object', () => {
    expect(normalizeSpec(undefined)).toEqual({});
    expect(normalizeSpec(null)).toEqual({});
    expect(() => normalizeSpec([1])).toThrow('json: cannot unmarshal array into Go value of type map[string]json.RawMessage');
  });
});

describe('typed readers', () => {
  it('accepts numbers and quoted numbers, rejecting other types with encoding/json text', () => {
    expect(readNumber({ n: 80 }, 'n', 'uint32')).toBe(80);
    expect(readNumber({ n: '80' }, 'n', 'uint32')).toBe(80);
    expect(() => readNumber({ n: -1 }, 'n', 'uint32')).toThrow('json: cannot unmarshal number -1 into Go value of type uint32');
    expect(() => readNumber({ n: 1.5 }, 'n', 'int32')).toThrow('json: cannot unmarshal number 1.5 into Go value of type int32');
    expect(() => readNumber({ n: true }, 'n', 'int32')).toThrow('json: cannot unmarshal bool into Go value of type int32');
    expect(readNumber({ n: null }, 'n', 'int32')).toBeUndefined();
  });

  it('rejects non-strings for string fields', () => {
    expect(() => readString({ s: 1 }, 's')).toThrow('json: cannot unmarshal number into Go value of type string');
    expect(() => readStringList({ s: 'x' }, 's')).toThrow('json: cannot unmarshal string into Go value of type []json.RawMessage');
  });

  it('decodes enums by name or number', () => {
    const vals = ['A', 'B'];
    expect(readEnum({ e: 'B' }, 'e', 'pkg.E', vals)).toBe('B');
    expect(readEnum({ e: 1 }, 'e', 'pkg.E', vals)).toBe('B');
    expect(readEnum({ e: 7 }, 'e', 'pkg.E', vals)).toBe('7');
    expect(() => readEnum({ e: 'C' }, 'e', 'pkg.E', vals)).toThrow('unknown value "\\"C\\"" for enum pkg.E');
  });

  it('treats an empty list like an absent one (jsonpb leaves the slice nil)', () => {
    expect(readMessageList({ l: [] }, 'l')).toBeUndefined();
    expect(readStringList({ l: [] }, 'l')).toBeUndefined();
  });

  it('turns null list elements into empty messages', () => {
    expect(readMessageList({ l: [null, { a: 1 }] }, 'l')).toEqual([{}, { a: 1 }]);
  });
});

describe('Go durations', () => {
  it('wraps duration errors as jsonpb does', () => {
    expect(readDuration({ d: '2.5s' }, 'd')).toEqual({ seconds: 2, nanos: 500000000 });
    expect(() => readDuration({ d: '1x' }, 'd')).toThrow(DecodeError);
    expect(() => readDuration({ d: '1x' }, 'd')).toThrow('bad Duration: time: unknown unit "x" in duration "1x"');
  });
});
