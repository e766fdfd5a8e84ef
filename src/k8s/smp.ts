/**
 * Kubernetes strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch, the
 * StrategicMergeMapPatch entry point: MergeParallelList + IgnoreUnmatchedNulls), driven by the Go
 * type table for patchStrategy / patchMergeKey.
 *
 * Semantics reproduced: maps merge recursively, `null` deletes, lists with strategy `merge` merge by
 * their merge key (primitive lists are unioned), other lists are replaced, `$patch: replace|delete`
 * at map and list level, `$retainKeys`, `$deleteFromPrimitiveList/<f>`, `$setElementOrder/<f>`, and
 * Go's exact result ordering (server-only items and patch items interleaved by mergeSortedSlice after
 * a sort.SliceStable with strategicpatch's comparator).
 */
import { K8sError } from './errors.js';
import { type GoType, goStruct, goTypeString, resolveTypeName } from './gotypes.js';
import { type JsonObject, type JsonValue, MAX_JSON_DEPTH, isJsonObject, jsonDepth, setOwn } from './json.js';

const DIRECTIVE = '$patch';
const REPLACE = 'replace';
const DELETE = 'delete';
const MERGE = 'merge';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

type Schema = GoType | undefined;

interface PatchMeta {
  schema: Schema;
  strategies: readonly string[];
  mergeKey: string;
}

function fail(message: string): never {
  throw new K8sError('patch', message);
}

const deref = (t: Schema): Schema => (t?.k === 'ptr' ? deref(t.elem) : t);

/** strategicpatch's LookupPatchMetadataForStruct: the field's type and tags (opaque below raw). */
function lookupField(schema: Schema, key: string): PatchMeta {
  const t = deref(schema);
  if (t === undefined) return { schema: undefined, strategies: [], mergeKey: '' };
  if (t.k === 'map') return { schema: deref(t.elem), strategies: [], mergeKey: '' };
  if (t.k !== 'struct') return { schema: undefined, strategies: [], mergeKey: '' };
  const s = goStruct(t.name);
  const f = s.byJson.get(key) ?? s.byLowerJson.get(key.toLowerCase());
  if (!f) fail(`unable to find api field in struct ${goTypeString(t).replace(/^v1\./, '')} for the json field "${key}"`);
  return { schema: deref(f.type), strategies: f.strategies, mergeKey: f.mergeKey ?? '' };
}

function lookupSliceField(schema: Schema, key: string): PatchMeta {
  const m = lookupField(schema, key);
  if (m.schema === undefined) return m;
  if (m.schema.k !== 'list') return { schema: undefined, strategies: m.strategies, mergeKey: m.mergeKey };
  return { schema: deref(m.schema.elem), strategies: m.strategies, mergeKey: m.mergeKey };
}

/** The strategy other than retainKeys (Go rejects more than one). */
function mainStrategy(strategies: readonly string[]): string {
  const rest = strategies.filter((s) => s !== 'retainKeys');
  if (rest.length > 1) fail(`unexpected patch strategy: ${strategies.join(',')}`);
  return rest[0] ?? '';
}

type GoKind = 'map' | 'slice' | 'string' | 'float64' | 'bool' | 'nil';

function kindOf(v: JsonValue | undefined): GoKind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    default:
      return 'map';
  }
}

function fmtGo(v: JsonValue | undefined): string {
  if (v === undefined || v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(fmtGo).join(' ')}]`;
  if (isJsonObject(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${fmtGo(v[k])}`).join(' ')}]`;
  }
  return String(v);
}

/** Removes `$patch`-marked maps (and list items) from a value being added wholesale. */
/**
 * The value without `$patch` directives (an object carrying one is dropped). Pure: parts without directives are
 * returned as they are, so a cached (frozen) template patch can be shared by every pod it is merged into.
 */
function removeDirectives(v: JsonValue): { value: JsonValue; keep: boolean } {
  if (Array.isArray(v)) {
    let out: JsonValue[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const item = v[i]!;
      const r = removeDirectives(item);
      if (out === undefined && (!r.keep || r.value !== item)) out = v.slice(0, i);
      if (out !== undefined && r.keep) out.push(r.value);
    }
    return { value: out ?? v, keep: true };
  }
  if (isJsonObject(v)) {
    if (Object.hasOwn(v, DIRECTIVE)) return { value: null, keep: false };
    let out: JsonObject | undefined;
    for (const k of Object.keys(v)) {
      const r = removeDirectives(v[k]!);
      if (!r.keep) delete (out ??= { ...v })[k];
      else if (r.value !== v[k]) setOwn((out ??= { ...v }), k, r.value);
    }
    return { value: out ?? v, keep: true };
  }
  return { value: v, keep: true };
}

/** The value without null-valued keys at any depth (list items stay); pure like removeDirectives. */
function withoutNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) {
    let out: JsonValue[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = withoutNulls(v[i]!);
      if (x !== v[i]) (out ??= v.slice())[i] = x;
    }
    return out ?? v;
  }
  if (isJsonObject(v)) {
    let out: JsonObject | undefined;
    for (const k of Object.keys(v)) {
      const c = v[k]!;
      if (c === null) delete (out ??= { ...v })[k];
      else {
        const x = withoutNulls(c);
        if (x !== c) setOwn((out ??= { ...v }), k, x);
      }
    }
    return out ?? v;
  }
  return v;
}

function handleMapDirective(directive: JsonValue, patch: JsonObject): JsonObject {
  if (directive === REPLACE) {
    const { [DIRECTIVE]: _directive, ...rest } = patch;
    return rest;
  }
  if (directive === DELETE) return {};
  fail(`unknown patch type: ${fmtGo(directive)} in map: ${fmtGo(patch)}`);
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) fail('invalid patch format of retainKeys');
  const keep = new Set<JsonValue>(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(`${DELETE_FROM_PRIMITIVE_LIST}/`) || k.startsWith(`${SET_ELEMENT_ORDER}/`)) continue;
    if (!keep.has(k)) fail('invalid patch format of retainKeys');
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

// ---------------------------------------------------------------------------------------------
// Ordering helpers (index lookups memoised: the injector merges 2000-entry env lists).

type Key = string | number | boolean | null | undefined;

function itemKey(item: JsonValue, mergeKey: string, isMap: boolean): Key {
  if (!isMap) {
    if (typeof item === 'object' && item !== null) fail('list elements used as keys must be scalars');
    return item;
  }
  if (!isJsonObject(item)) return undefined;
  const v = item[mergeKey];
  if (typeof v === 'object' && v !== null) fail(`merge key ${mergeKey} must hold a scalar value`);
  return v;
}

function indexOf(list: readonly JsonValue[], mergeKey: string, isMap: boolean): Map<Key, number> {
  const m = new Map<Key, number>();
  list.forEach((item, i) => {
    const k = itemKey(item, mergeKey, isMap);
    if (!m.has(k)) m.set(k, i);
  });
  return m;
}

/** Go's sort.SliceStable (insertion-sorted blocks of 20 + SymMerge), exact even for odd comparators. */
function goStableSort<T>(data: T[], less: (a: T, b: T) => boolean): void {
  const n = data.length;
  const swap = (i: number, j: number) => {
    const t = data[i]!;
    data[i] = data[j]!;
    data[j] = t;
  };
  const lessAt = (i: number, j: number) => less(data[i]!, data[j]!);
  const insertion = (a: number, b: number) => {
    for (let i = a + 1; i < b; i++) for (let j = i; j > a && lessAt(j, j - 1); j--) swap(j, j - 1);
  };
  const swapRange = (a: number, b: number, len: number) => {
    for (let i = 0; i < len; i++) swap(a + i, b + i);
  };
  const rotate = (a: number, m: number, b: number) => {
    let i = m - a;
    let j = b - m;
    while (i !== j) {
      if (i > j) {
        swapRange(m - i, m, j);
        i -= j;
      } else {
        swapRange(m - i, m + j - i, i);
        j -= i;
      }
    }
    swapRange(m - i, m, i);
  };
  const symMerge = (a: number, m: number, b: number): void => {
    if (m - a === 1) {
      let i = m;
      let j = b;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (lessAt(h, a)) i = h + 1;
        else j = h;
      }
      for (let k = a; k < i - 1; k++) swap(k, k + 1);
      return;
    }
    if (b - m === 1) {
      let i = a;
      let j = m;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (!lessAt(m, h)) i = h + 1;
        else j = h;
      }
      for (let k = m; k > i; k--) swap(k, k - 1);
      return;
    }
    const mid = (a + b) >>> 1;
    const nn = mid + m;
    let start: number;
    let r: number;
    if (m > mid) {
      start = nn - b;
      r = mid;
    } else {
      start = a;
      r = m;
    }
    const p = nn - 1;
    while (start < r) {
      const c = (start + r) >>> 1;
      if (!lessAt(p - c, c)) start = c + 1;
      else r = c;
    }
    const end = nn - start;
    if (start < m && m < end) rotate(start, m, end);
    if (a < start && start < mid) symMerge(a, start, mid);
    if (mid < end && end < b) symMerge(mid, end, b);
  };
  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertion(a, b);
    a = b;
    b += blockSize;
  }
  insertion(a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    if (m < n) symMerge(a, m, n);
    blockSize *= 2;
  }
}

function validateMergeKey(mergeKey: string, ...lists: (readonly JsonValue[])[]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isJsonObject(item)) fail(`${fmtGo(item)} is not a map`);
      if (!Object.hasOwn(item, mergeKey)) fail(`map: ${fmtGo(item)} does not contain declared merge key: ${mergeKey}`);
    }
  }
}

function normalizeSliceOrder(toSort: JsonValue[], order: readonly JsonValue[], mergeKey: string, isMap: boolean): JsonValue[] {
  const deletes: JsonValue[] = [];
  if (isMap) {
    validateMergeKey(mergeKey, toSort, order);
    const keep: JsonValue[] = [];
    for (const v of toSort) {
      if (isJsonObject(v) && v[DIRECTIVE] === DELETE) deletes.push(v);
      else keep.push(v);
    }
    toSort = keep;
  }
  const idx = indexOf(order, mergeKey, isMap);
  const pos = (v: JsonValue) => idx.get(itemKey(v, mergeKey, isMap)) ?? -1;
  goStableSort(toSort, (x, y) => {
    const ix = pos(x);
    if (ix >= 0) {
      const iy = pos(y);
      if (iy >= 0) return ix < iy;
    }
    return true;
  });
  return deletes.length > 0 ? toSort.concat(deletes) : toSort;
}

function mergeSorted(left: JsonValue[], right: JsonValue[], serverOrder: readonly JsonValue[], mergeKey: string, isMap: boolean): JsonValue[] {
  const idx = indexOf(serverOrder, mergeKey, isMap);
  const pos = (v: JsonValue) => idx.get(itemKey(v, mergeKey, isMap)) ?? -1;
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = pos(left[i]!);
      const ri = pos(right[j]!);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}

function normalizeElementOrder(
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: readonly JsonValue[],
  serverOrder: readonly JsonValue[],
  mergeKey: string,
  isMap: boolean,
): JsonValue[] {
  const p = normalizeSliceOrder(patchItems, patchOrder, mergeKey, isMap);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, isMap);
  return mergeSorted(s, p, serverOrder, mergeKey, isMap);
}

function partition(merged: JsonValue[], by: readonly JsonValue[], mergeKey: string, isMap: boolean): [JsonValue[], JsonValue[]] {
  const inBy = new Set<Key>();
  for (const v of by) {
    if (!isMap) inBy.add(itemKey(v, '', false));
    else if (!isJsonObject(v)) fail(`${fmtGo(v)} is not a map`);
    else if (Object.hasOwn(v, mergeKey)) inBy.add(itemKey(v, mergeKey, true));
  }
  const patchItems: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const v of merged) {
    if (isMap) {
      if (!isJsonObject(v)) fail(`${fmtGo(v)} is not a map`);
      if (!Object.hasOwn(v, mergeKey)) fail(`map: ${fmtGo(v)} does not contain declared merge key: ${mergeKey}`);
    }
    (inBy.has(itemKey(v, mergeKey, isMap)) ? patchItems : serverOnly).push(v);
  }
  return [patchItems, serverOnly];
}

// ---------------------------------------------------------------------------------------------

function elementKind(...lists: (readonly JsonValue[])[]): GoKind {
  let prev: GoKind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = kindOf(v);
      if (prev === undefined) {
        if (k === 'slice') fail('lists of lists are not supported');
        prev = k;
      } else if (prev !== k) {
        fail(`list element types are not identical: ${fmtGo(lists.map((l) => [...l]))}`);
      }
    }
  }
  if (prev === undefined) fail('no elements in any of the given slices');
  return prev;
}

/**
 * Go's in-place dedupe: moves the last element into each hole and shrinks the slice. Works on the
 * whole backing array (entries past the returned length keep their stale values) because Go's
 * `append(original, patch...)` may share that array with `original`; see mergeSlice.
 */
function dedupeScalarsInPlace(arr: JsonValue[]): number {
  let length = arr.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (arr[i] === arr[j]) {
        arr[j] = arr[length]!;
        length--;
        j--;
      }
    }
  }
  return length + 1;
}

/**
 * Capacity encoding/json gives a decoded []interface{} of n items (append from an empty slice:
 * doubling, and 16-byte elements hit exact malloc size classes up to 512 items).
 */
function decodedCapacity(n: number): number {
  if (n === 0) return 0;
  if (n > 512) return n; // beyond this we do not model Go's growth; assume no spare room
  let c = 1;
  while (c < n) c *= 2;
  return c;
}

function mergeSlice(original: JsonValue[], patch: JsonValue[], meta: PatchMeta, isDeleteList: boolean): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  const isMap = kind === 'map';
  const mergeKey = meta.mergeKey;
  let merged: JsonValue[];
  if (!isMap) {
    if (isDeleteList) {
      const del = new Set<JsonValue>(patch);
      return original.filter((v) => !del.has(v));
    }
    const arr = original.concat(patch);
    const len = dedupeScalarsInPlace(arr);
    merged = arr.slice(0, len);
    // When `original` had spare capacity, Go's dedupe rewrote it in place, and that rewritten
    // prefix is what it then uses as the server order.
    if (decodedCapacity(original.length) >= arr.length) original = arr.slice(0, original.length);
  } else {
    if (mergeKey === '') fail('cannot merge lists without merge key');
    // Special elements: `$patch: delete` removes matching items, `$patch: replace` drops the original.
    const plain: JsonValue[] = [];
    let replace = false;
    for (const v of patch) {
      if (!isJsonObject(v)) fail(`${fmtGo(v)} is not a map`);
      if (!Object.hasOwn(v, DIRECTIVE)) {
        plain.push(v);
        continue;
      }
      const d = v[DIRECTIVE];
      if (d === DELETE) {
        if (!Object.hasOwn(v, mergeKey)) fail(`map: ${fmtGo(v)} does not contain declared merge key: ${mergeKey}`);
        const key = itemKey(v, mergeKey, true);
        original = original.filter((o) => !(isJsonObject(o) && Object.hasOwn(o, mergeKey) && o[mergeKey] === key));
      } else if (d === REPLACE) {
        replace = true;
      } else if (d === MERGE) {
        fail('merging lists cannot yet be specified in the patch');
      } else {
        fail(`unknown patch type: ${fmtGo(d)} in map: ${fmtGo(v)}`);
      }
    }
    if (replace) {
      original = plain;
      patch = [];
    } else {
      patch = plain;
    }
    merged = original.slice();
    const where = new Map<Key, number>();
    merged.forEach((o, i) => {
      if (!isJsonObject(o)) fail(`value for key ${i} is not a map`);
      if (!Object.hasOwn(o, mergeKey)) return;
      const k = itemKey(o, mergeKey, true);
      if (!where.has(k)) where.set(k, i);
    });
    for (const v of patch) {
      const pv = v as JsonObject;
      if (!Object.hasOwn(pv, mergeKey)) fail(`map: ${fmtGo(pv)} does not contain declared merge key: ${mergeKey}`);
      const k = itemKey(pv, mergeKey, true);
      const at = where.get(k);
      if (at !== undefined) {
        merged[at] = mergeMap(merged[at] as JsonObject, pv, meta.schema);
      } else {
        where.set(k, merged.length);
        merged.push(pv);
      }
    }
    // Go's serverOrder is the original slice whose elements were merged in place.
    original = merged.slice(0, original.length);
  }
  const [patchItems, serverOnly] = partition(merged, patch, mergeKey, isMap);
  return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, isMap);
}

/** The patch list must follow the $setElementOrder list (deletions and directive items aside). */
function validatePatchWithOrder(patchList: JsonValue[], order: JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey
    ? patchList.filter((v) => {
        if (!isJsonObject(v)) fail(`${fmtGo(v)} is not a map`);
        return v[DIRECTIVE] !== DELETE;
      })
    : patchList;
  const keyOf = (v: JsonValue): Key => {
    if (!mergeKey) return itemKey(v, '', false);
    if (!isJsonObject(v)) fail(`${fmtGo(v)} is not a map`);
    if (!Object.hasOwn(v, mergeKey)) fail(`map: ${fmtGo(v)} does not contain declared merge key: ${mergeKey}`);
    return itemKey(v, mergeKey, true);
  };
  let pi = 0;
  let oi = 0;
  while (pi < items.length && oi < order.length) {
    const item = items[pi]!;
    if (isJsonObject(item) && Object.hasOwn(item, DIRECTIVE)) {
      pi++;
      continue;
    }
    if (keyOf(item) === keyOf(order[oi]!)) pi++;
    oi++;
  }
  if (pi < items.length && oi >= order.length) {
    fail(`The order in patch list:\n${fmtGo(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${fmtGo(order)}\n`);
  }
}

function applySetElementOrder(original: JsonObject, patch: JsonObject, schema: Schema): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(`${SET_ELEMENT_ORDER}/`)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) fail('invalid patch format of setElementOrder list');
    const field = key.slice(SET_ELEMENT_ORDER.length + 1);
    const foundOriginal = Object.hasOwn(original, field);
    const foundPatch = Object.hasOwn(patch, field);
    const origList = original[field];
    const patchList = patch[field];
    if (foundOriginal && !Array.isArray(origList)) fail(`invalid type for ${field}: expected a list`);
    if (foundPatch && !Array.isArray(patchList)) fail(`invalid type for ${field}: expected a list`);
    const origArr = (origList as JsonValue[] | undefined) ?? [];
    const patchArr = (patchList as JsonValue[] | undefined) ?? [];
    const meta = lookupSliceField(schema, field);
    validatePatchWithOrder(patchArr, order, meta.mergeKey);
    let merged: JsonValue[];
    if (foundOriginal && !foundPatch) merged = origArr;
    else if (!foundOriginal && foundPatch) {
      const r = removeDirectives(patchArr);
      if (!r.keep) continue;
      merged = r.value as JsonValue[];
    } else if (foundOriginal && foundPatch) {
      merged = mainStrategy(meta.strategies) === MERGE ? mergeSlice(origArr, patchArr, meta, false) : patchArr;
    } else continue;
    const isMap = meta.mergeKey !== '';
    const [patchItems, serverOnly] = partition(merged, order, meta.mergeKey, isMap);
    const kind = elementKind(origArr, patchArr);
    original[field] = normalizeElementOrder(patchItems, serverOnly, order, origArr, meta.mergeKey, kind === 'map');
    delete patch[field];
  }
}

/**
 * Copy-on-write: `original` is never written; the result is a new object at this level and every level the
 * patch reaches, and shares whatever the patch leaves alone. (The patch is the caller's own copy and is
 * consumed.)
 */
function mergeMap(source: JsonObject, patchIn: JsonObject, schema: Schema): JsonObject {
  if (Object.hasOwn(patchIn, DIRECTIVE)) return handleMapDirective(patchIn[DIRECTIVE]!, patchIn);
  // Spread creates own data properties, so a "__proto__" key is copied as a key.
  const original: JsonObject = { ...source };
  // The directive keys ($retainKeys, $setElementOrder/...) are consumed from this level of the patch: from a copy,
  // since the patch may be a cached template's (frozen) and is shared by every pod it is merged into.
  const patch = Object.keys(patchIn).some((k) => k.startsWith('$')) ? { ...patchIn } : patchIn;
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, schema);

  for (let k of Object.keys(patch)) {
    const patchV = patch[k]!;
    let isDeleteList = false;
    if (k.startsWith(`${DELETE_FROM_PRIMITIVE_LIST}/`)) {
      isDeleteList = true;
      k = k.slice(DELETE_FROM_PRIMITIVE_LIST.length + 1);
    }
    if (patchV === null) {
      delete original[k];
      continue;
    }
    const origV = original[k];
    if (!Object.hasOwn(original, k) || kindOf(origV) !== kindOf(patchV)) {
      if (!isDeleteList) {
        const r = removeDirectives(withoutNulls(patchV));
        if (r.keep) setOwn(original, k, r.value);
        else delete original[k];
      }
      continue;
    }
    if (isJsonObject(origV) && isJsonObject(patchV)) {
      const meta = lookupField(schema, k);
      setOwn(original, k, mainStrategy(meta.strategies) === REPLACE ? patchV : mergeMap(origV, patchV, meta.schema));
    } else if (Array.isArray(origV) && Array.isArray(patchV)) {
      const meta = lookupSliceField(schema, k);
      setOwn(original, k, mainStrategy(meta.strategies) === MERGE || isDeleteList ? mergeSlice(origV, patchV, meta, isDeleteList) : patchV);
    } else {
      setOwn(original, k, patchV);
    }
  }
  return original;
}

/**
 * Apply `patch` to `original` with strategic-merge-patch semantics for Go type `typeName`
 * (default corev1 Pod). Inputs are not mutated; the result shares the subtrees of `original` that the patch does not reach and the parts of `patch` it inserts, so callers copy before editing it in place. Throws K8sError('patch') on malformed patches.
 */
export function strategicMerge(original: JsonObject, patch: JsonObject, typeName = 'Pod'): JsonObject {
  const name = resolveTypeName(typeName);
  if (!isJsonObject(original)) fail('original must be a JSON object');
  if (!isJsonObject(patch)) fail('patch must be a JSON object');
  if (jsonDepth(original, MAX_JSON_DEPTH) > MAX_JSON_DEPTH || jsonDepth(patch, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    fail(`JSON nesting deeper than ${MAX_JSON_DEPTH} levels`);
  }
  return mergeMap(original, patch, { k: 'struct', name });
}
