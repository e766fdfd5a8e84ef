import { PairCollector, countBelow, prefixHashes } from '../common/pairs.js';
import { isObject, readMessage, readMessageList, readMessageMap, readNumber, readString, type JsonObject } from '../decode.js';

/**
 * Istio's analyzeUnreachable{HTTP,TCP,TLS}Rules: warnings for rules that can never match.
 * Matches are compared through a canonical serialisation (sorted keys, zero values dropped, the
 * HTTP match `name` removed), standing in for Go's json.Marshal of the decoded proto.
 */

/** Map-typed match fields: Go's omitempty drops them when empty, unlike (pointer) message fields. */
const MAP_KEYS = new Set(['headers', 'queryParams', 'withoutHeaders', 'sourceLabels']);

/** An array-index property name (JavaScript orders those first in an object). */
function isIndex(k: string): boolean {
  const c = k.charCodeAt(0);
  return c >= 48 && c <= 57 && /^(0|[1-9][0-9]*)$/.test(k) && Number(k) < 2 ** 32 - 1;
}

/** Keys in the order JSON.stringify emits an object built in sorted order: array indexes first, numerically. */
function jsonKeyOrder(keys: string[]): string[] {
  const sorted = keys.length > 1 ? keys.sort() : keys;
  let any = false;
  for (const k of sorted) if (isIndex(k)) any = true;
  if (!any) return sorted;
  const indexes = sorted.filter(isIndex).sort((a, b) => Number(a) - Number(b));
  return [...indexes, ...sorted.filter((k) => !isIndex(k))];
}

/**
 * The canonical serialisation as text, built directly: the JSON of the value with keys sorted and
 * zero values dropped (undefined when the value itself is dropped). No intermediate copy is built.
 */
function canonicalJson(v: unknown, key: string | undefined, skipKey?: string): string | undefined {
  if (Array.isArray(v)) {
    if (v.length === 0) return undefined;
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i > 0 ? ',' : '') + (canonicalJson(v[i], undefined) ?? 'null');
    return out + ']';
  }
  if (isObject(v)) {
    let out = '';
    for (const k of jsonKeyOrder(Object.keys(v))) {
      if (k === skipKey) continue;
      const c = canonicalJson(v[k], k);
      if (c !== undefined) out += (out === '' ? '' : ',') + JSON.stringify(k) + ':' + c;
    }
    if (out === '' && key !== undefined && MAP_KEYS.has(key)) return undefined;
    return '{' + out + '}';
  }
  if (v === null || v === '' || v === 0 || v === false) return undefined;
  return JSON.stringify(v);
}

/** The key Istio compares matches by (json.Marshal of the decoded match), exported for its tests. */
export function matchKey(match: JsonObject, dropName: boolean): string {
  return canonicalJson(match, undefined, dropName ? 'name' : undefined) ?? '{}';
}

function routeName(route: JsonObject, n: number, http: boolean): string {
  const name = http ? (readString(route, 'name') ?? '') : '';
  return name !== '' ? JSON.stringify(name) : `#${n}`;
}

function requestName(match: JsonObject, n: number, http: boolean): string {
  const name = http ? (readString(match, 'name') ?? '') : '';
  return name !== '' ? JSON.stringify(name) : `#${n}`;
}

interface PrefixMatch {
  routeStr: string;
  matchStr: string;
  prefix: string;
  port: number;
  method: string;
  authority: string;
  headers: Map<string, string>;
  queryParams: Map<string, string>;
  withoutHeaders: Map<string, string>;
}

function exactOrPrefix(sm: JsonObject | null | undefined): string {
  if (sm === null || sm === undefined) return '';
  const exact = readString(sm, 'exact') ?? '';
  const prefix = readString(sm, 'prefix') ?? '';
  if (exact !== '') return `exact:${exact}`;
  if (prefix !== '') return `prefix:${prefix}`;
  return '';
}

function toMap(m: Record<string, JsonObject | null> | undefined): Map<string, string> {
  return new Map(Object.entries(m ?? {}).map(([k, v]) => [k, exactOrPrefix(v)]));
}

function genPrefixMatch(route: JsonObject, match: JsonObject, rulen: number, matchn: number): PrefixMatch | undefined {
  const uri = readMessage(match, 'uri');
  if (uri === undefined) return undefined;
  const prefix = readString(uri, 'prefix') ?? '';
  if (prefix === '') return undefined;
  const method = exactOrPrefix(readMessage(match, 'method'));
  return {
    routeStr: routeName(route, rulen, true),
    matchStr: requestName(match, matchn, true),
    prefix,
    port: readNumber(match, 'port', 'uint32') ?? 0,
    method: method === '' ? 'exact:GET' : method,
    authority: exactOrPrefix(readMessage(match, 'authority')),
    headers: toMap(readMessageMap(match, 'headers')),
    queryParams: toMap(readMessageMap(match, 'queryParams')),
    withoutHeaders: toMap(readMessageMap(match, 'withoutHeaders')),
  };
}

function mapCovered(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, va] of a) {
    const vb = b.get(k);
    if (vb === undefined) return false;
    if (va !== vb && !va.startsWith(vb)) return false;
  }
  return true;
}

function covered(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix)) return false;
  if (b.port !== a.port) return false;
  if (a.method !== b.method && !a.method.startsWith(b.method)) return false;
  if (a.authority !== b.authority && !a.authority.startsWith(b.authority)) return false;
  return mapCovered(a.headers, b.headers) && mapCovered(a.queryParams, b.queryParams) && mapCovered(a.withoutHeaders, b.withoutHeaders);
}

function analyze(routes: JsonObject[], http: boolean, out: string[]): PrefixMatch[] {
  const unused = (rule: string, reason: string): void => {
    out.push(`virtualService rule ${rule} not used (${reason})`);
  };
  const seen = new Map<string, number>();
  let emptyAt = -1;
  const prefixMatches: PrefixMatch[] = [];
  routes.forEach((route, rulen) => {
    const matches = readMessageList(route, 'match') ?? [];
    if (matches.length === 0) {
      if (emptyAt >= 0) unused(routeName(route, rulen, http), 'only the last rule can have no matches');
      emptyAt = rulen;
      return;
    }
    let dups = 0;
    matches.forEach((match, matchn) => {
      if (emptyAt >= 0) {
        unused(routeName(route, rulen, http), 'route without matches defined before');
        return;
      }
      const key = matchKey(match, http);
      const dupn = seen.get(key);
      if (dupn !== undefined) {
        const dupRoute = routes[dupn] ?? {};
        out.push(
          `virtualService rule ${routeName(route, rulen, http)} match ${requestName(match, matchn, http)} is not used (duplicate/overlapping match in rule ${routeName(dupRoute, dupn, http)})`,
        );
        dups++;
        return;
      }
      seen.set(key, rulen);
      if (http) {
        const pm = genPrefixMatch(route, match, rulen, matchn);
        if (pm !== undefined) prefixMatches.push(pm);
      }
    });
    if (dups === matches.length) unused(routeName(route, rulen, http), 'all matches used by prior rules');
  });
  return prefixMatches;
}

/** What covered() compares for equality: the port and the key sets of the three maps. */
function equalityKey(pm: PrefixMatch): string {
  if (pm.headers.size === 0 && pm.queryParams.size === 0 && pm.withoutHeaders.size === 0) return String(pm.port);
  return `${pm.port}|${sortedKeysJson(pm.headers)}|${sortedKeysJson(pm.queryParams)}|${sortedKeysJson(pm.withoutHeaders)}`;
}

function sortedKeysJson(m: Map<string, string>): string {
  return m.size === 0 ? '[]' : JSON.stringify([...m.keys()].sort());
}

function valuesByKey(m: Map<string, string>): string[] {
  return m.size === 0 ? [] : [...m.keys()].sort().map((k) => m.get(k) ?? '');
}

/** Everything else covered() reads from the covering match besides its prefix. */
function coveringSignature(pm: PrefixMatch): string {
  return JSON.stringify([pm.method, pm.authority, valuesByKey(pm.headers), valuesByKey(pm.queryParams), valuesByKey(pm.withoutHeaders)]);
}

/** Covering candidates sharing one prefix and one signature: covered() gives the same answer for all. */
interface CoverGroup {
  rep: PrefixMatch;
  /** Indexes into the prefix-match list, ascending. */
  at: number[];
}

/** The earlier matches with one prefix, split by signature only once some match extends that prefix. */
interface PrefixEntry {
  prefix: string;
  at: number[];
  groups?: CoverGroup[];
}

function coverGroups(entry: PrefixEntry, pms: readonly PrefixMatch[]): CoverGroup[] {
  if (entry.groups) return entry.groups;
  const bySig = new Map<string, CoverGroup>();
  for (const i of entry.at) {
    const pm = pms[i]!;
    const sig = coveringSignature(pm);
    const g = bySig.get(sig);
    if (g) g.at.push(i);
    else bySig.set(sig, { rep: pm, at: [i] });
  }
  entry.groups = [...bySig.values()];
  return entry.groups;
}

/**
 * Istio compares every prefix match with every later one (a covers b when a's prefix is a proper
 * prefix of b's and the rest agrees). Instead, each b looks up only the earlier matches whose prefix
 * is one of its own prefixes (by prefix hash), grouped so that equivalent candidates are decided
 * once. The pairs come out in Istio's order.
 */
function overlappingPrefixPairs(pms: readonly PrefixMatch[]): { pairs: Array<[number, number]>; more: number } {
  const collector = new PairCollector();
  const byEquality = new Map<string, number[]>();
  pms.forEach((pm, i) => {
    const key = equalityKey(pm);
    const list = byEquality.get(key);
    if (list) list.push(i);
    else byEquality.set(key, [i]);
  });
  for (const members of byEquality.values()) {
    if (members.length < 2) continue;
    // full-prefix hash -> the distinct prefixes with that hash
    const index = new Map<number, PrefixEntry[]>();
    const byPrefix = new Map<string, PrefixEntry>();
    const lengths = new Set<number>();
    const hashes = new Map<number, Float64Array>();
    for (const i of members) {
      const prefix = pms[i]!.prefix;
      const h = prefixHashes(prefix);
      hashes.set(i, h);
      const known = byPrefix.get(prefix);
      if (known) {
        known.at.push(i);
        continue;
      }
      const entry: PrefixEntry = { prefix, at: [i] };
      byPrefix.set(prefix, entry);
      const key = h[prefix.length]!;
      const list = index.get(key);
      if (list) list.push(entry);
      else index.set(key, [entry]);
      lengths.add(prefix.length);
    }
    for (const j of members) {
      const b = pms[j]!;
      const h = hashes.get(j)!;
      // Proper prefixes only: an equal prefix is skipped, as in Istio.
      for (let l = 1; l < b.prefix.length; l++) {
        if (!lengths.has(l)) continue;
        for (const entry of index.get(h[l]!) ?? []) {
          if (entry.prefix.length !== l || entry.at[0]! > j || !b.prefix.startsWith(entry.prefix)) continue;
          for (const g of coverGroups(entry, pms)) {
            if (!covered(g.rep, b)) continue;
            const earlier = countBelow(g.at, j);
            if (collector.full) collector.addCount(earlier);
            else for (let k = 0; k < earlier; k++) collector.add(g.at[k]!, j);
          }
        }
      }
    }
  }
  return { pairs: collector.sorted(), more: collector.more };
}

export function analyzeUnreachableRules(http: JsonObject[], tcp: JsonObject[], tls: JsonObject[]): string[] {
  const out: string[] = [];
  const pms = analyze(http, true, out);
  const { pairs, more } = overlappingPrefixPairs(pms);
  for (const [i, j] of pairs) {
    const a = pms[i]!;
    const b = pms[j]!;
    out.push(
      `virtualService rule ${b.routeStr} match ${b.matchStr} of prefix ${b.prefix} is not used (duplicate/overlapping match in rule ${a.matchStr} of prefix ${a.prefix} on ${a.routeStr})`,
    );
  }
  if (more > 0) out.push(`virtualService has ${more} more duplicate/overlapping prefix matches (not listed)`);
  analyze(tcp, false, out);
  analyze(tls, false, out);
  return out;
}
