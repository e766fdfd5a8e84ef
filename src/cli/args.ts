import { admissionError, describeError } from '../errors.js';
import type { CliIO } from './io.js';

/**
 * The common opening of a verb: parse its flags and answer --help. Returns the flag values, or the exit code
 * to return (0 after help, 2 on a usage error).
 */
export function parseVerbArgs<V extends { help?: boolean }>(io: CliIO, usage: string, parse: () => { values: V }): V | number {
  let values: V;
  try {
    ({ values } = parse());
  } catch (e) {
    io.stderr(`${describeError(e)}\n${usage}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout(`${usage}\n`);
    return 0;
  }
  return values;
}

/** The opening of a file-taking verb: parseVerbArgs, then -f is required. */
export function readVerbArgs<V extends { help?: boolean; filename?: string }>(
  io: CliIO,
  usage: string,
  parse: () => { values: V },
): (V & { filename: string }) | number {
  const values = parseVerbArgs(io, usage, parse);
  if (typeof values === 'number') return values;
  if (!values.filename) {
    io.stderr(`${admissionError('MA500_USAGE', '-f/--filename is required').message}\n${usage}\n`);
    return 2;
  }
  return values as V & { filename: string };
}
