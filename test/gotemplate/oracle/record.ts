/** Regenerates go-answers.json by running ORACLE_CASES through real Go (see cases.ts). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORACLE_CASES } from './cases.js';

const oracle = process.env.GO_TEMPLATE_ORACLE ?? '/tmp/oracle/oracle';
const dir = mkdtempSync(join(tmpdir(), 'gotemplate-oracle-'));
const input = join(dir, 'cases.json');
writeFileSync(input, JSON.stringify(ORACLE_CASES));
const answers = execFileSync(oracle, [input], { encoding: 'utf8', maxBuffer: 64 << 20 });
const parsed = JSON.parse(answers) as Array<{ out?: string; err?: string }>;
const goVersion = execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
writeFileSync(
  join(import.meta.dirname, 'go-answers.json'),
  JSON.stringify({ goVersion, answers: ORACLE_CASES.map((c, i) => ({ ...c, ...parsed[i] })) }, null, 1) + '\n',
);
console.log(`recorded ${parsed.length} answers from ${goVersion}`);
