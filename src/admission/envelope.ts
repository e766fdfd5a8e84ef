/**
 * Type checks on the AdmissionRequest envelope, done once at ingress so that no engine, log line or metric
 * ever meets a field of the wrong type (an object where a string belongs used to crash the metrics code).
 * The shapes are those of Kubernetes' admission/v1 AdmissionRequest; `null` stands for an absent field, as it
 * does for Go's decoder.
 */

type Want = 'string' | 'boolean' | 'object' | 'string[]' | 'map of string[]';

interface FieldSpec {
  readonly want: Want;
  /** For `object`: the fields inside it, checked the same way. */
  readonly fields?: Readonly<Record<string, FieldSpec>>;
}

const S: FieldSpec = { want: 'string' };
const GVK: FieldSpec = { want: 'object', fields: { group: S, version: S, kind: S } };
const GVR: FieldSpec = { want: 'object', fields: { group: S, version: S, resource: S } };
/** RawExtension fields: any JSON object; Istio's engines decode them as Kubernetes objects. */
const RAW: FieldSpec = { want: 'object' };

const REQUEST_FIELDS: Readonly<Record<string, FieldSpec>> = {
  uid: S,
  kind: GVK,
  resource: GVR,
  subResource: S,
  requestKind: GVK,
  requestResource: GVR,
  requestSubResource: S,
  name: S,
  namespace: S,
  operation: S,
  userInfo: {
    want: 'object',
    fields: { username: S, uid: S, groups: { want: 'string[]' }, extra: { want: 'map of string[]' } },
  },
  object: RAW,
  oldObject: RAW,
  dryRun: { want: 'boolean' },
  options: RAW,
};

export interface EnvelopeProblem {
  /** Dotted path below `request`, e.g. `resource.group`. */
  field: string;
  want: Want;
  got: string;
}

/** The JSON type name of a value, as a message would say it. */
export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');

function fits(v: unknown, want: Want): boolean {
  switch (want) {
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'object':
      return isRecord(v);
    case 'string[]':
      return isStringArray(v);
    case 'map of string[]':
      return isRecord(v) && Object.values(v).every(isStringArray);
  }
}

function check(obj: Record<string, unknown>, fields: Readonly<Record<string, FieldSpec>>, prefix: string): EnvelopeProblem | undefined {
  for (const [name, spec] of Object.entries(fields)) {
    const v = obj[name];
    if (v === undefined || v === null) continue;
    const field = `${prefix}${name}`;
    if (!fits(v, spec.want)) return { field, want: spec.want, got: jsonType(v) };
    if (spec.fields) {
      const inner = check(v as Record<string, unknown>, spec.fields, `${field}.`);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** The first field of `request` whose type is wrong, or undefined when the envelope is well-typed. */
export function checkEnvelope(request: Record<string, unknown>): EnvelopeProblem | undefined {
  return check(request, REQUEST_FIELDS, '');
}
