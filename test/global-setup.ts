import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One temporary root for the whole test run (worker processes inherit it through the env) that is
 * removed at the end, so runs leave nothing behind in the system temp dir.
 */
export function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'mesh-admission-test-'));
  process.env.MESH_ADMISSION_TEST_TMP = root;
  return () => rmSync(root, { recursive: true, force: true });
}
