#!/usr/bin/env node
/**
 * The `mesh-admission` command (package.json `bin`, compiled to dist/cli/bin.js). Relative paths are the
 * caller's: with the bin or `npx mesh-admission` that is already the working directory; `npm run cli`
 * runs in the project root, so there the caller's folder comes from INIT_CWD, which npm sets to it.
 */
import { runCli } from './main.js';
import { processIO } from './io.js';

if (process.env.npm_lifecycle_event === 'cli' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
process.exitCode = await runCli(process.argv.slice(2), processIO());
