import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Where Istio's read-only corpora live. CI clones the project with `../shared` beside it, so the
 * default is relative to the project root; MESH_ADMISSION_CONFORMANCE overrides it.
 */
export const CONFORMANCE_DIR = resolve(
  process.env.MESH_ADMISSION_CONFORMANCE ?? resolve(import.meta.dirname, '../../../shared/conformance'),
);

export function conformanceAvailable(): boolean {
  return existsSync(CONFORMANCE_DIR);
}

/** Say it loudly: a missing corpus must never look like a green run. */
export function announceSkip(suite: string): void {
  const line = `!!! ${suite}: SKIPPED — conformance corpus not found at ${CONFORMANCE_DIR} (set MESH_ADMISSION_CONFORMANCE)`;
  console.warn(`\n${'!'.repeat(line.length)}\n${line}\n${'!'.repeat(line.length)}\n`);
}
