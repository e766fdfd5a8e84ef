import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let root: string | undefined;

/**
 * A fresh temporary directory for a test, under one root per test process that is removed when
 * the process exits, so test runs leave nothing behind in the system temp dir.
 */
export function testTempDir(prefix: string): string {
  if (root === undefined) {
    const r = mkdtempSync(join(tmpdir(), 'mesh-admission-test-'));
    root = r;
    process.on('exit', () => rmSync(r, { recursive: true, force: true }));
  }
  return mkdtempSync(join(root, prefix));
}
