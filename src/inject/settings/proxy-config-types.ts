import { goJsonKind } from '../../go/json.js';
import { parseGoDuration } from '../../go/time.js';
import { PROXY_CONFIG_FIELDS, fieldByName, type ProtoField } from './proto-fields.js';

/**
 * The first type error Istio's proxy-config decode (golang/protobuf jsonpb over encoding/json) reports for a
 * `proxy.istio.io/config` document, in its words, or undefined. jsonpb visits the message's fields in
 * declaration order and stops at the first error. Enums and the insides of nested messages are not checked.
 */
export function proxyConfigTypeError(cfg: Record<string, unknown>): string | undefined {
  const present = new Map<ProtoField, unknown>();
  for (const [key, value] of Object.entries(cfg)) {
    const field = fieldByName(PROXY_CONFIG_FIELDS, key);
    if (field !== undefined) present.set(field, value);
  }
  for (const field of PROXY_CONFIG_FIELDS) {
    if (!present.has(field)) continue;
    const value = present.get(field);
    if (value === null) continue;
    const err = fieldError(field, value);
    if (err !== undefined) return err;
  }
  return undefined;
}

const cannot = (v: unknown, goType: string, withNumber = false): string =>
  `json: cannot unmarshal ${withNumber && typeof v === 'number' ? `number ${String(v)}` : goJsonKind(v)} into Go value of type ${goType}`;

/** Unsigned fields of ProxyConfig; the other integers are int32. */
const UINT32_FIELDS: ReadonlySet<string> = new Set(['file_flush_min_size_kb']);
/** google.protobuf.BoolValue wrappers; the other wrapper (concurrency) is an Int32Value. */
const BOOL_WRAPPERS: ReadonlySet<string> = new Set(['hold_application_until_proxy_starts', 'stats_compression']);

function fieldError(field: ProtoField, value: unknown): string | undefined {
  switch (field.kind) {
    case 'string':
      return typeof value === 'string' ? undefined : cannot(value, 'string');
    case 'bool':
      return typeof value === 'boolean' ? undefined : cannot(value, 'bool');
    case 'wrapper':
      if (BOOL_WRAPPERS.has(field.proto)) return typeof value === 'boolean' ? undefined : cannot(value, 'bool');
      return integerError(value, 'int32');
    case 'int':
      return integerError(value, UINT32_FIELDS.has(field.proto) ? 'uint32' : 'int32');
    case 'duration':
      if (typeof value !== 'string') return cannot(value, 'string');
      try {
        parseGoDuration(value);
        return undefined;
      } catch (e) {
        return `bad Duration: ${e instanceof Error ? e.message : String(e)}`;
      }
    case 'map':
      if (!isObject(value)) return cannot(value, 'map[string]json.RawMessage');
      for (const v of Object.values(value)) if (v !== null && typeof v !== 'string') return cannot(v, 'string');
      return undefined;
    case 'repeated':
      if (!Array.isArray(value)) return cannot(value, '[]json.RawMessage');
      for (const v of value) if (v !== null && typeof v !== 'string') return cannot(v, 'string');
      return undefined;
    case 'message':
      return isObject(value) ? undefined : cannot(value, 'map[string]json.RawMessage');
    case 'enum':
      return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const RANGES: Readonly<Record<'int32' | 'uint32', readonly [number, number]>> = { int32: [-2147483648, 2147483647], uint32: [0, 4294967295] };

/** jsonpb takes an integer as a number or as a string holding one (the string's text is decoded as JSON). */
function integerError(value: unknown, goType: 'int32' | 'uint32'): string | undefined {
  let v = value;
  if (typeof v === 'string') {
    const text = v.trim();
    if (text === '') return 'unexpected end of JSON input';
    try {
      v = JSON.parse(text);
    } catch {
      const c = text[0]!;
      // Only the case Go reports at the first character is worded with certainty.
      return /[-0-9"[{tfn]/.test(c) ? undefined : `invalid character '${c}' looking for beginning of value`;
    }
    if (v === null) return undefined;
  }
  if (typeof v !== 'number') return cannot(v, goType);
  const [lo, hi] = RANGES[goType];
  return Number.isInteger(v) && v >= lo && v <= hi ? undefined : cannot(v, goType, true);
}
