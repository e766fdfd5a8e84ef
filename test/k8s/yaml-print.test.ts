import { describe, expect, it } from 'vitest';
import { parseYamlDocument } from '../../src/k8s/yaml-parse.js';
import { printYaml, yamlKeyLess } from '../../src/k8s/yaml-print.js';

const line = (s: unknown) => printYaml({ v: s });

describe('printYaml: sigs.k8s.io/yaml.Marshal layout', () => {
  it('sorts keys and keeps sequences at the parent key indentation', () => {
    expect(printYaml({ b: [1, { q: 2, p: 'a' }], a: { d: [], c: {} } })).toBe(
      'a:\n  c: {}\n  d: []\nb:\n- 1\n- p: a\n  q: 2\n',
    );
    // `y` is a YAML 1.1 boolean, so even as a key it must be quoted
    expect(printYaml({ y: 1 })).toBe('"y": 1\n');
  });

  it('prints nested sequences compactly and empty values in flow style', () => {
    expect(printYaml([['a', 'b'], [], {}, null])).toBe('- - a\n  - b\n- []\n- {}\n- null\n');
    expect(printYaml({})).toBe('{}\n');
    expect(printYaml(null)).toBe('null\n');
  });

  it('orders keys the way yaml.v2 does (numbers inside keys compare numerically)', () => {
    const keys = ['b', 'a10', 'A', 'a9', 'a', 'a-1', 'a_1'];
    const sorted = [...keys].sort((x, y) => (yamlKeyLess(x, y) ? -1 : yamlKeyLess(y, x) ? 1 : 0));
    expect(sorted).toEqual(['A', 'a', 'a-1', 'a_1', 'a9', 'a10', 'b']);
  });

  it.each([
    ['true', 'v: "true"\n'],
    ['yes', 'v: "yes"\n'],
    ['Off', 'v: "Off"\n'],
    ['y', 'v: "y"\n'],
    ['~', 'v: "~"\n'],
    ['null', 'v: "null"\n'],
    ['', 'v: ""\n'],
    ['123', 'v: "123"\n'],
    ['0x1F', 'v: "0x1F"\n'],
    ['1e3', 'v: "1e3"\n'],
    ['1_000', 'v: "1_000"\n'],
    ['.5', 'v: ".5"\n'],
    ['12:30', 'v: "12:30"\n'],
    ['2024-01-31', 'v: "2024-01-31"\n'],
    ['2024-02-30', 'v: 2024-02-30\n'],
    ['15001', 'v: "15001"\n'],
    ['15090,15021,15020', 'v: 15090,15021,15020\n'],
    ['*', "v: '*'\n"],
    ['a: b', "v: 'a: b'\n"],
    ['a:b', 'v: a:b\n'],
    ['- x', "v: '- x'\n"],
    ['-x', 'v: -x\n'],
    ['#x', "v: '#x'\n"],
    ['x #y', "v: 'x #y'\n"],
    ['x#y', 'v: x#y\n'],
    ['{"a":1}', `v: '{"a":1}'\n`],
    ["it's", "v: it's\n"],
    ["'q'", "v: '''q'''\n"],
    [' lead', "v: ' lead'\n"],
    ['trail ', "v: 'trail '\n"],
    ['tab\there', 'v: "tab\\there"\n'],
    ['$(POD_NAMESPACE).svc.cluster.local', 'v: $(POD_NAMESPACE).svc.cluster.local\n'],
    ['héllo', 'v: héllo\n'],
    ['emoji 😀', 'v: "emoji \\U0001F600"\n'],
  ])('quotes %j as yaml.v2 does', (input, want) => {
    expect(line(input)).toBe(want);
  });

  it('uses literal blocks with yaml.v2 chomping and indentation hints', () => {
    expect(line('a\nb')).toBe('v: |-\n  a\n  b\n');
    expect(line('{}\n')).toBe('v: |\n  {}\n');
    expect(line('a\n\n')).toBe('v: |+\n  a\n\n');
    expect(line(' indented\nx')).toBe('v: |2-\n   indented\n  x\n');
    expect(line('a\n\nb\n')).toBe('v: |\n  a\n\n  b\n');
    expect(printYaml(['x\ny'])).toBe('- |-\n  x\n  y\n');
    expect(printYaml({ l: [{ k: 'x\ny' }] })).toBe('l:\n- k: |-\n    x\n    y\n');
  });

  it('falls back to double quotes when a literal block cannot hold the text', () => {
    expect(line('a \nb')).toBe('v: "a \\nb"\n');
    // a multi-line key is not a simple key: yaml.v2 writes it as an explicit `? ` literal
    expect(printYaml({ 'multi\nkey': 1 })).toBe('? |-\n  multi\n  key\n: 1\n');
  });

  it('folds long strings at a space past column 80 and never folds strings without spaces', () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const out = printYaml({ key: words });
    expect(out.split('\n')[0]!.length).toBeGreaterThan(80);
    expect(out.split('\n')[0]!.length).toBeLessThan(100);
    expect(out.split('\n')[1]).toMatch(/^ {2}word/);
    expect(parseYamlDocument(out)).toEqual({ key: words });
    const long = 'x'.repeat(300);
    expect(printYaml({ key: long })).toBe(`key: ${long}\n`);
    const quoted = `'${words}`;
    expect(parseYamlDocument(printYaml({ key: quoted }))).toEqual({ key: quoted });
  });

  it('formats numbers like Go (ints verbatim, floats with strconv %g)', () => {
    expect(printYaml({ a: 7, b: 1.5, c: -0.25, d: 1e21, e: 0.000001, f: 1234567.5, g: 0.0001 })).toBe(
      'a: 7\nb: 1.5\nc: -0.25\nd: 1e+21\ne: 1e-06\nf: 1.2345675e+06\ng: 0.0001\n',
    );
    expect(() => printYaml({ a: Number.NaN })).toThrow(/unsupported value/);
  });

  it('uses an explicit key for keys longer than 128 bytes', () => {
    const k = 'k'.repeat(130);
    expect(printYaml({ [k]: 'v' })).toBe(`? ${k}\n: v\n`);
  });

  it('round-trips through parseYamlDocument', () => {
    const value = { s: ['true', '', 'a: b', 'x\ny', ' sp'], n: [0, -3, 2.5], b: [true, false], z: null, m: { '1': 'one' } };
    expect(parseYamlDocument(printYaml(value))).toEqual(value);
  });
});
