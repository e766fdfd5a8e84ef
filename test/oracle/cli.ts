import { spawnSync } from 'node:child_process';
import { ensureOracle } from './oracle.js';

// `npm run -s oracle -- <verb> ...`: build on first use, then run the Go program with the same
// arguments, standard streams and exit code.
const { path } = ensureOracle();
const r = spawnSync(path, process.argv.slice(2), { stdio: 'inherit' });
process.exit(r.status ?? 1);
