import { describe, expect, it } from 'vitest';
import { atoi, goQuote, parseBool, parseUint, type GoResult } from '../../src/go/strconv.js';

const errorOf = (r: GoResult<unknown>): string | undefined => (r.ok ? undefined : r.error);

describe('strconv.Quote', () => {
  it('goQuote matches strconv.Quote', () => {
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote('\n\t\x01\x7f')).toBe('"\\n\\t\\x01\\x7f"');
    expect(goQuote('é€😀')).toBe('"é€😀"');
    expect(goQuote('\u2028')).toBe('"\\u2028"');
  });

  it('escapes like strconv.Quote', () => {
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote('\x00\n\x7f')).toBe('"\\x00\\n\\x7f"');
    expect(goQuote('héllo')).toBe('"héllo"');
  });

  it('uses the single-letter escapes Go has', () => {
    expect(goQuote('\x07\b\f\r\v')).toBe('"\\a\\b\\f\\r\\v"');
  });

  it('escapes what unicode.IsPrint rejects: C1 controls, format characters, non-ASCII spaces, unassigned code points', () => {
    expect(goQuote('\u0085')).toBe('"\\u0085"');
    expect(goQuote('\u00ad\ufeff')).toBe('"\\u00ad\\ufeff"');
    expect(goQuote('a\u00a0b\u3000c')).toBe('"a\\u00a0b\\u3000c"');
    expect(goQuote('\u0378')).toBe('"\\u0378"');
    expect(goQuote('\u{e0001}')).toBe('"\\U000e0001"');
    expect(goQuote(' ')).toBe('" "');
  });

  it('shows a lone surrogate as the U+FFFD Go decoders would have produced', () => {
    expect(goQuote('\ud800x')).toBe('"\\ufffdx"');
  });
});

describe('strconv parsers', () => {
  it('strconv parsers', () => {
    expect(parseBool('TRUE')).toEqual({ ok: true, value: true });
    expect(parseBool('tRUE')).toEqual({ ok: false, error: 'strconv.ParseBool: parsing "tRUE": invalid syntax' });
    expect(parseUint('65535', 16)).toEqual({ ok: true, value: 65535 });
    expect(parseUint('65536', 16)).toEqual({ ok: false, error: 'strconv.ParseUint: parsing "65536": value out of range' });
    expect(parseUint('+1', 16).ok).toBe(false);
    expect(atoi('-12')).toEqual({ ok: true, value: -12 });
    expect(atoi('1_000').ok).toBe(false);
  });

  it('reports strconv.Atoi overflow', () => {
    expect(errorOf(atoi('8080'))).toBeUndefined();
    expect(errorOf(atoi('99999999999999999999'))).toBe('strconv.Atoi: parsing "99999999999999999999": value out of range');
  });

  it('accepts every spelling ParseBool does and quotes the input in its error', () => {
    for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) expect(parseBool(t)).toEqual({ ok: true, value: true });
    for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) expect(parseBool(f)).toEqual({ ok: true, value: false });
    expect(errorOf(parseBool('yes\n'))).toBe('strconv.ParseBool: parsing "yes\\n": invalid syntax');
  });

  it('bounds Atoi at int64 and ParseUint at the bit size', () => {
    expect(errorOf(atoi('9223372036854775807'))).toBeUndefined();
    expect(errorOf(atoi('-9223372036854775809'))).toBe('strconv.Atoi: parsing "-9223372036854775809": value out of range');
    expect(errorOf(atoi(''))).toBe('strconv.Atoi: parsing "": invalid syntax');
    expect(parseUint('4294967295', 32)).toEqual({ ok: true, value: 4294967295 });
    expect(errorOf(parseUint('4294967296', 32))).toBe('strconv.ParseUint: parsing "4294967296": value out of range');
    expect(errorOf(parseUint('-1', 32))).toBe('strconv.ParseUint: parsing "-1": invalid syntax');
  });
});
