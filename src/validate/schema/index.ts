import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { admissionError, describeError } from '../../errors.js';
import { crdCatalogFromDocuments, readCrdDocuments, type CrdCatalog, type GroupVersionKind } from './crd-catalog.js';
import { compileOpenApi, runOpenApi } from './openapi.js';
import { runStructural, unknownFieldPaths } from './structural.js';

export type { GroupVersionKind } from './crd-catalog.js';
export { parseCrdCatalog, CrdLoadError } from './crd-catalog.js';

/**
 * The apiserver's view of an Istio object before any webhook runs: OpenAPI v3 schema (via Ajv),
 * list-type uniqueness, then CEL rules. Errors read like the apiserver's field errors.
 */
export interface CrdValidationResult {
  readonly errors: string[];
}

export interface CrdValidator {
  validate(obj: unknown): CrdValidationResult;
  list(): GroupVersionKind[];
  /**
   * `strict decoding error: unknown field "..."` messages for fields the schema does not declare
   * (what `kubectl apply` reports by default); empty when there are none or the kind is unknown.
   */
  unknownFields(obj: unknown): string[];
  /** Compiles every served schema now (normally lazy); returns the milliseconds it took. */
  warmUp(): number;
}

/** What the apiserver appends when a blocking schema error stopped CEL from running. */
export const CEL_SKIPPED_MESSAGE =
  '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function metadataErrors(obj: Record<string, unknown>): string[] {
  const meta = obj.metadata;
  if (meta === undefined) return ['metadata.name: Required value: name or generateName is required'];
  if (!isRecord(meta)) return [`metadata: Invalid value: ${JSON.stringify(typeof meta)}: metadata must be an object`];
  const name = meta.name;
  const generateName = meta.generateName;
  if ((typeof name !== 'string' || name === '') && (typeof generateName !== 'string' || generateName === '')) {
    return ['metadata.name: Required value: name or generateName is required'];
  }
  return [];
}

export function createCrdValidator(catalog: CrdCatalog): CrdValidator {
  return {
    list: () => catalog.list(),
    unknownFields: (obj) => {
      if (!isRecord(obj) || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return [];
      const { group, version } = splitApiVersion(obj.apiVersion);
      const crd = catalog.versionsOf(group, obj.kind)?.get(version);
      if (!crd || !crd.served) return [];
      const paths = unknownFieldPaths(crd.schema, obj);
      return paths.length === 0 ? [] : [`strict decoding error: ${paths.map((p) => `unknown field "${p}"`).join(', ')}`];
    },
    warmUp: () => {
      const start = performance.now();
      for (const gvk of catalog.list()) {
        const v = catalog.versionsOf(gvk.group, gvk.kind)?.get(gvk.version);
        if (v?.served) compileOpenApi(v.schema);
      }
      return performance.now() - start;
    },
    validate: (obj) => {
      if (!isRecord(obj)) {
        return { errors: [admissionError('MA603_NOT_A_RESOURCE', `expected a mapping, got ${Array.isArray(obj) ? 'a list' : obj === null ? 'null' : typeof obj}`).message] };
      }
      const { apiVersion, kind } = obj;
      if (typeof apiVersion !== 'string' || apiVersion === '') {
        return { errors: [admissionError('MA603_NOT_A_RESOURCE', 'apiVersion must be a non-empty string').message] };
      }
      if (typeof kind !== 'string' || kind === '') {
        return { errors: [admissionError('MA603_NOT_A_RESOURCE', 'kind must be a non-empty string').message] };
      }
      const { group, version } = splitApiVersion(apiVersion);
      const versions = catalog.versionsOf(group, kind);
      if (!versions) return { errors: [admissionError('MA601_CRD_UNKNOWN_KIND', group, version, kind).message] };
      const crd = versions.get(version);
      if (!crd || !crd.served) {
        const served = [...versions.values()].filter((v) => v.served).map((v) => v.version);
        return { errors: [admissionError('MA602_CRD_VERSION_NOT_SERVED', version, kind, group, served).message] };
      }
      const meta = metadataErrors(obj);
      const openApi = runOpenApi(compileOpenApi(crd.schema), obj);
      // A missing metadata.name is a Required error too, which blocks CEL like the schema's own.
      const blocked = openApi.blocksCel || meta.length > 0;
      const structural = runStructural(crd.schema, obj, blocked);
      const errors = [...meta, ...openApi.errors, ...structural.listErrors];
      if (blocked) errors.push(CEL_SKIPPED_MESSAGE);
      else errors.push(...structural.celErrors);
      return { errors };
    },
  };
}

const fileCache = new Map<string, { stamp: string; validator: CrdValidator }>();

/** Bumped when what the disk cache holds changes shape. */
const DISK_CACHE_FORMAT = 1;
let diskCacheDir: string | undefined;

/**
 * Keep the documents of parsed CRD files as JSON in `dir` (the CLI's cache): a short-lived process then
 * reads a 1 MB CRD file in milliseconds instead of parsing its YAML again (~0.8 s). Entries are keyed by
 * path, size and modification time; any cache error just means parsing the YAML.
 */
export function useCrdDiskCache(dir: string | undefined): void {
  diskCacheDir = dir;
}

function cachedDocuments(full: string, stamp: string, parse: () => unknown[]): unknown[] {
  if (diskCacheDir === undefined) return parse();
  const key = createHash('sha256').update(JSON.stringify([DISK_CACHE_FORMAT, full, stamp])).digest('hex').slice(0, 32);
  const file = join(diskCacheDir, `${key}.json`);
  try {
    const docs: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (Array.isArray(docs)) return docs;
  } catch {
    // Not cached yet, or unreadable: parse below.
  }
  const docs = parse();
  try {
    mkdirSync(diskCacheDir, { recursive: true });
    // Written aside and renamed, so a concurrent reader never sees half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(docs));
    renameSync(tmp, file);
  } catch {
    // A read-only home or a full disk only costs the next run a parse.
  }
  return docs;
}

/** Parsing ~1 MB of CRD YAML costs about half a second, so a file is parsed again only when it changed. */
export function loadCrdValidatorFromFile(path: string): CrdValidator {
  const full = resolve(path);
  const st = statSync(full);
  const stamp = `${st.size}:${st.mtimeMs}`;
  const hit = fileCache.get(full);
  if (hit && hit.stamp === stamp) return hit.validator;
  const docs = cachedDocuments(full, stamp, () => readCrdDocuments(readFileSync(full, 'utf8'), path));
  const validator = createCrdValidator(crdCatalogFromDocuments(docs, path));
  fileCache.set(full, { stamp, validator });
  return validator;
}

/**
 * Where the CRDs come from when nobody configured a validator: MESH_ADMISSION_CRDS, else the
 * conformance corpus beside the project (MESH_ADMISSION_CONFORMANCE or ../shared/conformance).
 */
export function defaultCrdFile(): string {
  if (process.env.MESH_ADMISSION_CRDS) return resolve(process.env.MESH_ADMISSION_CRDS);
  const corpus = process.env.MESH_ADMISSION_CONFORMANCE ?? resolve(import.meta.dirname, '../../../../shared/conformance');
  return resolve(corpus, 'istio-validation/crds/crd-all.gen.yaml');
}

let defaultValidator: CrdValidator | { readonly failure: string } | undefined;

/** Replace (or with `undefined`, reset to lazy file loading) the validator the helpers below use. */
export function setDefaultCrdValidator(v: CrdValidator | undefined): void {
  defaultValidator = v;
}

function getDefault(): CrdValidator | { readonly failure: string } {
  if (defaultValidator) return defaultValidator;
  const file = defaultCrdFile();
  try {
    defaultValidator = loadCrdValidatorFromFile(file);
  } catch (e) {
    defaultValidator = { failure: admissionError('MA600_CRD_SCHEMAS_UNAVAILABLE', file, describeError(e)).message };
  }
  return defaultValidator;
}

/** Validates one object against its CRD; an unknown group/kind or missing CRDs is one clear error. */
export function validateAgainstCrd(obj: unknown): CrdValidationResult {
  const v = getDefault();
  if ('failure' in v) return { errors: [v.failure] };
  return v.validate(obj);
}

/** The default validator itself, or why it could not be built (e.g. the CRD file is missing). */
export function defaultCrdValidator(): { ok: true; validator: CrdValidator } | { ok: false; error: string } {
  const v = getDefault();
  return 'failure' in v ? { ok: false, error: v.failure } : { ok: true, validator: v };
}

/** The group/version/kinds the default validator knows (empty when the CRDs could not be read). */
export function listSupportedKinds(): GroupVersionKind[] {
  const v = getDefault();
  return 'failure' in v ? [] : v.list();
}
