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

/**
 * The string entries of a map field (labels, annotations, a map<string,string> in a CRD), anything else dropped:
 * what a watch hands on to the workers is then flat, however the object it came in was shaped.
 */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isJsonObject(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** Deeper than any Kubernetes object; bounds recursion so hostile input cannot exhaust the stack. */
export const MAX_JSON_DEPTH = 1000;

/** Nesting depth of a JSON value, measured without recursion (0 for a scalar). */
export function jsonDepth(v: unknown, limit = Number.POSITIVE_INFINITY): number {
  if (typeof v !== 'object' || v === null) return 0;
  // Parallel stacks of containers and their depths: no tuple or values array per node.
  const nodes: object[] = [v];
  const depths: number[] = [1];
  let max = 1;
  if (max > limit) return max;
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const d = depths.pop()! + 1;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const c: unknown = node[i];
        if (typeof c !== 'object' || c === null) continue;
        if (d > max && (max = d) > limit) return max;
        nodes.push(c);
        depths.push(d);
      }
    } else {
      for (const k in node) {
        const c: unknown = (node as Record<string, unknown>)[k];
        if (typeof c !== 'object' || c === null || !Object.prototype.hasOwnProperty.call(node, k)) continue;
        if (d > max && (max = d) > limit) return max;
        nodes.push(c);
        depths.push(d);
      }
    }
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

