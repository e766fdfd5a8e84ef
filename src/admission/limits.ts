import { jsonType } from './envelope.js';
import { admissionError } from '../errors.js';
import { capString } from './caps.js';

/**
 * Limits checked at ingress, after the review is decoded and before any engine runs, so one request can
 * only cost work in proportion to something small. The metadata limits are Kubernetes' own (the API server
 * would reject such an object anyway, but only after the mutating webhooks ran); the shape limits sit far
 * above any real Pod or Istio resource (a 2000-env-var pod has about 6,000 values, depth 8).
 */
export const REQUEST_LIMITS = {
  /** Kubernetes: metadata.name, generateName and namespace are DNS subdomains or labels, ≤ 253 characters. */
  nameChars: 253,
  /** Kubernetes' TotalAnnotationSizeLimitB: keys plus values of all annotations. */
  annotationBytes: 256 * 1024,
  /** Kubernetes: label values and the name part of qualified keys are ≤ 63 characters. */
  labelValueChars: 63,
  /** Nesting of objects and arrays in `object` or `oldObject`. */
  depth: 100,
  /** JSON values (objects, arrays, strings, numbers, ...) in `object` or `oldObject`, each counted once. */
  values: 100_000,
} as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const limitError = (what: string, limit: string) => admissionError('MA109_REQUEST_LIMIT', what, limit).message;
const invalid = (field: string, value: string, why: string) =>
  admissionError('MA110_INVALID_METADATA', field, JSON.stringify(capString(value, 64)), why).message;

/**
 * Depth and value count of a JSON tree, without recursion (a 100,000-deep array must not overflow the
 * stack) and stopping as soon as a limit is passed, so the walk itself is bounded too.
 */
function shapeProblem(root: unknown, where: string): string | undefined {
  // Parallel stacks of containers and their depths; scalars are counted where they are met, not pushed.
  const nodes: unknown[] = [root];
  const depths: number[] = [1];
  let values = 0;
  const tooMany = () => limitError(`${where} has more than ${REQUEST_LIMITS.values} JSON values`, `${REQUEST_LIMITS.values}`);
  while (nodes.length > 0) {
    const v = nodes.pop();
    const depth = depths.pop()!;
    if (++values > REQUEST_LIMITS.values) return tooMany();
    if (typeof v !== 'object' || v === null) continue;
    if (depth > REQUEST_LIMITS.depth) return limitError(`${where} is nested more than ${REQUEST_LIMITS.depth} levels deep`, `${REQUEST_LIMITS.depth}`);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const c: unknown = v[i];
        if (typeof c === 'object' && c !== null) {
          nodes.push(c);
          depths.push(depth + 1);
        } else if (++values > REQUEST_LIMITS.values) return tooMany();
      }
    } else {
      for (const k in v) {
        if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
        const c: unknown = (v as Record<string, unknown>)[k];
        if (typeof c === 'object' && c !== null) {
          nodes.push(c);
          depths.push(depth + 1);
        } else if (++values > REQUEST_LIMITS.values) return tooMany();
      }
    }
  }
  return undefined;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const NAME_PART_RULE = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** Kubernetes' IsQualifiedName: `[prefix/]name`, prefix a DNS subdomain ≤ 253, name ≤ 63. */
function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return "a qualified name must consist of an optional DNS subdomain prefix and a name, separated by '/'";
  const name = parts.at(-1)!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0) return 'prefix part must be non-empty';
    if (prefix.length > REQUEST_LIMITS.nameChars) return `prefix part must be no more than ${REQUEST_LIMITS.nameChars} characters`;
    if (!DNS1123_SUBDOMAIN.test(prefix)) return 'prefix part must be a lowercase RFC 1123 subdomain';
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > REQUEST_LIMITS.labelValueChars) return `name part must be no more than ${REQUEST_LIMITS.labelValueChars} characters`;
  if (!QUALIFIED_NAME_PART.test(name)) return NAME_PART_RULE;
  return undefined;
}

function labelsProblem(labels: Record<string, unknown>, field: string): string | undefined {
  for (const [k, v] of Object.entries(labels)) {
    const keyWhy = qualifiedNameProblem(k);
    if (keyWhy) return invalid(field, k, keyWhy);
    if (typeof v !== 'string') continue; // the engines answer wrong types with their own messages
    if (v.length > REQUEST_LIMITS.labelValueChars) {
      return limitError(`${field}[${JSON.stringify(capString(k, 64))}] is ${v.length} characters`, `${REQUEST_LIMITS.labelValueChars} characters`);
    }
    if (v !== '' && !QUALIFIED_NAME_PART.test(v)) {
      return invalid(`${field}[${JSON.stringify(capString(k, 64))}]`, v, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
    }
  }
  return undefined;
}

function annotationsProblem(annotations: Record<string, unknown>, field: string): string | undefined {
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    const keyWhy = qualifiedNameProblem(k.toLowerCase());
    if (keyWhy) return invalid(field, k, keyWhy);
    // Kubernetes counts bytes of keys and values; UTF-16 length is a lower bound that is exact for ASCII.
    total += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
    if (total > REQUEST_LIMITS.annotationBytes) {
      return limitError(`${field} are more than ${REQUEST_LIMITS.annotationBytes} bytes in total`, `${REQUEST_LIMITS.annotationBytes} bytes`);
    }
  }
  return undefined;
}

function nameProblem(v: unknown, field: string): string | undefined {
  if (typeof v === 'string' && v.length > REQUEST_LIMITS.nameChars) {
    return limitError(`${field} is ${v.length} characters`, `${REQUEST_LIMITS.nameChars} characters`);
  }
  return undefined;
}

function objectProblem(obj: unknown, where: 'object' | 'oldObject'): string | undefined {
  if (obj === undefined || obj === null) return undefined;
  const shape = shapeProblem(obj, where);
  if (shape) return shape;
  const meta = isRecord(obj) ? obj['metadata'] : undefined;
  // Go decodes metadata into ObjectMeta: anything but an object (or null) is undecodable, never "no metadata".
  if (meta !== undefined && meta !== null && !isRecord(meta)) {
    return admissionError('MA108_ENVELOPE_FIELD_TYPE', `${where}.metadata`, 'object', jsonType(meta)).message;
  }
  if (!isRecord(meta)) return undefined;
  for (const f of ['name', 'generateName', 'namespace'] as const) {
    const p = nameProblem(meta[f], `${where}.metadata.${f}`);
    if (p) return p;
  }
  if (isRecord(meta['labels'])) {
    const p = labelsProblem(meta['labels'], `${where}.metadata.labels`);
    if (p) return p;
  }
  if (isRecord(meta['annotations'])) {
    const p = annotationsProblem(meta['annotations'], `${where}.metadata.annotations`);
    if (p) return p;
  }
  return undefined;
}

/**
 * The first limit a (well-typed, see checkEnvelope) request breaks, as the answer's message, or undefined.
 * Cost: one pass over `object` and `oldObject`, stopping at the first problem.
 */
export function checkRequestLimits(request: { name?: unknown; namespace?: unknown; object?: unknown; oldObject?: unknown }): string | undefined {
  return (
    nameProblem(request.name, 'request.name') ??
    nameProblem(request.namespace, 'request.namespace') ??
    objectProblem(request.object, 'object') ??
    objectProblem(request.oldObject, 'oldObject')
  );
}
