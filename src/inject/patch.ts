import jsonpatch, { type Operation } from 'fast-json-patch';
import type { JsonObject } from '../k8s/json.js';

export type PatchOperation = Operation;

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
  const root: Frame = { parent: undefined, path: '', received, inReceived: true, present: true };
  diff(typedOriginal, final, root, { created: new Set(), out });
  return out;
}

interface DiffState {
  /** Paths the patch itself creates (parents added for the received object, added values). */
  created: Set<string>;
  out: PatchOperation[];
}

/**
 * One level of the walk: where it is, the received object's value there (when it has one), and
 * whether the path exists for the operations that follow (received, or created by the patch).
 * Carrying this down keeps every operation O(1) instead of looking its path up from the root.
 */
interface Frame {
  readonly parent: Frame | undefined;
  readonly path: string;
  readonly received: unknown;
  readonly inReceived: boolean;
  present: boolean;
}

function escapeToken(t: string): string {
  return t.includes('~') || t.includes('/') ? t.replace(/~/g, '~0').replace(/\//g, '~1') : t;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The received object's child at token, as a JSON Pointer lookup would resolve it. */
function receivedChild(parent: Frame, token: string): { found: boolean; value: unknown } {
  if (!parent.inReceived) return { found: false, value: undefined };
  const cur = parent.received;
  if (Array.isArray(cur)) {
    const i = Number(token);
    if (!Number.isInteger(i) || i < 0 || i >= cur.length) return { found: false, value: undefined };
    return { found: true, value: cur[i] };
  }
  if (typeof cur === 'object' && cur !== null && Object.prototype.hasOwnProperty.call(cur, token)) {
    return { found: true, value: (cur as Record<string, unknown>)[token] };
  }
  return { found: false, value: undefined };
}

function childFrame(parent: Frame, token: string, path: string, st: DiffState): Frame {
  const r = receivedChild(parent, token);
  return { parent, path, received: r.value, inReceived: r.found, present: r.found || st.created.has(path) };
}

/** Create, outermost first, every ancestor the received object lacks (each at most once). */
function ensurePresent(st: DiffState, frame: Frame): void {
  if (frame.present) return;
  if (frame.parent) ensurePresent(st, frame.parent);
  st.out.push({ op: 'add', path: frame.path, value: {} });
  st.created.add(frame.path);
  frame.present = true;
}

/** Emit one operation on parent's child at token, first creating any parent the received object lacks. */
function emit(st: DiffState, op: 'add' | 'replace' | 'remove', parent: Frame, token: string, path: string, value?: unknown): void {
  ensurePresent(st, parent);
  const present = st.created.has(path) || receivedChild(parent, token).found;
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
function diff(a: unknown, b: unknown, here: Frame, st: DiffState): void {
  if (a === b) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    const common = Math.min(a.length, b.length);
    for (let i = a.length - 1; i >= b.length; i--) emit(st, 'remove', here, String(i), `${here.path}/${i}`);
    for (let i = 0; i < common; i++) {
      if (a[i] === b[i]) continue;
      const t = String(i);
      diff(a[i], b[i], childFrame(here, t, `${here.path}/${t}`, st), st);
    }
    for (let i = common; i < b.length; i++) emit(st, 'add', here, String(i), `${here.path}/${i}`, b[i]);
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of Object.keys(a)) {
      if (!Object.prototype.hasOwnProperty.call(b, k)) emit(st, 'remove', here, k, `${here.path}/${escapeToken(k)}`);
    }
    for (const k of Object.keys(b)) {
      const p = `${here.path}/${escapeToken(k)}`;
      if (Object.prototype.hasOwnProperty.call(a, k)) {
        if (a[k] !== b[k]) diff(a[k], b[k], childFrame(here, k, p, st), st);
      } else {
        emit(st, 'add', here, k, p, b[k]);
      }
    }
    return;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    emitSelf(st, 'replace', here, b);
    return;
  }
  if (a === b || (typeof a === 'number' && typeof b === 'number' && Object.is(a, b))) return;
  emitSelf(st, 'replace', here, b);
}

/** An operation on the frame's own path (a replaced leaf). */
function emitSelf(st: DiffState, op: 'replace', here: Frame, value: unknown): void {
  const parent = here.parent;
  if (parent === undefined) {
    // The root itself differs in kind: never the case for two pods, but keep RFC 6902's meaning.
    st.out.push({ op, path: '', value });
    return;
  }
  ensurePresent(st, parent);
  if (here.present) st.out.push({ op, path: here.path, value });
  else {
    st.out.push({ op: 'add', path: here.path, value });
    st.created.add(here.path);
  }
}

/** Apply a patch the way the API server would, without touching the input; throws if an op cannot apply. */
export function applyPatch<T extends object>(doc: T, ops: readonly PatchOperation[]): T {
  // Values are copied too: fast-json-patch inserts them by reference, and a later op writing inside an
  // added object would otherwise change the patch itself.
  return jsonpatch.applyPatch(jsonpatch.deepClone(doc) as T, jsonpatch.deepClone(ops) as Operation[], true, true).newDocument;
}
