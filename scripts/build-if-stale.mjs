// Compiles src/ to dist/ (tsconfig.build.json) when a source is newer than the last build, so `npm start`
// and `npm run cli` always run current JavaScript without paying for a TypeScript loader at run time.
// Plain JavaScript on purpose: it runs before anything is compiled.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, existsSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
// --force (npm run build): a clean build, so a deleted source leaves no stale module behind.
const force = process.argv.includes('--force');
if (force) rmSync(join(root, 'dist'), { recursive: true, force: true });

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const inputs = Math.max(
  newestMtime(join(root, 'src')),
  statSync(join(root, 'tsconfig.json')).mtimeMs,
  statSync(join(root, 'tsconfig.build.json')).mtimeMs,
);
if (force || !existsSync(stamp) || statSync(stamp).mtimeMs < inputs) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) {
    // An install without devDependencies (the image) ships dist/ prebuilt; say so rather than fail obscurely.
    if (existsSync(stamp)) process.exit(0);
    console.error('mesh-admission: dist/ is missing and TypeScript is not installed; run `npm ci` (which builds) first');
    process.exit(1);
  }
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
