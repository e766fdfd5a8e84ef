import { isJsonObject, type JsonObject, type JsonValue } from '../k8s/json.js';

/**
 * The pure pieces of `preview`: what one configuration does to a pod (injected, skipped, denied), the
 * changes between two injected pods as short phrases a person scans, and a unified diff of their YAML.
 */

/** A skipped pod is the pod as submitted; a denial has no pod. */
export type Outcome = { kind: 'injected'; pod: JsonObject } | { kind: 'skipped'; reason: string; pod: JsonObject } | { kind: 'denied'; message: string };

export interface Comparison {
  changed: boolean;
  /** What follows "Kind ns/name: " on the summary line. */
  summary: string;
  changes: string[];
}

const obj = (v: JsonValue | undefined): JsonObject => (isJsonObject(v) ? v : {});
const list = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);

/** Go's reflect.DeepEqual over JSON: key order does not matter, list order does. */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
}

const SHORT_VALUE = 40;
/** `old → new` for short scalars (an image, a quantity), nothing for anything longer or structured. */
function transition(a: JsonValue | undefined, b: JsonValue | undefined): string {
  if (a === undefined && b === undefined) return '';
  const text = (v: JsonValue | undefined): string | undefined =>
    v === undefined ? '(none)' : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  const ta = text(a);
  const tb = text(b);
  if (ta === undefined || tb === undefined || ta.length > SHORT_VALUE || tb.length > SHORT_VALUE) return '';
  return ` ${ta} → ${tb}`;
}

function keyed(items: JsonValue | undefined, key: string): Map<string, JsonObject> {
  const m = new Map<string, JsonObject>();
  for (const it of list(items)) if (isJsonObject(it) && typeof it[key] === 'string') m.set(it[key], it);
  return m;
}

/**
 * Entries of two keyed lists (env by name, volumes by name): one phrase per added, removed or changed entry,
 * and one for an order change when nothing else differs (order matters for env: later entries may refer to earlier).
 */
function keyedListChanges(what: string, a: JsonValue | undefined, b: JsonValue | undefined, key: string): string[] {
  const ma = keyed(a, key);
  const mb = keyed(b, key);
  const out: string[] = [];
  for (const [k, va] of ma) {
    const vb = mb.get(k);
    if (vb === undefined) out.push(`${what} ${k} removed`);
    else if (!jsonEqual(va, vb)) out.push(`${what} ${k} changed${transition(va.value, vb.value)}`);
  }
  for (const k of mb.keys()) if (!ma.has(k)) out.push(`${what} ${k} added`);
  if (out.length === 0 && !jsonEqual(a, b)) out.push(`${what} order`);
  return out;
}

/** Leaf paths of two objects that differ (resources.limits.cpu), with the values when short. */
function leafChanges(prefix: string, a: JsonValue | undefined, b: JsonValue | undefined): string[] {
  if (jsonEqual(a, b)) return [];
  if (!isJsonObject(a) && !isJsonObject(b)) return [`${prefix}${transition(a, b)}`];
  const oa = obj(a);
  const ob = obj(b);
  const keys = [...new Set([...Object.keys(oa), ...Object.keys(ob)])].sort();
  return keys.flatMap((k) => leafChanges(`${prefix}.${k}`, oa[k], ob[k]));
}

function containerChanges(name: string, a: JsonObject, b: JsonObject): string[] {
  const out: string[] = [];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const k of keys) {
    if (jsonEqual(a[k], b[k])) continue;
    if (k === 'env') out.push(...keyedListChanges(`${name} env`, a[k], b[k], 'name'));
    else if (k === 'volumeMounts') out.push(...keyedListChanges(`${name} volumeMount`, a[k], b[k], 'name'));
    else if (k === 'resources') out.push(...leafChanges(`${name} resources`, a[k], b[k]));
    else out.push(`${name} ${k}${transition(a[k], b[k])}`);
  }
  return out;
}

type ContainerList = 'containers' | 'initContainers';
const CONTAINER_LISTS: readonly ContainerList[] = ['initContainers', 'containers'];

function containersByName(spec: JsonObject): Map<string, { where: ContainerList; c: JsonObject }> {
  const m = new Map<string, { where: ContainerList; c: JsonObject }>();
  for (const where of CONTAINER_LISTS) for (const [name, c] of keyed(spec[where], 'name')) m.set(name, { where, c });
  return m;
}

const names = (v: JsonValue | undefined): string[] => list(v).flatMap((c) => (isJsonObject(c) && typeof c.name === 'string' ? [c.name] : []));

/**
 * What differs between two pods, as short phrases: containers (by name, across both lists, so a sidecar moving
 * between native and classic shows as a move), their images, env, mounts, resources and other fields;
 * volumes; labels and annotations; any other field by its path.
 */
export function podChanges(a: JsonObject, b: JsonObject): string[] {
  const out: string[] = [];
  const am = obj(a.metadata);
  const bm = obj(b.metadata);
  for (const [field, word] of [
    ['labels', 'label'],
    ['annotations', 'annotation'],
  ] as const) {
    const la = obj(am[field]);
    const lb = obj(bm[field]);
    for (const k of [...new Set([...Object.keys(la), ...Object.keys(lb)])].sort()) {
      if (jsonEqual(la[k], lb[k])) continue;
      out.push(`${word} ${k} ${la[k] === undefined ? 'added' : lb[k] === undefined ? 'removed' : 'changed'}`);
    }
  }
  for (const k of [...new Set([...Object.keys(am), ...Object.keys(bm)])].sort()) {
    if (k !== 'labels' && k !== 'annotations' && !jsonEqual(am[k], bm[k])) out.push(`metadata.${k}`);
  }
  const as = obj(a.spec);
  const bs = obj(b.spec);
  const ca = containersByName(as);
  const cb = containersByName(bs);
  for (const [name, x] of ca) {
    const y = cb.get(name);
    if (y === undefined) {
      out.push(`${x.where === 'initContainers' ? 'initContainer' : 'container'} ${name} removed`);
      continue;
    }
    if (x.where !== y.where) out.push(`${name} moved from ${x.where} to ${y.where}`);
    out.push(...containerChanges(name, x.c, y.c));
  }
  for (const [name, y] of cb) if (!ca.has(name)) out.push(`${y.where === 'initContainers' ? 'initContainer' : 'container'} ${name} added`);
  for (const where of CONTAINER_LISTS) {
    const na = names(as[where]).filter((n) => cb.get(n)?.where === where);
    const nb = names(bs[where]).filter((n) => ca.get(n)?.where === where);
    if (!jsonEqual(na, nb)) out.push(`${where} order`);
  }
  for (const k of [...new Set([...Object.keys(as), ...Object.keys(bs)])].sort()) {
    if (k === 'containers' || k === 'initContainers' || jsonEqual(as[k], bs[k])) continue;
    if (k === 'volumes') out.push(...keyedListChanges('volume', as[k], bs[k], 'name'));
    else if (k === 'imagePullSecrets') out.push(...keyedListChanges('imagePullSecret', as[k], bs[k], 'name'));
    else out.push(`spec.${k}${transition(as[k], bs[k])}`);
  }
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (k !== 'metadata' && k !== 'spec' && !jsonEqual(a[k], b[k])) out.push(k);
  }
  return out;
}

function describeOutcome(o: Outcome): string {
  if (o.kind === 'injected') return 'injected';
  if (o.kind === 'skipped') return `not injected (${o.reason})`;
  return `denied (${o.message.split('\n')[0]})`;
}

/** The current and the proposed configuration's outcome for one pod, as one summary. */
export function compareOutcomes(current: Outcome, proposed: Outcome): Comparison {
  if (current.kind === 'injected' && proposed.kind === 'injected') {
    const changes = podChanges(current.pod, proposed.pod);
    if (changes.length === 0) return { changed: false, summary: 'unchanged', changes };
    return { changed: true, summary: `${changes.length} change${changes.length === 1 ? '' : 's'} (${changes.join(', ')})`, changes };
  }
  const a = describeOutcome(current);
  const b = describeOutcome(proposed);
  if (a === b) return { changed: false, summary: `unchanged: ${a}`, changes: [] };
  return { changed: true, summary: `${a} → ${b}`, changes: [`${a} → ${b}`] };
}

type Edit = { op: ' ' | '-' | '+'; line: string };

/** Myers' shortest edit script between two line arrays (common prefix and suffix taken off first). */
function editScript(a: readonly string[], b: readonly string[]): Edit[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: Edit[] = a.slice(0, start).map((line) => ({ op: ' ', line }));
  const tail: Edit[] = a.slice(endA).map((line) => ({ op: ' ', line }));
  const x0 = a.slice(start, endA);
  const y0 = b.slice(start, endB);
  const n = x0.length;
  const m = y0.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = n === 0 && m === 0;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && x0[x] === y0[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk the trace back from (n, m): each step is one insertion or deletion plus the diagonal before it.
  const middle: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0 && (x > 0 || y > 0); d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = vd[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      middle.push({ op: ' ', line: x0[--x]! });
      y--;
    }
    if (d === 0) break;
    if (x === prevX) middle.push({ op: '+', line: y0[--y]! });
    else middle.push({ op: '-', line: x0[--x]! });
  }
  while (x > 0 && y > 0) {
    middle.push({ op: ' ', line: x0[--x]! });
    y--;
  }
  middle.reverse();
  return [...head, ...middle, ...tail];
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A unified diff (`diff -u` layout, `context` lines around each change); empty when the texts are equal. */
export function unifiedDiff(aText: string, bText: string, aLabel: string, bLabel: string, context = 3): string {
  const edits = editScript(splitLines(aText), splitLines(bText));
  const changed = edits.flatMap((e, i) => (e.op === ' ' ? [] : [i]));
  if (changed.length === 0) return '';
  const out = [`--- ${aLabel}`, `+++ ${bLabel}`];
  // Line numbers before each edit, so a hunk's header needs no second pass.
  const aBefore: number[] = [];
  const bBefore: number[] = [];
  let na = 0;
  let nb = 0;
  for (const e of edits) {
    aBefore.push(na);
    bBefore.push(nb);
    if (e.op !== '+') na++;
    if (e.op !== '-') nb++;
  }
  let i = 0;
  while (i < changed.length) {
    const first = changed[i]!;
    let last = first;
    while (i + 1 < changed.length && changed[i + 1]! - last <= 2 * context + 1) last = changed[++i]!;
    i++;
    const from = Math.max(0, first - context);
    const to = Math.min(edits.length - 1, last + context);
    const hunk = edits.slice(from, to + 1);
    const aLen = hunk.filter((e) => e.op !== '+').length;
    const bLen = hunk.filter((e) => e.op !== '-').length;
    // diff -u names the line before an empty range.
    const aStart = aLen === 0 ? aBefore[from]! : aBefore[from]! + 1;
    const bStart = bLen === 0 ? bBefore[from]! : bBefore[from]! + 1;
    out.push(`@@ -${aStart},${aLen} +${bStart},${bLen} @@`);
    for (const e of hunk) out.push(`${e.op}${e.line}`);
  }
  return `${out.join('\n')}\n`;
}
