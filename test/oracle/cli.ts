import { spawnSync } from 'node:child_process';
import { ensureOracle } from './oracle.js';

// `npm run -s oracle -- <verb> ...`: build on first use, then run the Go program with the same
// arguments, standard streams and exit code. `build` only builds (CI starts it early, in parallel).
const { path } = ensureOracle();
if (process.argv[2] === 'build') {
  process.stdout.write(`${path}\n`);
  process.exit(0);
}
const r = spawnSync(path, process.argv.slice(2), { stdio: 'inherit' });
process.exit(r.status ?? 1);
