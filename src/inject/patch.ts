import jsonpatch, { type Operation } from 'fast-json-patch';
import type { JsonObject } from '../k8s/json.js';

export type PatchOperation = Operation;

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

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
  const ops = jsonpatch.compare(typedOriginal, final);
  const out: PatchOperation[] = [];
  // Paths the patch itself creates. compare() never nests an op inside a value it adds, and typing
  // never changes array lengths, so checking `received` plus this set is the same as applying.
  const created = new Set<string>();
  const exists = (tokens: readonly string[], path: string) => created.has(path) || lookup(received, tokens).found;
  for (const op of ops) {
    const raw = op.path.split('/');
    const tokens = raw.slice(1).map(unescape);
    for (let depth = 1; depth < tokens.length; depth++) {
      const parentPath = raw.slice(0, depth + 1).join('/');
      if (!exists(tokens.slice(0, depth), parentPath)) {
        out.push({ op: 'add', path: parentPath, value: {} });
        created.add(parentPath);
      }
    }
    const present = exists(tokens, op.path);
    if (op.op === 'remove' && !present) continue;
    if (op.op === 'replace' && !present) {
      out.push({ op: 'add', path: op.path, value: op.value });
      created.add(op.path);
      continue;
    }
    if (op.op === 'add') created.add(op.path);
    out.push(op);
  }
  return out;
}

/** Apply a patch the way the API server would, without touching the input; throws if an op cannot apply. */
export function applyPatch<T extends object>(doc: T, ops: readonly PatchOperation[]): T {
  // Values are copied too: fast-json-patch inserts them by reference, and a later op writing inside an
  // added object would otherwise change the patch itself.
  return jsonpatch.applyPatch(jsonpatch.deepClone(doc) as T, jsonpatch.deepClone(ops) as Operation[], true, true).newDocument;
}
