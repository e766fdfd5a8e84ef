import { goJsonKind } from '../go/json.js';
import { DecodeError, isObject, normalizeSpec, readEnum } from './decode.js';
import { findKind } from './kinds/registry.js';
import { ISTIO_PROTOS } from '../proto/istio.js';
import { jsonpbDecodeError } from '../proto/jsonpb.js';
import { checkMetadata } from './metadata.js';
import type { ObjectMetaLite, ValidationResult } from './result.js';

/** The AdmissionRequest fields the validation decision depends on. */
export interface ValidationRequest {
  operation?: string;
  kind?: { group?: string; version?: string; kind?: string };
  namespace?: string;
  name?: string;
  dryRun?: boolean;
  object?: unknown;
}

/** Istio's galley_validation_failed reasons (server/monitoring.go). */
export type ValidationReason =
  | 'unsupported_operation'
  | 'yaml_decode_error'
  | 'unknown_type'
  | 'crd_conversion_error'
  | 'invalid_resource';

export interface ValidationOutcome {
  allowed: boolean;
  /** Set on deny: the AdmissionResponse status.message. */
  message?: string;
  /** Only ever non-empty when allowed (Istio drops warnings on deny). */
  warnings: string[];
  /** Set whenever Istio would count galley_validation_failed (also for allowed unsupported operations). */
  reason?: ValidationReason;
}

const VALID_TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);

function deny(reason: ValidationReason, message: string): ValidationOutcome {
  return { allowed: false, message, warnings: [], reason };
}

interface DecodedObject {
  apiVersion: string;
  kind: string;
  meta: ObjectMetaLite;
  spec: unknown;
}

/**
 * json.Unmarshal into Istio's IstioKind{TypeMeta, ObjectMeta, Spec, Status}: only the fields it
 * types are checked, with encoding/json's error text.
 */
function decodeIstioKind(obj: unknown): DecodedObject | string {
  if (obj === undefined) return 'unexpected end of JSON input';
  if (obj === null) obj = {};
  if (!isObject(obj)) return `json: cannot unmarshal ${goJsonKind(obj)} into Go value of type crd.IstioKind`;
  const field = (path: string, v: unknown, goType: string): string =>
    `json: cannot unmarshal ${goJsonKind(v)} into Go struct field IstioKind.${path} of type ${goType}`;
  const strAt = (o: Record<string, unknown>, key: string, path: string): string | { err: string } => {
    const v = o[key];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') return { err: field(path, v, 'string') };
    return v;
  };
  const apiVersion = strAt(obj, 'apiVersion', 'apiVersion');
  if (typeof apiVersion !== 'string') return apiVersion.err;
  const kind = strAt(obj, 'kind', 'kind');
  if (typeof kind !== 'string') return kind.err;
  let metaRaw = obj['metadata'];
  if (metaRaw === undefined || metaRaw === null) metaRaw = {};
  if (!isObject(metaRaw)) return field('metadata', metaRaw, 'v1.ObjectMeta');
  const name = strAt(metaRaw, 'name', 'metadata.name');
  if (typeof name !== 'string') return name.err;
  const namespace = strAt(metaRaw, 'namespace', 'metadata.namespace');
  if (typeof namespace !== 'string') return namespace.err;
  const maps: Record<string, Record<string, string>> = {};
  for (const key of ['labels', 'annotations']) {
    const m = metaRaw[key];
    const out: Record<string, string> = {};
    if (m !== undefined && m !== null) {
      if (!isObject(m)) return field(`metadata.${key}`, m, 'map[string]string');
      for (const [k, v] of Object.entries(m)) {
        if (v === null) out[k] = '';
        else if (typeof v !== 'string') return field(`metadata.${key}`, v, 'string');
        else out[k] = v;
      }
    }
    maps[key] = out;
  }
  return {
    apiVersion,
    kind,
    meta: { name, namespace, labels: maps['labels'] ?? {}, annotations: maps['annotations'] ?? {} },
    spec: obj['spec'],
  };
}

/** k8s schema.ParseGroupVersion as used by FromAPIVersionAndKind (an unparsable value gives ""/""). */
function splitApiVersion(apiVersion: string): { group: string; version: string } {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0] ?? '', version: parts[1] ?? '' };
  return { group: '', version: '' };
}

const AUTHZ_ACTIONS = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'] as const;

/**
 * Istio's validation webhook decision (pkg/webhooks/validation/server/server.go validate()),
 * applied to a decoded AdmissionRequest. Never throws.
 */
export function validateAdmission(req: ValidationRequest): ValidationOutcome {
  const op = req.operation ?? '';
  if (op !== 'CREATE' && op !== 'UPDATE') return { allowed: true, warnings: [], reason: 'unsupported_operation' };

  const decoded = decodeIstioKind(req.object);
  if (typeof decoded === 'string') return deny('yaml_decode_error', `cannot decode configuration: ${decoded}`);

  const { group, version } = splitApiVersion(decoded.apiVersion);
  const found = findKind(group, decoded.kind);
  if (found === undefined) {
    return deny('unknown_type', `unrecognized type ${group}/${version}, Kind=${decoded.kind}`);
  }
  const meta: ObjectMetaLite = {
    ...decoded.meta,
    namespace: decoded.meta.namespace !== '' ? decoded.meta.namespace : (req.namespace ?? ''),
  };

  let result: ValidationResult | undefined;
  let metadataError: string | undefined;
  if (found.type === 'gateway-api') {
    metadataError = checkMetadata(meta, false, undefined);
  } else {
    // Istio decodes the whole spec into its proto message before any rule runs, so the first decode
    // error in jsonpb's order is the answer; the validators' own DecodeErrors are a fallback.
    const decodeError = jsonpbDecodeError(ISTIO_PROTOS, found.entry.proto, decoded.spec ?? null);
    if (decodeError !== undefined) return deny('crd_conversion_error', `error decoding configuration: ${decodeError}`);
    try {
      const spec = normalizeSpec(decoded.spec);
      const isAuthz = found.entry.kind === 'AuthorizationPolicy';
      const action = isAuthz ? readEnum(spec, 'action', 'istio.security.v1beta1.AuthorizationPolicy.Action', AUTHZ_ACTIONS) : undefined;
      metadataError = checkMetadata(meta, isAuthz, action);
      result = found.entry.validate(spec, meta);
    } catch (e) {
      if (e instanceof DecodeError) return deny('crd_conversion_error', `error decoding configuration: ${e.message}`);
      const why = e instanceof Error ? e.message : String(e);
      return deny('invalid_resource', `configuration is invalid: internal validation failure: ${why}`);
    }
  }
  if (metadataError !== undefined) return deny('invalid_resource', `configuration is invalid: ${metadataError}`);
  const errMsg = result?.errorMessage();
  if (errMsg !== undefined) return deny('invalid_resource', `configuration is invalid: ${errMsg}`);

  if (isObject(req.object)) {
    for (const key of Object.keys(req.object)) {
      if (!VALID_TOP_LEVEL.has(key)) {
        return deny(
          'invalid_resource',
          `unknown field "${key}" on ${req.kind?.kind ?? ''} resource ${req.namespace ?? ''}/${decoded.meta.name}`,
        );
      }
    }
  }
  return { allowed: true, warnings: result?.warnings() ?? [] };
}

/** Validate a bare object as if it arrived in a CREATE request. */
export function validateObject(obj: unknown): ValidationOutcome {
  let kind = '';
  let namespace = '';
  let name = '';
  if (isObject(obj)) {
    if (typeof obj['kind'] === 'string') kind = obj['kind'];
    const m = obj['metadata'];
    if (isObject(m)) {
      if (typeof m['namespace'] === 'string') namespace = m['namespace'];
      if (typeof m['name'] === 'string') name = m['name'];
    }
  }
  return validateAdmission({ operation: 'CREATE', kind: { kind }, namespace, name, object: obj });
}
