import { describe, expect, it } from 'vitest';
import { formatFloatV, goQuote, sprintf } from '../../src/gotemplate/fmt.js';
import { run } from './helpers.js';

describe('float64 printing as fmt %v', () => {
  it.each([
    [15020, '15020'],
    [0.5, '0.5'],
    [1e6, '1e+06'],
    [123456, '123456'],
    [1234567, '1.234567e+06'],
    [1.5e-7, '1.5e-07'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [-2.25, '-2.25'],
    [1e21, '1e+21'],
    [0, '0'],
    [Infinity, '+Inf'],
    [NaN, 'NaN'],
  ])('%d prints as %s', (f, want) => {
    expect(formatFloatV(f)).toBe(want);
  });
  it('JSON numbers in data print the same way in templates', () => {
    expect(run('{{ .a }} {{ .b }} {{ .c }}', { a: 15020, b: 1000000, c: 0.25 })).toBe('15020 1e+06 0.25');
  });
});

describe('Sprintf verbs', () => {
  it('formats strings, ints, floats, bools with width, precision and flags', () => {
    expect(sprintf('%5.2f|%-4d|%q|%t|%x|%X|%05d|%+d|%8.3s|%%', [3.14159, 42n, 'hi', true, 255n, 255n, 42n, 5n, 'abcdef'])).toBe(
      ' 3.14|42  |"hi"|true|ff|FF|00042|+5|     abc|%',
    );
  });
  it('formats %e, %g, %x of strings, %c and %q of ints, %T', () => {
    expect(sprintf('%e|%g|%g|%x|%c|%q|%T|%T|%T', [1234.5678, 1e6, 100000, 'hi', 65n, 65n, 1n, 1.5, 'x'])).toBe(
      "1.234568e+03|1e+06|100000|6869|A|'A'|int|float64|string",
    );
  });
  it('uses * for width', () => {
    expect(sprintf('[%*d]', [5n, 42n])).toBe('[   42]');
  });
  it('renders composite values with %v', () => {
    expect(sprintf('%v %v %s', [[1n, 'a'], { b: 2, a: 'x' }, ['p', 'q']])).toBe('[1 a] map[a:x b:2] [p q]');
  });
  it('reports bad verbs, missing and extra operands like Go', () => {
    expect(sprintf('%d', ['x'])).toBe('%!d(string=x)');
    expect(sprintf('%d', [1.5])).toBe('%!d(float64=1.5)');
    expect(sprintf('%s %s', ['a'])).toBe('a %!s(MISSING)');
    expect(sprintf('%s', ['a', 'b', 3n])).toBe('a%!(EXTRA string=b, int=3)');
    expect(sprintf('%s|%v', [null, null])).toBe('%!s(<nil>)|<nil>');
  });
  it('quotes with Go escapes', () => {
    expect(goQuote('a"b\\c\nd\te\u0001é')).toBe('"a\\"b\\\\c\\nd\\te\\x01é"');
  });
  it('printf in a template sees int literals as int and JSON numbers as float64', () => {
    expect(run('{{ printf "%d %v %.1f" 7 .n .n }}', { n: 2.5 })).toBe('7 2.5 2.5');
    expect(run('{{ printf "%d" .n }}', { n: 3 })).toBe('%!d(float64=3)');
  });
});
