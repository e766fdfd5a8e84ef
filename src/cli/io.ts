import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { admissionError, describeError } from '../errors.js';

/** What a CLI verb may touch of the outside world; tests pass their own. */
export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (p: string) => string;
  readStdin: () => Promise<string>;
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export function processIO(): CliIO {
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readFile: (p) => readFileSync(p, 'utf8'),
    readStdin: readAllStdin,
  };
}

/** A file's text (`-` for stdin), or a catalogued error naming the file. */
export async function readInput(io: CliIO, file: string): Promise<string> {
  try {
    return file === '-' ? await io.readStdin() : io.readFile(file);
  } catch (e) {
    throw admissionError('MA501_INPUT_UNREADABLE', file, describeError(e));
  }
}

/**
 * Where the CLI keeps what it can reuse between runs (parsed CRD files): $MESH_ADMISSION_CACHE_DIR, else
 * $XDG_CACHE_HOME/mesh-admission, else ~/.cache/mesh-admission; undefined (no cache) when the variable is
 * set to the empty string.
 */
export function cliCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.MESH_ADMISSION_CACHE_DIR;
  if (configured !== undefined) return configured === '' ? undefined : configured;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'mesh-admission');
}
