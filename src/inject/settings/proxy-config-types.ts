import { goJsonKind } from '../../go/json.js';
import { parseGoDuration } from '../../go/time.js';
import { PROTO_MESSAGES, PROXY_CONFIG_FIELDS, fieldByName, type ProtoField } from './proto-fields.js';

/**
 * The first type error Istio's proxy-config decode (golang/protobuf jsonpb over encoding/json) reports for a
 * `proxy.istio.io/config` document, in its words, or undefined. jsonpb visits a message's fields in
 * declaration order and stops at the first error; nested messages are walked where proto-fields.ts describes
 * them (Tracing, ClientTLSSettings), the others are only checked to be objects (and ProxyImage's imageType).
 */
export function proxyConfigTypeError(cfg: Record<string, unknown>): string | undefined {
  return messageError(PROXY_CONFIG_FIELDS, cfg);
}

function messageError(fields: readonly ProtoField[], msg: Record<string, unknown>): string | undefined {
  const present = new Map<ProtoField, unknown>();
  for (const [key, value] of Object.entries(msg)) {
    const field = fieldByName(fields, key);
    if (field !== undefined) present.set(field, value);
  }
  for (const field of fields) {
    const value = present.get(field);
    if (value === undefined || value === null) continue;
    const err = fieldError(field, value);
    if (err !== undefined) return err;
  }
  return undefined;
}

const cannot = (v: unknown, goType: string, withNumber = false): string =>
  `json: cannot unmarshal ${withNumber && typeof v === 'number' ? `number ${String(v)}` : goJsonKind(v)} into Go value of type ${goType}`;

// What proto-fields.ts's kinds leave open, by proto field name (unique across the messages walked here).
/** Unsigned integers; the other integers are int32. */
const UINT32_FIELDS: ReadonlySet<string> = new Set(['file_flush_min_size_kb', 'max_path_tag_length']);
/** Doubles, among the 'int' kind. */
const DOUBLE_FIELDS: ReadonlySet<string> = new Set(['sampling']);
/** google.protobuf.BoolValue wrappers; the other wrapper (concurrency) is an Int32Value. */
const BOOL_WRAPPERS: ReadonlySet<string> = new Set(['hold_application_until_proxy_starts', 'stats_compression', 'enable_istio_tags', 'insecure_skip_verify']);
/** Maps whose values are messages (checked to be objects); the others map strings to strings. */
const MESSAGE_MAPS: ReadonlySet<string> = new Set(['custom_tags']);

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
      if (DOUBLE_FIELDS.has(field.proto)) return numberError(value);
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
      for (const v of Object.values(value)) {
        if (v === null) continue;
        if (MESSAGE_MAPS.has(field.proto) ? !isObject(v) : typeof v !== 'string') return cannot(v, MESSAGE_MAPS.has(field.proto) ? 'map[string]json.RawMessage' : 'string');
      }
      return undefined;
    case 'repeated':
      if (!Array.isArray(value)) return cannot(value, '[]json.RawMessage');
      for (const v of value) if (v !== null && typeof v !== 'string') return cannot(v, 'string');
      return undefined;
    case 'message': {
      if (!isObject(value)) return cannot(value, 'map[string]json.RawMessage');
      const nested = field.message !== undefined ? PROTO_MESSAGES[field.message] : undefined;
      if (nested !== undefined) return messageError(nested, value);
      if (field.proto === 'image') {
        const t = Object.hasOwn(value, 'imageType') ? value.imageType : value.image_type;
        return t === undefined || t === null || typeof t === 'string' ? undefined : cannot(t, 'string');
      }
      return undefined;
    }
    case 'enum':
      return enumError(field.proto, value);
  }
}

/** The enums of ProxyConfig: their full proto names and value names (a number is taken as it is). */
const ENUMS: Readonly<Record<string, { name: string; values: readonly string[] }>> = {
  tracing_service_name: {
    name: 'istio.mesh.v1alpha1.ProxyConfig.TracingServiceName',
    values: ['APP_LABEL_AND_NAMESPACE', 'CANONICAL_NAME_ONLY', 'CANONICAL_NAME_AND_NAMESPACE'],
  },
  control_plane_auth_policy: { name: 'istio.mesh.v1alpha1.AuthenticationPolicy', values: ['NONE', 'MUTUAL_TLS', 'INHERIT'] },
  interception_mode: { name: 'istio.mesh.v1alpha1.ProxyConfig.InboundInterceptionMode', values: ['REDIRECT', 'TPROXY', 'NONE'] },
};

function enumError(proto: string, value: unknown): string | undefined {
  const e = ENUMS[proto];
  if (e === undefined) return undefined;
  if (typeof value === 'string') return e.values.includes(value) ? undefined : `unknown value ${JSON.stringify(JSON.stringify(value))} for enum ${e.name}`;
  if (typeof value === 'number') return Number.isInteger(value) && value >= -2147483648 && value <= 2147483647 ? undefined : cannot(value, 'protoreflect.EnumNumber', true);
  return cannot(value, 'protoreflect.EnumNumber');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const RANGES: Readonly<Record<'int32' | 'uint32', readonly [number, number]>> = { int32: [-2147483648, 2147483647], uint32: [0, 4294967295] };

/**
 * jsonpb takes a number as a JSON number or as a string holding one: the string's text is decoded as JSON.
 * Returns the decoded value, or the syntax error encoding/json reports for the text (only the errors at the
 * first character or right after a leading number are worded; other malformed text is let through).
 */
function unquoteNumber(text: string): { value: unknown } | { error: string | undefined } {
  const t = text.trim();
  if (t === '') return { error: 'unexpected end of JSON input' };
  try {
    return { value: JSON.parse(t) };
  } catch {
    const c = t[0]!;
    if (!/[-0-9"[{tfn]/.test(c)) return { error: `invalid character '${c}' looking for beginning of value` };
    const num = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(t);
    const rest = num ? t.slice(num[0].length).trimStart() : '';
    return { error: rest !== '' ? `invalid character '${rest[0]!}' after top-level value` : undefined };
  }
}

/** A number field's value after jsonpb's unquoting: the number (or null), or the syntax error to report. */
function numberOf(value: unknown): { value: unknown } | { error: string | undefined } {
  return typeof value === 'string' ? unquoteNumber(value) : { value };
}

function numberError(value: unknown): string | undefined {
  const r = numberOf(value);
  if ('error' in r) return r.error;
  return r.value === null || typeof r.value === 'number' ? undefined : cannot(r.value, 'float64');
}

function integerError(value: unknown, goType: 'int32' | 'uint32'): string | undefined {
  const r = numberOf(value);
  if ('error' in r) return r.error;
  const v = r.value;
  if (v === null) return undefined;
  if (typeof v !== 'number') return cannot(v, goType);
  const [lo, hi] = RANGES[goType];
  return Number.isInteger(v) && v >= lo && v <= hi ? undefined : cannot(v, goType, true);
}
