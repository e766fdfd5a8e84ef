import type { SchemaNode } from './crd-catalog.js';
import { CelCompileError, compileCel, evaluateCel } from './cel.js';
import { fieldError, formatPath, type PathSegment } from './field-errors.js';

/**
 * The Kubernetes structural-schema semantics Ajv knows nothing about: list-type uniqueness and
 * `x-kubernetes-validations` (CEL) evaluated at each schema location with `self` bound to the
 * value found there.
 */

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function childSchema(node: unknown): SchemaNode | undefined {
  return isRecord(node) ? node : undefined;
}

function properties(schema: SchemaNode): Record<string, unknown> | undefined {
  return isRecord(schema.properties) ? schema.properties : undefined;
}

function additional(schema: SchemaNode): SchemaNode | undefined {
  return childSchema(schema.additionalProperties);
}

function toCelInteger(v: unknown): unknown {
  return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v;
}

/**
 * The typed view CEL gets of a JSON value: integers become CEL ints (BigInt) where the schema says
 * integer (or says nothing, as the apiserver decodes untyped JSON integers to int64), and fields
 * the schema does not declare are dropped, as the apiserver prunes them before validation.
 */
export function toCelValue(schema: SchemaNode | undefined, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const type = schema?.type;
  if (Array.isArray(value)) {
    const items = schema ? childSchema(schema.items) : undefined;
    return value.map((v) => toCelValue(items, v));
  }
  if (isRecord(value)) {
    if (!schema) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCelValue(undefined, v)]));
    const props = properties(schema);
    const extra = additional(schema);
    const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const declared = props ? childSchema(props[k]) : undefined;
      if (declared) out[k] = toCelValue(declared, v);
      else if (extra) out[k] = toCelValue(extra, v);
      else if (preserve || (!props && !extra)) out[k] = toCelValue(undefined, v);
    }
    return out;
  }
  if (type === 'number') return value;
  return toCelInteger(value);
}

interface Rule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: string;
}

function rulesOf(schema: SchemaNode): Rule[] {
  const raw = schema['x-kubernetes-validations'];
  if (!Array.isArray(raw)) return [];
  const out: Rule[] = [];
  for (const r of raw) {
    if (!isRecord(r) || typeof r.rule !== 'string') continue;
    out.push({
      rule: r.rule,
      message: typeof r.message === 'string' ? r.message : undefined,
      messageExpression: typeof r.messageExpression === 'string' ? r.messageExpression : undefined,
      fieldPath: typeof r.fieldPath === 'string' ? r.fieldPath : undefined,
      reason: typeof r.reason === 'string' ? r.reason : undefined,
    });
  }
  return out;
}

function ruleErrorString(r: Rule): string {
  return r.message && r.message.trim() !== '' ? r.message.trim() : r.rule.trim();
}

function ruleMessageOrDefault(r: Rule): string {
  return r.message && r.message.trim() !== '' ? r.message.trim() : `failed rule: ${r.rule.trim()}`;
}

function schemaTypeName(schema: SchemaNode): string {
  return typeof schema.type === 'string' ? schema.type : '';
}

function reasonError(reason: string | undefined, path: string, type: string, detail: string): string {
  switch (reason) {
    case 'FieldValueRequired':
      return `${fieldError.required(path)}: ${detail}`;
    case 'FieldValueForbidden':
      return `${path}: Forbidden: ${detail}`;
    case 'FieldValueDuplicate':
      return fieldError.duplicate(path, type);
    default:
      return fieldError.invalid(path, type, detail);
  }
}

function evaluateRules(schema: SchemaNode, celSelf: unknown, path: readonly PathSegment[], errors: string[]): void {
  const type = schemaTypeName(schema);
  const where = formatPath(path);
  for (const r of rulesOf(schema)) {
    // Transition rules compare with the stored object; on create (all we ever see) the apiserver skips them.
    if (/\boldSelf\b/.test(r.rule)) continue;
    const program = compileCel(r.rule);
    if (program instanceof CelCompileError) {
      errors.push(fieldError.invalid(where, type, `rule compile error: ${program.message} for rule: ${ruleErrorString(r)}`));
      continue;
    }
    const out = evaluateCel(program, { self: celSelf });
    if (!out.ok) {
      errors.push(fieldError.invalid(where, type, `${out.error} evaluating rule: ${ruleErrorString(r)}`));
      continue;
    }
    if (out.value === true) continue;
    const at = r.fieldPath ? `${where}${r.fieldPath.startsWith('[') ? '' : r.fieldPath.startsWith('.') ? '' : '.'}${r.fieldPath}` : where;
    let detail = ruleMessageOrDefault(r);
    if (r.messageExpression) {
      const mp = compileCel(r.messageExpression);
      if (!(mp instanceof CelCompileError)) {
        const m = evaluateCel(mp, { self: celSelf });
        // Like the apiserver, an unusable message (error, empty, multi-line) falls back to the default.
        const text = m.ok && typeof m.value === 'string' ? m.value.trim() : '';
        if (text !== '' && !text.includes('\n')) detail = text;
      }
    }
    errors.push(reasonError(r.reason, at, type, detail));
  }
}

function listKey(item: unknown, keys: readonly string[]): Record<string, unknown> | undefined {
  if (!isRecord(item)) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = item[k];
  return out;
}

/** `x-kubernetes-list-type: set|map` forbid repeated elements (by whole value or by map keys). */
function checkListType(schema: SchemaNode, list: readonly unknown[], path: readonly PathSegment[], errors: string[]): void {
  const listType = schema['x-kubernetes-list-type'];
  if (listType !== 'set' && listType !== 'map') return;
  const keys = Array.isArray(schema['x-kubernetes-list-map-keys'])
    ? schema['x-kubernetes-list-map-keys'].filter((k): k is string => typeof k === 'string')
    : [];
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const identity = listType === 'map' ? listKey(item, keys) : item;
    if (identity === undefined) return;
    const fingerprint = JSON.stringify(identity);
    if (seen.has(fingerprint)) errors.push(fieldError.duplicate(formatPath([...path, { kind: 'index', index: i }]), identity));
    else seen.add(fingerprint);
  });
}

function walk(schema: SchemaNode, value: unknown, celValue: unknown, path: PathSegment[], lists: string[], cel: string[] | undefined): void {
  if (value === null || value === undefined) return;
  if (cel) evaluateRules(schema, celValue, path, cel);
  if (Array.isArray(value)) {
    checkListType(schema, value, path, lists);
    const items = childSchema(schema.items);
    if (!items || !Array.isArray(celValue)) return;
    value.forEach((v, i) => walk(items, v, celValue[i], [...path, { kind: 'index', index: i }], lists, cel));
    return;
  }
  if (!isRecord(value) || !isRecord(celValue)) return;
  const props = properties(schema);
  const extra = additional(schema);
  for (const [k, v] of Object.entries(value)) {
    const declared = props ? childSchema(props[k]) : undefined;
    if (declared) walk(declared, v, celValue[k], [...path, { kind: 'field', name: k }], lists, cel);
    else if (extra) walk(extra, v, celValue[k], [...path, { kind: 'key', key: k }], lists, cel);
  }
}

export interface StructuralOutcome {
  readonly listErrors: string[];
  readonly celErrors: string[];
}

/** Runs list-type checks always, and CEL rules unless `skipCel` (set after a blocking schema error). */
export function runStructural(schema: SchemaNode, obj: unknown, skipCel: boolean): StructuralOutcome {
  const listErrors: string[] = [];
  const celErrors: string[] | undefined = skipCel ? undefined : [];
  // Without CEL the raw value stands in for the typed one; only its shape is walked.
  walk(schema, obj, skipCel ? obj : toCelValue(schema, obj), [], listErrors, celErrors);
  return { listErrors, celErrors: celErrors ?? [] };
}

/** ObjectMeta's JSON fields: anything else under metadata is unknown to a strict decoder. */
const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
]);

function collectUnknown(schema: SchemaNode, value: unknown, path: string, out: string[]): void {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true || schema['x-kubernetes-embedded-resource'] === true) return;
  if (Array.isArray(value)) {
    const items = childSchema(schema.items);
    if (items) value.forEach((v, i) => collectUnknown(items, v, `${path}[${i}]`, out));
    return;
  }
  if (!isRecord(value)) return;
  const props = properties(schema);
  const extra = additional(schema);
  for (const [k, v] of Object.entries(value)) {
    const childPath = path === '' ? k : `${path}.${k}`;
    const declared = props ? childSchema(props[k]) : undefined;
    if (declared) collectUnknown(declared, v, childPath, out);
    else if (extra) collectUnknown(extra, v, childPath, out);
    else if (props || schema.type === 'object') out.push(childPath);
  }
}

/**
 * Paths the apiserver would prune silently, or reject under `fieldValidation=Strict` (kubectl's
 * default since 1.27): fields the schema does not declare, outside preserve-unknown subtrees.
 */
export function unknownFieldPaths(schema: SchemaNode, obj: unknown): string[] {
  if (!isRecord(obj)) return [];
  const out: string[] = [];
  const props = properties(schema) ?? {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (k === 'metadata') {
      if (isRecord(v)) for (const m of Object.keys(v)) if (!OBJECT_META_FIELDS.has(m)) out.push(`metadata.${m}`);
      continue;
    }
    const declared = childSchema(props[k]);
    if (declared) collectUnknown(declared, v, k, out);
    else out.push(k);
  }
  return out;
}
