import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import type { SchemaNode } from './crd-catalog.js';
import { fieldError, jsonTypeName } from './field-errors.js';
import { goFloat } from './go-format.js';

// NodeNext sees ajv-formats' CJS default export as a namespace; at run time it is the function.
const addFormats = formatsPlugin as unknown as typeof formatsPlugin.default;

/**
 * Kubernetes' schema extensions. Ajv only needs to accept them: their semantics (pruning,
 * list uniqueness, CEL) are applied by the structural walk, not by Ajv.
 */
const KUBERNETES_KEYWORDS = [
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
];

function createAjv(): Ajv {
  // strictRequired is off because the CRDs' oneOf idiom (`oneOf: [{not: {anyOf: [{required: [a]}]}}, ...]`)
  // names properties declared by the parent schema, which Ajv's strict check cannot see.
  const ajv = new Ajv({ strict: true, strictTypes: false, strictRequired: false, allErrors: true, verbose: true });
  addFormats(ajv, ['date-time', 'byte', 'date', 'uri', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid', 'password', 'binary']);
  // The apiserver checks formats on strings only; numeric formats are documentation there, so a
  // range check here would reject what the cluster accepts.
  for (const f of ['int32', 'int64', 'float', 'double']) ajv.addFormat(f, { type: 'number', validate: () => true });
  ajv.addVocabulary(KUBERNETES_KEYWORDS);
  return ajv;
}

let sharedAjv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/**
 * Compiles (once per distinct schema text) a validator for a whole custom resource. Istio serves
 * the same schema under several versions, so keying by content compiles it once.
 */
const byIdentity = new WeakMap<SchemaNode, ValidateFunction>();

export function compileOpenApi(schema: SchemaNode): ValidateFunction {
  // Serialising a large schema costs more than validating an object, so look up by identity first.
  const known = byIdentity.get(schema);
  if (known) return known;
  const key = JSON.stringify(schema);
  let fn = compiled.get(key);
  if (!fn) {
    sharedAjv ??= createAjv();
    fn = sharedAjv.compile(schema);
    compiled.set(key, fn);
  }
  byIdentity.set(schema, fn);
  return fn;
}

function unescapePointer(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** go-openapi names a location `a.b[0].c`, and map members `.key` (unlike CEL's `[key]`). */
function openApiPath(root: unknown, pointer: string): string {
  if (pointer === '') return '';
  let out = '';
  let cur: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = unescapePointer(raw);
    if (Array.isArray(cur)) {
      out += `[${seg}]`;
      cur = cur[Number(seg)];
    } else {
      out += out === '' ? seg : `.${seg}`;
      cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

/**
 * Errors inside a oneOf/anyOf branch are the alternatives' reasons, not the object's: the
 * apiserver reports only the combinator itself, so drop them.
 */
function insideCombinatorBranch(schemaPath: string): boolean {
  const segs = schemaPath.replace(/^#\//, '').split('/');
  for (let i = 0; i < segs.length - 1; i++) {
    const s = segs[i];
    if (s === 'properties') {
      i++; // the next segment is a property name, whatever it spells
      continue;
    }
    if (s === 'oneOf' || s === 'anyOf' || s === 'not') return true;
  }
  return false;
}

function num(v: unknown): string {
  return typeof v === 'number' ? goFloat(v) : String(v);
}

function inBody(path: string, rest: string): string {
  return `${path} in body ${rest}`;
}

function toFieldError(e: ErrorObject, root: unknown): string {
  const path = openApiPath(root, e.instancePath);
  const data: unknown = e.data;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const prop = String(p.missingProperty);
      return fieldError.required(path === '' ? prop : `${path}.${prop}`);
    }
    case 'type': {
      const want = Array.isArray(p.type) ? p.type.filter((t) => t !== 'null').join(',') : String(p.type);
      const got = jsonTypeName(data);
      return fieldError.invalid(path, got, inBody(path, `must be of type ${want}: "${got}"`));
    }
    case 'enum':
      return fieldError.notSupported(path, data, Array.isArray(p.allowedValues) ? p.allowedValues : []);
    case 'maxLength':
      return fieldError.tooLong(path, Number(p.limit));
    case 'minLength':
      return fieldError.invalid(path, data, inBody(path, `should be at least ${num(p.limit)} chars long`));
    case 'maxItems':
      return fieldError.tooMany(path, Array.isArray(data) ? data.length : -1, Number(p.limit));
    case 'minItems':
      return fieldError.invalid(path, data, inBody(path, `should have at least ${num(p.limit)} items`));
    case 'maxProperties':
      return fieldError.tooMany(path, typeof data === 'object' && data !== null ? Object.keys(data).length : -1, Number(p.limit));
    case 'minProperties':
      return fieldError.invalid(path, data, inBody(path, `should have at least ${num(p.limit)} properties`));
    case 'maximum':
      return fieldError.invalid(path, data, inBody(path, `should be less than or equal to ${num(p.limit)}`));
    case 'exclusiveMaximum':
      return fieldError.invalid(path, data, inBody(path, `should be less than ${num(p.limit)}`));
    case 'minimum':
      return fieldError.invalid(path, data, inBody(path, `should be greater than or equal to ${num(p.limit)}`));
    case 'exclusiveMinimum':
      return fieldError.invalid(path, data, inBody(path, `should be greater than ${num(p.limit)}`));
    case 'multipleOf':
      return fieldError.invalid(path, data, inBody(path, `should be a multiple of ${num(p.multipleOf)}`));
    case 'pattern':
      return fieldError.invalid(path, data, inBody(path, `should match '${String(p.pattern)}'`));
    case 'format':
      return fieldError.invalid(path, data, inBody(path, `must be of type ${String(p.format)}: ${JSON.stringify(String(data))}`));
    case 'uniqueItems':
      return fieldError.invalid(path, data, inBody(path, "shouldn't contain duplicates"));
    case 'oneOf':
      return fieldError.invalid(path, data, inBody(path, 'must validate one and only one schema (oneOf)'));
    case 'anyOf':
      return fieldError.invalid(path, data, inBody(path, 'must validate at least one schema (anyOf)'));
    case 'not':
      return fieldError.invalid(path, data, inBody(path, 'must not validate the schema (not)'));
    case 'additionalProperties':
      return fieldError.invalid(path, data, inBody(path, `${String(p.additionalProperty)} is a forbidden property`));
    default:
      return fieldError.invalid(path, data, inBody(path, e.message ?? e.keyword));
  }
}

export interface OpenApiOutcome {
  readonly errors: string[];
  /**
   * The apiserver skips CEL when any error is Required, NotSupported, TooLong, TooMany or
   * TypeInvalid (strategy.go hasBlockingErr): rules could otherwise see values of the wrong shape.
   */
  readonly blocksCel: boolean;
}

const BLOCKING_KEYWORDS = new Set(['required', 'enum', 'maxLength', 'maxItems', 'maxProperties', 'type']);

export function runOpenApi(validate: ValidateFunction, obj: unknown): OpenApiOutcome {
  if (validate(obj)) return { errors: [], blocksCel: false };
  // A Set keeps first-seen order and makes the dedupe linear in the number of schema errors.
  const errors = new Set<string>();
  let blocksCel = false;
  for (const e of validate.errors ?? []) {
    if (insideCombinatorBranch(e.schemaPath)) continue;
    if (BLOCKING_KEYWORDS.has(e.keyword)) blocksCel = true;
    errors.add(toFieldError(e, obj));
  }
  return { errors: [...errors], blocksCel };
}
