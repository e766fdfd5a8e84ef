import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFuncMap } from '../../src/gotemplate/funcs.js';
import { TemplateError } from '../../src/gotemplate/func.js';
import { parseTemplate } from '../../src/gotemplate/template.js';

/** Answers real Go gave for the cases in oracle/cases.ts (see oracle/record.ts). */
interface Answer {
  t: string;
  d: string;
  out?: string;
  err?: string;
}
const recorded = JSON.parse(readFileSync(join(import.meta.dirname, 'oracle/go-answers.json'), 'utf8')) as {
  goVersion: string;
  answers: Answer[];
};

// The oracle registers only these on top of Go's builtins (see oracle/oracle.go.txt).
const all = createFuncMap();
const funcs = Object.fromEntries(['toYaml', 'toJson', 'fromJson', 'list', 'indent'].map((n) => [n, all[n]!]));

function ours(a: Answer): { out?: string; err?: string } {
  try {
    const data: unknown = a.d === '' ? null : JSON.parse(a.d);
    return { out: parseTemplate(a.t, { name: 't', funcs }).execute(data) };
  } catch (e) {
    if (e instanceof TemplateError) return { err: e.message };
    throw e;
  }
}

describe(`agrees with ${recorded.goVersion} on recorded cases`, () => {
  it.each(recorded.answers.map((a, i) => [i, a] as const))('case %i', (_i, a) => {
    const got = ours(a);
    if (a.err !== undefined) expect({ t: a.t, err: got.err }).toEqual({ t: a.t, err: a.err });
    else expect({ t: a.t, d: a.d, out: got.out }).toEqual({ t: a.t, d: a.d, out: a.out });
  });
});
