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
