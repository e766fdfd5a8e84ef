import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { conformanceAvailable } from '../conformance/corpus.js';
import { fastParse } from '../../src/k8s/yaml-fast.js';
import { parseYamlDocument } from '../../src/k8s/yaml-parse.js';
import { printYaml } from '../../src/k8s/yaml-print.js';
import { goldenDocuments } from './golden-docs.js';

/** Both readers must agree wherever the fast one accepts a document (it declines the rest). */
function agree(text: string): { fast: boolean } {
  const outcome = (fastPath: boolean) => {
    try {
      return { ok: true as const, value: parseYamlDocument(text, { fastPath }) };
    } catch (e) {
      return { ok: false as const, message: (e as Error).message };
    }
  };
  const slow = outcome(false);
  const fast = outcome(true);
  expect(fast.ok).toBe(slow.ok);
  if (slow.ok && fast.ok) expect(fast.value).toEqual(slow.value);
  const taken = fastParse(text, { plain: () => 0, plainKey: (k) => k }) !== undefined;
  return { fast: taken };
}

describe('fast YAML reader', () => {
  it('reads template-style YAML identically to the full parser', () => {
    const docs = [
      'a: 1\nb:\n- x\n- "15001"\n- \'*\'\nc: |\n  {}\nd: |-\n  [\n    {"name":"http"}\n  ]\ne: []\nf: {}\n',
      '---\n# comment\nspec:\n  containers:\n  - name: a # trailing\n    args:\n    - -p\n    - "15001"\n    env:\n    - name: X\n      value: |+\n        keep\n\n  - name: b\n',
      'k:\n  - a\n  -\n  - b: 1\n    c: null\n',
      'yes: 1\n',
      'a: b: c\n',
      'a: "x\\/y"\n',
      'a: |\n  x',
    ];
    for (const d of docs) agree(d);
    expect(agree(docs[0]!).fast).toBe(true);
    expect(agree(docs[1]!).fast).toBe(true);
    expect(agree('a: &x 1\nb: *x\n').fast).toBe(false);
    // One-line flow collections of scalars (capabilities, small maps) stay on the fast path.
    expect(agree('a: [1, 2]\n').fast).toBe(true);
    expect(agree('add: [NET_ADMIN, "NET_RAW", \'x\'] # caps\n').fast).toBe(true);
    expect(agree('a: {k: v, "n": 1, on: yes}\n').fast).toBe(true);
    expect(agree('a: [1, [2]]\n').fast).toBe(false);
    expect(agree('a: [x,]\n').fast).toBe(false);
    expect(agree('a: [x: y]\n').fast).toBe(false);
    expect(agree('a: [x\n  , y]\n').fast).toBe(false);
    expect(agree('a: >\n  folded\n').fast).toBe(false);
    expect(agree('a: plain\n  continued\n').fast).toBe(false);
  });

  it('agrees with the full parser on printed random values', () => {
    let seed = 11;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]!;
    const STR = ['a', 'true', '', ' x', 'x ', 'a: b', '#c', 'x #y', 'l1\nl2', 'x\n', 'x\n\n', '\nx', ' a\nb', "it's", '-x', '12', 'é😀', '*a', 'k '.repeat(60)];
    const val = (d: number): unknown => {
      const r = rnd();
      if (d > 3 || r < 0.4) return pick<unknown>([pick(STR), 1, -2.5, true, null]);
      if (r < 0.7) return Array.from({ length: Math.floor(rnd() * 4) }, () => val(d + 1));
      const o: Record<string, unknown> = {};
      for (let i = 0; i < Math.floor(rnd() * 4); i++) o[pick(['a', 'b', 'on', 'x y', 'k: v', '#k', '1', 'é'])] = val(d + 1);
      return o;
    };
    let fastCount = 0;
    for (let i = 0; i < 1500; i++) {
      const text = printYaml(val(0));
      if (agree(text).fast) fastCount++;
      if (i % 3 === 0) agree(text.replace(/\n$/, ''));
    }
    expect(fastCount).toBeGreaterThan(200);
  });

  it.skipIf(!conformanceAvailable())('takes the fast path for the golden pods and agrees on every one', () => {
    let fast = 0;
    const docs = goldenDocuments();
    for (const d of docs) if (agree(`${d.text}\n`).fast) fast++;
    expect(fast).toBeGreaterThan(docs.length - 5);
  });

  it('agrees on the Go oracle documents', () => {
    const fx = JSON.parse(readFileSync(new URL('./fixtures/go-yaml-oracle.json', import.meta.url), 'utf8')) as {
      parse: { yaml: string }[];
    };
    for (const c of fx.parse) agree(c.yaml);
  });
});

describe('fast reader: libyaml plain scalars in flow collections and document streams', () => {
  it('keeps a colon that is not followed by a blank inside a flow scalar, as yaml.v2 does', () => {
    // Recorded from gopkg.in/yaml.v2: addresses: [1.2.3.4, 001:db8::] → ["1.2.3.4", "001:db8::"]
    expect(parseYamlDocument('addresses: [1.2.3.4, 001:db8::]\n')).toEqual({ addresses: ['1.2.3.4', '001:db8::'] });
    expect(parseYamlDocument('a: {url: http://x:80/p}\n')).toEqual({ a: { url: 'http://x:80/p' } });
  });

  it('reads ---separated streams document by document, leaving empty documents to the full parser', async () => {
    const { parseYamlDocuments } = await import('../../src/k8s/yaml-parse.js');
    for (const t of ['a: 1\n---\nb: [x, y]\n', '---\na: 1\n', 'a: 1\n---\n', '# c\n---\na: 1\n---\n# only a comment\n']) {
      expect(parseYamlDocuments(t)).toEqual(parseYamlDocuments(t, { fastPath: false }));
    }
    expect(parseYamlDocuments('a: [001:db8::]\n---\nb: 2\n')).toEqual([{ a: ['001:db8::'] }, { b: 2 }]);
  });
});
