import { describe, expect, it } from 'vitest';
import { validateObject } from '../../src/validate/webhook.js';
import { duplicateHostPairs } from '../../src/validate/kinds/virtualservice.js';

/** A small seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** host.Name.Matches, as Istio compares every pair. */
function hostMatches(n: string, o: string): boolean {
  const nw = n.startsWith('*');
  const ow = o.startsWith('*');
  if (nw) {
    if (ow) return n.length < o.length ? o.slice(1).endsWith(n.slice(1)) : n.slice(1).endsWith(o.slice(1));
    return o.endsWith(n.slice(1));
  }
  if (ow) return n.endsWith(o.slice(1));
  return n === o;
}

describe('indexed pairwise checks give the pairs, in the order, that comparing every pair gives', () => {
  it('duplicate virtual service hosts (plain, wildcard, *, partial-label wildcards)', () => {
    const next = rng(7);
    const labels = ['a', 'b', 'ab', 'ba'];
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    for (let round = 0; round < 300; round++) {
      const hosts = Array.from({ length: 1 + Math.floor(next() * 12) }, () => {
        const name = Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(labels)).join('.');
        const r = next();
        return r < 0.1 ? '*' : r < 0.3 ? `*.${name}` : r < 0.4 ? `*${name}` : name;
      });
      const want: Array<[number, number]> = [];
      for (let i = 0; i < hosts.length; i++) for (let j = i + 1; j < hosts.length; j++) if (hostMatches(hosts[i]!, hosts[j]!)) want.push([i, j]);
      expect(duplicateHostPairs(hosts), JSON.stringify(hosts)).toEqual({ pairs: want, more: 0 });
    }
  });

  it('counts instead of listing past the bound', () => {
    const hosts = Array.from({ length: 200 }, () => 'same.example.com');
    const r = duplicateHostPairs(hosts);
    expect(r.pairs.length + r.more).toBe((200 * 199) / 2);
    expect(r.pairs.slice(0, 3)).toEqual([[0, 1], [0, 2], [0, 3]]);
  });

  it('overlapping prefix matches in a VirtualService (ports, methods, headers)', () => {
    const next = rng(11);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    for (let round = 0; round < 200; round++) {
      const http = Array.from({ length: 2 + Math.floor(next() * 10) }, (_, i) => {
        const match: Match = { uri: { prefix: pick(['/', '/a', '/ab', '/abc', '/b', '/a/']) } };
        if (next() < 0.3) match.port = pick([80, 81]);
        if (next() < 0.3) match.method = { [pick(['exact', 'prefix'])]: pick(['GET', 'G', 'POST']) };
        if (next() < 0.3) match.headers = { [pick(['x', 'y'])]: { [pick(['exact', 'prefix'])]: pick(['v', 'vv']) } };
        return { name: `r${i}`, match: [match], route: [{ destination: { host: 'svc' } }] };
      });
      const obj = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'vs', namespace: 'default' }, spec: { hosts: ['x.example.com'], http } };
      const got = validateObject(obj).warnings.filter((w) => w.includes(' of prefix '));
      expect(got, JSON.stringify(http)).toEqual(referencePrefixWarnings(http));
    }
  });
});

type Match = { uri: { prefix: string }; port?: number; method?: Record<string, string>; headers?: Record<string, Record<string, string>> };

/** Istio's analyzeUnreachableHTTPRules prefix comparison for these generated routes (no duplicates dropped). */
function referencePrefixWarnings(http: Array<{ name: string; match: Match[] }>): string[] {
  const seen = new Set<string>();
  const pms: Array<{ route: string; prefix: string; port: number; method: string; headers: Map<string, string> }> = [];
  const eop = (sm: Record<string, string> | undefined): string => (sm?.exact ? `exact:${sm.exact}` : sm?.prefix ? `prefix:${sm.prefix}` : '');
  for (const r of http) {
    const m = r.match[0]!;
    const key = JSON.stringify([m.uri.prefix, m.port ?? 0, m.method ?? null, m.headers ?? null]);
    if (seen.has(key)) continue;
    seen.add(key);
    pms.push({
      route: JSON.stringify(r.name),
      prefix: m.uri.prefix,
      port: m.port ?? 0,
      method: eop(m.method) || 'exact:GET',
      headers: new Map(Object.entries(m.headers ?? {}).map(([k, v]) => [k, eop(v)])),
    });
  }
  const out: string[] = [];
  const mapCovered = (a: Map<string, string>, b: Map<string, string>): boolean =>
    a.size === b.size && [...a].every(([k, va]) => b.has(k) && (va === b.get(k) || va.startsWith(b.get(k)!)));
  for (let i = 0; i < pms.length; i++) {
    for (let j = i + 1; j < pms.length; j++) {
      const a = pms[i]!;
      const b = pms[j]!;
      if (a.prefix === b.prefix || !b.prefix.startsWith(a.prefix) || a.port !== b.port) continue;
      if (a.method !== b.method && !a.method.startsWith(b.method)) continue;
      if (!mapCovered(a.headers, b.headers)) continue;
      out.push(`virtualService rule ${b.route} match #0 of prefix ${b.prefix} is not used (duplicate/overlapping match in rule #0 of prefix ${a.prefix} on ${a.route})`);
    }
  }
  return out;
}

describe('the match key is built as text directly', () => {
  const MAP_KEYS = new Set(['headers', 'queryParams', 'withoutHeaders', 'sourceLabels']);
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  /** The former definition: a sorted, zero-free copy, then JSON.stringify. */
  function canonical(v: unknown, key: string | undefined): unknown {
    if (Array.isArray(v)) return v.length === 0 ? undefined : v.map((e) => canonical(e, undefined) ?? null);
    if (isObj(v)) {
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

  it('equals JSON.stringify of the sorted, zero-free copy (numeric keys, map keys, nesting)', async () => {
    const { matchKey } = await import('../../src/validate/kinds/virtualservice-unreachable.js');
    const next = rng(5);
    const keys = ['a', 'b', '10', '9', '0', '01', 'headers', 'queryParams', 'name', 'x y', '"q"', '4294967294', '4294967295'];
    const scalars = [null, '', 0, false, 1, 'x', true, -0, 2.5, 'é"\\'];
    const gen = (d: number): unknown => {
      const t = next();
      if (d > 3 || t < 0.3) return scalars[Math.floor(next() * scalars.length)];
      if (t < 0.5) return Array.from({ length: Math.floor(next() * 3) }, () => gen(d + 1));
      const o: Record<string, unknown> = {};
      for (let i = 0; i < Math.floor(next() * 5); i++) o[keys[Math.floor(next() * keys.length)]!] = gen(d + 1);
      return o;
    };
    for (let i = 0; i < 2000; i++) {
      const m = gen(1);
      if (!isObj(m)) continue;
      for (const drop of [true, false]) {
        const copy = { ...m };
        if (drop) delete copy['name'];
        expect(matchKey(m as never, drop), JSON.stringify(m)).toBe(JSON.stringify(canonical(copy, undefined) ?? {}));
      }
    }
  });
});
