import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFuncMap } from '../../src/gotemplate/funcs.js';
import type { FuncMap } from '../../src/gotemplate/func.js';
import { SPRIG_FUNCS } from '../../src/gotemplate/sprig.js';
import { TemplateError } from '../../src/gotemplate/func.js';
import { parseTemplate } from '../../src/gotemplate/template.js';

/** Answers real Go gave for the cases in oracle/cases.ts (see oracle/record.ts). */
interface Answer {
  t: string;
  d: string;
  out?: string;
  err?: string;
}
interface Recording {
  goVersion: string;
  answers: Answer[];
}
const load = (file: string): Recording => JSON.parse(readFileSync(join(import.meta.dirname, 'oracle', file), 'utf8')) as Recording;

// The oracle registers only these on top of Go's builtins (see oracle/oracle.go.txt).
const all = createFuncMap();
const coreFuncs: FuncMap = Object.fromEntries(['toYaml', 'toJson', 'fromJson', 'list', 'indent'].map((n) => [n, all[n]!]));
// The sprig oracle registers sprig.TxtFuncMap() with Istio's toYaml and indent on top.
const sprigFuncs: FuncMap = { ...SPRIG_FUNCS, toYaml: all['toYaml']!, indent: all['indent']! };

function ours(a: Answer, funcs: FuncMap): { out?: string; err?: string } {
  try {
    const data: unknown = a.d === '' ? null : JSON.parse(a.d);
    return { out: parseTemplate(a.t, { name: 't', funcs }).execute(data) };
  } catch (e) {
    if (e instanceof TemplateError) return { err: e.message };
    throw e;
  }
}

for (const [file, funcs, what] of [
  ['go-answers.json', coreFuncs, 'text/template, fmt, encoding/json and yaml.v2'],
  ['sprig-answers.json', sprigFuncs, 'sprig v3.3.0'],
] as const) {
  const recorded = load(file);
  describe(`agrees with ${recorded.goVersion} (${what}) on recorded cases`, () => {
    it.each(recorded.answers.map((a, i) => [i, a] as const))('case %i', (_i, a) => {
      const got = ours(a, funcs);
      if (a.err !== undefined) expect({ t: a.t, err: got.err }).toEqual({ t: a.t, err: a.err });
      else expect({ t: a.t, d: a.d, out: got.out }).toEqual({ t: a.t, d: a.d, out: a.out });
    });
  });
}
