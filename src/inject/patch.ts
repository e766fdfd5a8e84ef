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
  const root: Frame = { parent: undefined, token: '', path: '', receivedValue: received, inReceived: true, present: true };
  diff(typedOriginal, final, root, { created: new Set(), out });
  return out;
}

interface DiffState {
  /** Paths the patch itself creates (parents added for the received object, added values). */
  created: Set<string>;
  out: PatchOperation[];
}

/**
 * One level of the walk: where it is, the received object's value there (when it has one), and whether
 * the path exists for the operations that follow (received, or created by the patch). The path and the
 * received lookup are resolved only when an operation needs them: most of a pod is unchanged, and the
 * walk through it then allocates one small frame per object and nothing else.
 */
interface Frame {
  readonly parent: Frame | undefined;
  readonly token: string;
  path: string | undefined;
  receivedValue: unknown;
  /** undefined until resolved. */
  inReceived: boolean | undefined;
  present: boolean | undefined;
}

function escapeToken(t: string): string {
  return t.includes('~') || t.includes('/') ? t.replace(/~/g, '~0').replace(/\//g, '~1') : t;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function childFrame(parent: Frame, token: string): Frame {
  return { parent, token, path: undefined, receivedValue: undefined, inReceived: undefined, present: undefined };
}

function pathOf(frame: Frame): string {
  return (frame.path ??= `${pathOf(frame.parent!)}/${escapeToken(frame.token)}`);
}

const NOT_FOUND = Symbol('not found');

/** The received object's child at token, as a JSON Pointer lookup would resolve it. */
function receivedChild(parent: Frame, token: string): unknown {
  if (!inReceived(parent)) return NOT_FOUND;
  const cur = parent.receivedValue;
  if (Array.isArray(cur)) {
    const i = Number(token);
    if (!Number.isInteger(i) || i < 0 || i >= cur.length) return NOT_FOUND;
    return cur[i];
  }
  if (typeof cur === 'object' && cur !== null && Object.prototype.hasOwnProperty.call(cur, token)) {
    return (cur as Record<string, unknown>)[token];
  }
  return NOT_FOUND;
}

function inReceived(frame: Frame): boolean {
  if (frame.inReceived === undefined) {
    const v = receivedChild(frame.parent!, frame.token);
    frame.inReceived = v !== NOT_FOUND;
    frame.receivedValue = frame.inReceived ? v : undefined;
  }
  return frame.inReceived;
}

function isPresent(st: DiffState, frame: Frame): boolean {
  return (frame.present ??= inReceived(frame) || st.created.has(pathOf(frame)));
}

/** Create, outermost first, every ancestor the received object lacks (each at most once). */
function ensurePresent(st: DiffState, frame: Frame): void {
  if (isPresent(st, frame)) return;
  if (frame.parent) ensurePresent(st, frame.parent);
  const path = pathOf(frame);
  st.out.push({ op: 'add', path, value: {} });
  st.created.add(path);
  frame.present = true;
}

/** Emit one operation on parent's child at token, first creating any parent the received object lacks. */
function emit(st: DiffState, op: 'add' | 'replace' | 'remove', parent: Frame, token: string, value?: unknown): void {
  ensurePresent(st, parent);
  const path = `${pathOf(parent)}/${escapeToken(token)}`;
  const present = st.created.has(path) || receivedChild(parent, token) !== NOT_FOUND;
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
    for (let i = a.length - 1; i >= b.length; i--) emit(st, 'remove', here, String(i));
    for (let i = 0; i < common; i++) {
      const x: unknown = a[i];
      const y: unknown = b[i];
      if (x !== y) diffChild(x, y, here, String(i), st);
    }
    for (let i = common; i < b.length; i++) emit(st, 'add', here, String(i), b[i]);
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of Object.keys(a)) {
      if (!Object.prototype.hasOwnProperty.call(b, k)) emit(st, 'remove', here, k);
    }
    for (const k of Object.keys(b)) {
      if (Object.prototype.hasOwnProperty.call(a, k)) {
        const x = a[k];
        const y = b[k];
        if (x !== y) diffChild(x, y, here, k, st);
      } else {
        emit(st, 'add', here, k, b[k]);
      }
    }
    return;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    emitSelf(st, here, b);
    return;
  }
  if (typeof a === 'number' && typeof b === 'number' && Object.is(a, b)) return;
  emitSelf(st, here, b);
}

/** Two different values under one key or index: leaves are replaced where they are, containers walked. */
function diffChild(x: unknown, y: unknown, parent: Frame, token: string, st: DiffState): void {
  if (typeof x === 'object' && x !== null && typeof y === 'object' && y !== null) {
    diff(x, y, childFrame(parent, token), st);
    return;
  }
  if (typeof x === 'number' && typeof y === 'number' && Object.is(x, y)) return;
  emit(st, 'replace', parent, token, y);
}

/** A replaced value at the frame's own path. */
function emitSelf(st: DiffState, here: Frame, value: unknown): void {
  const parent = here.parent;
  if (parent === undefined) {
    // The root itself differs in kind: never the case for two pods, but keep RFC 6902's meaning.
    st.out.push({ op: 'replace', path: '', value });
    return;
  }
  emit(st, 'replace', parent, here.token, value);
}

/** Apply a patch the way the API server would, without touching the input; throws if an op cannot apply. */
export function applyPatch<T extends object>(doc: T, ops: readonly PatchOperation[]): T {
  // Values are copied too: fast-json-patch inserts them by reference, and a later op writing inside an
  // added object would otherwise change the patch itself.
  return jsonpatch.applyPatch(jsonpatch.deepClone(doc) as T, jsonpatch.deepClone(ops) as Operation[], true, true).newDocument;
}
