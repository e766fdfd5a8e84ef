import { readMessage, readNumber, readString, type JsonObject } from '../decode.js';
import { isDNS1123Label, validateWildcardDomain } from './hosts.js';
import { validatePort } from './ports.js';

export function validateSubsetName(name: string): string | undefined {
  if (name.length === 0) return 'subset name cannot be empty';
  if (!isDNS1123Label(name)) return `subset name is invalid: ${name}`;
  return undefined;
}

/** validateDestination: the errors in order (joined with appendErrors by the caller). */
export function validateDestination(destination: JsonObject | undefined): string[] {
  const errs: string[] = [];
  if (destination === undefined) return errs;
  const host = readString(destination, 'host') ?? '';
  if (host === '*') errs.push(`invalid destination host ${host}`);
  else {
    const e = validateWildcardDomain(host);
    if (e !== undefined) errs.push(e);
  }
  const subset = readString(destination, 'subset') ?? '';
  if (subset !== '') {
    const e = validateSubsetName(subset);
    if (e !== undefined) errs.push(e);
  }
  const port = readMessage(destination, 'port');
  if (port !== undefined) {
    const e = validatePort(readNumber(port, 'number', 'uint32') ?? 0);
    if (e !== undefined) errs.push(e);
  }
  return errs;
}
