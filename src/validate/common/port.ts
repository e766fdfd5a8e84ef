import { readNumber, readString, type JsonObject } from '../decode.js';

/** The networking Port message (Gateway servers, Sidecar listeners). */
export interface DecodedPort {
  number: number;
  protocol: string;
  name: string;
  targetPort: number;
}

export function decodePort(p: JsonObject): DecodedPort {
  return {
    number: readNumber(p, 'number', 'uint32') ?? 0,
    protocol: readString(p, 'protocol') ?? '',
    name: readString(p, 'name') ?? '',
    targetPort: readNumber(p, 'targetPort', 'uint32') ?? 0,
  };
}

/** Approximates Go's %v of a proto message: set fields in declaration order, text-format style. */
export function formatPort(p: DecodedPort): string {
  const parts: string[] = [];
  if (p.number !== 0) parts.push(`number:${p.number}`);
  if (p.protocol !== '') parts.push(`protocol:${JSON.stringify(p.protocol)}`);
  if (p.name !== '') parts.push(`name:${JSON.stringify(p.name)}`);
  if (p.targetPort !== 0) parts.push(`target_port:${p.targetPort}`);
  return parts.join(' ');
}
