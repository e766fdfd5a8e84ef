import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFORMANCE_DIR } from '../conformance/corpus.js';

export const INJECT_TESTDATA = join(CONFORMANCE_DIR, 'istio-inject', 'testdata');

export interface GoldenDoc {
  file: string;
  index: number;
  text: string;
}

/** Every document of every `*.injected` golden, split on `---` lines the way kube-inject writes them. */
export function goldenDocuments(): GoldenDoc[] {
  const out: GoldenDoc[] = [];
  for (const file of readdirSync(INJECT_TESTDATA).filter((f) => f.endsWith('.injected')).sort()) {
    const text = readFileSync(join(INJECT_TESTDATA, file), 'utf8');
    text
      .split(/^---[ \t]*$/m)
      .map((d) => d.trim())
      .filter((d) => d.length > 0)
      .forEach((d, index) => out.push({ file, index, text: d }));
  }
  return out;
}
