import jsonpatch, { type Operation } from 'fast-json-patch';
import type { JsonObject } from '../k8s/json.js';

export type PatchOperation = Operation;

function lookup(doc: unknown, tokens: readonly string[]): { found: boolean; value: unknown } {
  let cur: unknown = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      const i = Number(t);
      if (!Number.isInteger(i) || i < 0 || i >= cur.length) return { found: false, value: undefined };
      cur = cur[i];
    } else if (typeof cur === 'object' && cur !== null && Object.prototype.hasOwnProperty.call(cur, t)) {
      cur = (cur as Record<string, unknown>)[t];
    } else {
      return { found: false, value: undefined };
    }
  }
  return { found: true, value: cur };
}

/**
 * RFC 6902 operations turning the API server's `received` object into `final`.
 *
 * Like istiod, the diff is taken between Go-typed forms (`typedOriginal` vs `final`), objects key by
 * key and arrays by index, so fields neither side knows are never touched. But the API server
 * applies the patch to what it sent, which lacks the empty structs typing adds (`resources: {}`),
 * so every operation is checked against `received` as it evolves: a missing parent object is
 * created first, a `replace` of an absent key becomes `add`, a `remove` of one is dropped.
 */
export function createPatch(received: JsonObject, typedOriginal: JsonObject, final: JsonObject): PatchOperation[] {
  const out: PatchOperation[] = [];
  diff(typedOriginal, final, '', [], { received, created: new Set(), out });
  return out;
}

interface DiffState {
  received: JsonObject;
  /** Paths the patch itself creates (parents added for the received object). */
  created: Set<string>;
  out: PatchOperation[];
}

function escapeToken(t: string): string {
  return t.includes('~') || t.includes('/') ? t.replace(/~/g, '~0').replace(/\//g, '~1') : t;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function presentInReceived(st: DiffState, tokens: readonly string[], path: string): boolean {
  return st.created.has(path) || lookup(st.received, tokens).found;
}

/** Emit one operation, first creating any parent object the received object lacks. */
function emit(st: DiffState, op: 'add' | 'replace' | 'remove', path: string, tokens: readonly string[], value?: unknown): void {
  let parentPath = '';
  for (let depth = 0; depth < tokens.length - 1; depth++) {
    parentPath += `/${escapeToken(tokens[depth]!)}`;
    if (!presentInReceived(st, tokens.slice(0, depth + 1), parentPath)) {
      st.out.push({ op: 'add', path: parentPath, value: {} });
      st.created.add(parentPath);
    }
  }
  const present = presentInReceived(st, tokens, path);
  if (op === 'remove') {
    if (present) st.out.push({ op: 'remove', path });
    return;
  }
  if (op === 'replace' && present) {
    st.out.push({ op: 'replace', path, value });
    return;
  }
  st.out.push({ op: 'add', path, value });
  st.created.add(path);
}

/**
 * Objects key by key, arrays by index (tail removed from the end, new tail added), anything else
 * replaced: the shape of istiod's gomodules jsonpatch. Values are taken from `b` without copying;
 * the patch is serialised before anything could change them.
 */
function diff(a: unknown, b: unknown, path: string, tokens: string[], st: DiffState): void {
  if (a === b) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    const common = Math.min(a.length, b.length);
    for (let i = a.length - 1; i >= b.length; i--) emit(st, 'remove', `${path}/${i}`, [...tokens, String(i)]);
    for (let i = 0; i < common; i++) diff(a[i], b[i], `${path}/${i}`, [...tokens, String(i)], st);
    for (let i = common; i < b.length; i++) emit(st, 'add', `${path}/${i}`, [...tokens, String(i)], b[i]);
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of Object.keys(a)) {
      if (!Object.prototype.hasOwnProperty.call(b, k)) emit(st, 'remove', `${path}/${escapeToken(k)}`, [...tokens, k]);
    }
    for (const k of Object.keys(b)) {
      const p = `${path}/${escapeToken(k)}`;
      if (Object.prototype.hasOwnProperty.call(a, k)) diff(a[k], b[k], p, [...tokens, k], st);
      else emit(st, 'add', p, [...tokens, k], b[k]);
    }
    return;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    emit(st, 'replace', path, tokens, b);
    return;
  }
  if (a === b || (typeof a === 'number' && typeof b === 'number' && Object.is(a, b))) return;
  emit(st, 'replace', path, tokens, b);
}

/** Apply a patch the way the API server would, without touching the input; throws if an op cannot apply. */
export function applyPatch<T extends object>(doc: T, ops: readonly PatchOperation[]): T {
  // Values are copied too: fast-json-patch inserts them by reference, and a later op writing inside an
  // added object would otherwise change the patch itself.
  return jsonpatch.applyPatch(jsonpatch.deepClone(doc) as T, jsonpatch.deepClone(ops) as Operation[], true, true).newDocument;
}
