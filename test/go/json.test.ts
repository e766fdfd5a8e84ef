import { describe, expect, it } from 'vitest';
import { goJsonKind, goJsonSortedKeys, goJsonString, goStringCompare } from '../../src/go/json.js';

describe('encoding/json strings', () => {
  it('goJsonString matches encoding/json (HTML-safe)', () => {
    expect(goJsonString('<a href="x">&</a>')).toBe('"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"');
    expect(goJsonString('\u0001\b\f\u2029é')).toBe('"\\u0001\\b\\f\\u2029é"');
    expect(goJsonString('\ud800')).toBe('"\\ufffd"');
  });

  it('keeps a valid surrogate pair as the character and escapes only what Go escapes', () => {
    expect(goJsonString('😀\u007f/')).toBe('"😀\u007f/"');
    expect(goJsonString('\udc00\ud83d')).toBe('"\\ufffd\\ufffd"');
    expect(goJsonString('a\nb\r\tc"\\')).toBe('"a\\nb\\r\\tc\\"\\\\"');
  });

  it('agrees with JSON.stringify wherever Go does not add an escape', () => {
    const s = 'plain text: 123, äöü, 中文';
    expect(goJsonString(s)).toBe(JSON.stringify(s));
  });
});

describe('map key order', () => {
  it('sorts keys by UTF-8 bytes, as json.Marshal does for map[string]T', () => {
    expect(goJsonSortedKeys(['b', 'B', 'a', '_', '10', '9'])).toEqual(['10', '9', 'B', '_', 'a', 'b']);
    // UTF-16 code units would put the astral character first; UTF-8 bytes put U+FF5E first.
    expect(goJsonSortedKeys(['😀', '\uff5e'])).toEqual(['\uff5e', '😀']);
  });

  it('compares a prefix before its extensions', () => {
    expect(goStringCompare('ab', 'abc')).toBeLessThan(0);
    expect(goStringCompare('abc', 'ab')).toBeGreaterThan(0);
    expect(goStringCompare('same', 'same')).toBe(0);
  });
});

describe('UnmarshalTypeError kind words', () => {
  it('names each JSON kind as encoding/json does', () => {
    expect([null, [], 'x', 1, 10n, true, {}].map(goJsonKind)).toEqual(['null', 'array', 'string', 'number', 'number', 'bool', 'object']);
  });
});
