/** Seeded random JSON documents rendered through toYaml, toJson and %v: a regression net recorded from Go. */
import type { OracleCase } from './cases.js';

const PIECES = [
  'a', 'b', 'Z', '0', '1', '9', ' ', '  ', ':', ': ', '#', ' #', '-', '- ', '?', "'", '"', '\\', '\n', '\t', '.', ',', '[', ']',
  '{', '}', '&', '*', '!', '|', '>', '%', '@', '`', 'é', '中', 'true', 'null', 'yes', '~', '0x1', '1e3', '1.5', '2001-01-01',
  '2001-13-01', '2001-1-2 3:4:5', '2001-02-30', '2001-01-01T10:00:00Z', '<<', '=', '/', 'word ', 'x'.repeat(30) + ' ', '\r',
  '\u00a0', '\u2029',
];
const NUMBERS = [0, 1, -1, 0.5, 1e21, 1e-7, 123456789, 2.5e-5, 1e6];

export function fuzzCases(seed: number, count: number): OracleCase[] {
  let state = seed;
  const rnd = (): number => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const str = (): string => {
    let s = '';
    for (let i = Math.floor(rnd() * 6); i > 0; i--) s += pick(PIECES);
    return s;
  };
  const val = (depth: number): unknown => {
    const r = rnd();
    if (depth > 3 || r < 0.35) return str();
    if (r < 0.45) return pick(NUMBERS);
    if (r < 0.5) return pick([true, false, null]);
    if (r < 0.75) return Array.from({ length: Math.floor(rnd() * 4) }, () => val(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(rnd() * 4); i > 0; i--) o[str().replace(/\d/g, 'd')] = val(depth + 1);
    return o;
  };
  return Array.from({ length: count }, () => ({ t: '{{ toYaml . }}|{{ toJson . }}|{{ printf "%v" . }}', d: JSON.stringify(val(0)) }));
}

const FLAGS = ['', '', '-', '+', '#', ' ', '0', '-0', '+0', '# '];
const WIDTHS = ['', '', '5', '12', '1', '*'];
const PRECS = ['', '', '.0', '.2', '.5', '.12', '.'];
// %p prints addresses, which no two runs share; it is left out.
const VERBS = ['v', 's', 'd', 'f', 'e', 'g', 'x', 'X', 'q', 't', 'o', 'b', 'c', 'U', 'T', 'E', 'G', 'F', 'z'];
const ARGS = ['1', '-1', '0', '255', '65', '1.5', '-2.25', '0.000012345', '123456789.0', '1e21', '2.5', '3.5', '0.125', '"abc"', '""', '"é中"', 'true', 'false', 'nil', '.m', '.l', '.f', '.n', '.s'];

/** Seeded printf calls mixing flags, widths (including *), precisions, verbs and operand kinds. */
export function printfFuzzCases(seed: number, count: number): OracleCase[] {
  let state = seed;
  const rnd = (): number => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const data = JSON.stringify({ m: { k: 1.5, a: 'x' }, l: [1, 'a', null], f: 15020, n: null, s: 'str' });
  return Array.from({ length: count }, () => {
    let format = '';
    const args: string[] = [];
    for (let i = 1 + Math.floor(rnd() * 3); i > 0; i--) {
      const w = pick(WIDTHS);
      if (w === '*') args.push(pick(['3', '-4', '7']));
      format += `[%${pick(FLAGS)}${w}${pick(PRECS)}${pick(VERBS)}]`;
      args.push(pick(ARGS));
    }
    if (rnd() < 0.1) args.push(pick(ARGS));
    if (rnd() < 0.1) args.pop();
    return { t: `{{ printf ${JSON.stringify(format)} ${args.join(' ')} }}`, d: data };
  });
}
