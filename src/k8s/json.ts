export { goJsonKind } from '../go/json.js';
/** JSON values as they cross the Kubernetes layer (what Go's encoding/json would see). */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deeper than any Kubernetes object; bounds recursion so hostile input cannot exhaust the stack. */
export const MAX_JSON_DEPTH = 1000;

/** Nesting depth of a JSON value, measured without recursion (0 for a scalar). */
export function jsonDepth(v: unknown, limit = Number.POSITIVE_INFINITY): number {
  let max = 0;
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    const d = depth + 1;
    if (d > max) {
      max = d;
      if (max > limit) return max;
    }
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const c of children) if (typeof c === 'object' && c !== null) stack.push([c, d]);
  }
  return max;
}

/**
 * `obj[key] = value` that also works for the key "__proto__" (which plain assignment would turn
 * into a prototype change, losing the entry). JSON.parse creates such keys as own properties.
 */
export function setOwn(obj: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** Deep copy of plain JSON data; faster than structuredClone for the small, deep trees we handle. */
export function cloneJson<T extends JsonValue>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => cloneJson(x)) as T;
  const out: JsonObject = {};
  for (const k of Object.keys(v)) setOwn(out, k, cloneJson((v as JsonObject)[k]!));
  return out as T;
}

