import { isObject, readMessage, readMessageList, readMessageMap, readNumber, readString, type JsonObject } from '../decode.js';

/**
 * Istio's analyzeUnreachable{HTTP,TCP,TLS}Rules: warnings for rules that can never match.
 * Matches are compared through a canonical serialisation (sorted keys, zero values dropped, the
 * HTTP match `name` removed), standing in for Go's json.Marshal of the decoded proto.
 */

/** Map-typed match fields: Go's omitempty drops them when empty, unlike (pointer) message fields. */
const MAP_KEYS = new Set(['headers', 'queryParams', 'withoutHeaders', 'sourceLabels']);

function canonical(v: unknown, key: string | undefined): unknown {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map((e) => canonical(e, undefined) ?? null);
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const c = canonical(v[k], k);
      if (c !== undefined) out[k] = c;
    }
    if (Object.keys(out).length === 0 && key !== undefined && MAP_KEYS.has(key)) return undefined;
    return out;
  }
  if (v === null || v === '' || v === 0 || v === false) return undefined;
  return v;
}

function matchKey(match: JsonObject, dropName: boolean): string {
  const copy: JsonObject = { ...match };
  if (dropName) delete copy['name'];
  return JSON.stringify(canonical(copy, undefined) ?? {});
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

export function analyzeUnreachableRules(http: JsonObject[], tcp: JsonObject[], tls: JsonObject[]): string[] {
  const out: string[] = [];
  const pms = analyze(http, true, out);
  for (let i = 0; i < pms.length; i++) {
    const a = pms[i];
    if (a === undefined) continue;
    for (let j = i + 1; j < pms.length; j++) {
      const b = pms[j];
      if (b === undefined || b.prefix === a.prefix) continue;
      if (covered(a, b)) {
        out.push(
          `virtualService rule ${b.routeStr} match ${b.matchStr} of prefix ${b.prefix} is not used (duplicate/overlapping match in rule ${a.matchStr} of prefix ${a.prefix} on ${a.routeStr})`,
        );
      }
    }
  }
  analyze(tcp, false, out);
  analyze(tls, false, out);
  return out;
}
