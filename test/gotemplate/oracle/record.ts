/** Regenerates go-answers.json (core) or sprig-answers.json (ORACLE_SUITE=sprig) by running the cases through real Go (the sprig oracle built against github.com/Masterminds/sprig/v3 v3.3.0, the version istio.io/istio requires). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORACLE_CASES } from './cases.js';
import { SPRIG_CASES } from './sprig-cases.js';

const suite = process.env.ORACLE_SUITE === 'sprig' ? 'sprig' : 'core';
const cases = suite === 'sprig' ? SPRIG_CASES : ORACLE_CASES;
const oracle = process.env.GO_TEMPLATE_ORACLE ?? '/tmp/oracle/oracle';
const dir = mkdtempSync(join(tmpdir(), 'gotemplate-oracle-'));
const input = join(dir, 'cases.json');
writeFileSync(input, JSON.stringify(cases));
const answers = execFileSync(oracle, [input], { encoding: 'utf8', maxBuffer: 64 << 20 });
const parsed = JSON.parse(answers) as Array<{ out?: string; err?: string }>;
const goVersion = execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
writeFileSync(
  join(import.meta.dirname, suite === 'sprig' ? 'sprig-answers.json' : 'go-answers.json'),
  JSON.stringify({ goVersion, answers: cases.map((c, i) => ({ ...c, ...parsed[i] })) }, null, 1) + '\n',
);
console.log(`recorded ${parsed.length} answers from ${goVersion}`);
