import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory for a test, under the run's root (see global-setup.ts). */
export function testTempDir(prefix: string): string {
  const root = process.env.MESH_ADMISSION_TEST_TMP ?? join(tmpdir(), 'mesh-admission-test');
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, prefix));
}
