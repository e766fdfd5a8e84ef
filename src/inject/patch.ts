import jsonpatch, { type Operation } from 'fast-json-patch';
import type { JsonObject } from '../k8s/json.js';

export type PatchOperation = Operation;

/**
 * RFC 6902 operations turning `original` into `final`. Like Istio's gomodules jsonpatch, objects are
 * diffed key by key and arrays by index, so fields neither side knows are never touched.
 */
export function createPatch(original: JsonObject, final: JsonObject): PatchOperation[] {
  return jsonpatch.compare(original, final);
}

/** Apply a patch the way the API server would, without touching the input; throws if an op cannot apply. */
export function applyPatch<T extends object>(doc: T, ops: readonly PatchOperation[]): T {
  return jsonpatch.applyPatch(jsonpatch.deepClone(doc) as T, ops as Operation[], true, true).newDocument;
}
