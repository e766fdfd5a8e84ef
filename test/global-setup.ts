import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * One temporary root for the whole test run (worker processes inherit it through the env) that is
 * removed at the end, so runs leave nothing behind in the system temp dir.
 */
export function setup(): () => void {
  // Tests that start the server as `npm start` does run dist/; compile once here so no two test files rebuild it at once.
  const project = resolve(import.meta.dirname, '..');
  execFileSync(process.execPath, [join(project, 'scripts/build-if-stale.mjs')], { cwd: project, stdio: 'inherit' });
  const root = mkdtempSync(join(tmpdir(), 'mesh-admission-test-'));
  process.env.MESH_ADMISSION_TEST_TMP = root;
  // The CLI's cache (parsed CRD files) goes there too, not into the home directory.
  process.env.MESH_ADMISSION_CACHE_DIR ??= join(root, 'cache');
  return () => rmSync(root, { recursive: true, force: true });
}
