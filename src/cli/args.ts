import { admissionError, describeError } from '../errors.js';
import type { CliIO } from './io.js';

/**
 * The common opening of a file-taking verb: parse its flags, answer --help, require -f. Returns the
 * flag values, or the exit code to return (0 after help, 2 on a usage error).
 */
export function readVerbArgs<V extends { help?: boolean; filename?: string }>(
  io: CliIO,
  usage: string,
  parse: () => { values: V },
): (V & { filename: string }) | number {
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
  if (!values.filename) {
    io.stderr(`${admissionError('MA500_USAGE', '-f/--filename is required').message}\n${usage}\n`);
    return 2;
  }
  return values as V & { filename: string };
}
