import { describe, expect, it } from 'vitest';
import type { AdmissionRequest } from '../../src/admission/types.js';
import { createValidationEngine } from '../../src/validate/engine.js';
import * as gen from './gen.js';
import { LINEAR_BOUND, doublingRatio } from './growth.js';

const validate = createValidationEngine();

/** Each case: the generator, a size whose run takes some milliseconds, and what the answer must be. */
const CASES: Array<[string, (n: number) => AdmissionRequest, number]> = [
  ['VirtualService http routes (one warning each)', gen.vsHttpRoutes, 4000],
  ['VirtualService match conditions', gen.vsMatches, 3000],
  ['VirtualService hosts and TLS SNI hosts', gen.vsHosts, 8000],
  ['DestinationRule subsets', gen.drSubsets, 4000],
  ['AuthorizationPolicy rules', gen.authzRules, 2000],
  ['ServiceEntry hosts', gen.seHosts, 20000],
  ['ServiceEntry endpoints', gen.seEndpoints, 8000],
  ['Gateway servers', gen.gatewayServers, 8000],
  ['Sidecar egress listeners', gen.sidecarEgress, 8000],
];

describe('validation cost grows linearly with the number of items', () => {
  for (const [name, make, n] of CASES) {
    it(name, () => {
      const answer = validate(make(100));
      expect(answer.allowed, answer.message).toBe(true);
      const ratio = doublingRatio(make, validate, n);
      expect(ratio, `doubling the input multiplied the time by ${ratio.toFixed(2)}`).toBeLessThan(LINEAR_BOUND);
    });
  }

  it('warnings: one "not used" pair per duplicated route, linear in their number', () => {
    const answer = validate(gen.vsDuplicateRoutes(1000));
    expect(answer.allowed).toBe(true);
    // Every route after the first repeats its match: a match warning and an "all matches used" warning each.
    expect(answer.warnings ?? []).toHaveLength(2 * 999);
    expect(answer.warnings?.[0]).toBe('virtualService rule "dup-1" match #0 is not used (duplicate/overlapping match in rule "dup-0")');
    const ratio = doublingRatio(gen.vsDuplicateRoutes, validate, 8000);
    expect(ratio).toBeLessThan(LINEAR_BOUND);
  });

  it('warnings: as many overlapping prefix matches as Istio reports, listed up to a bound and then counted', () => {
    // "/" first, then n longer prefixes: every later one is covered by the first.
    const make = (n: number): AdmissionRequest => {
      const http = Array.from({ length: n + 1 }, (_, i) => ({
        name: `r${i}`,
        match: [{ uri: { prefix: i === 0 ? '/' : `/p${i}/` } }],
        route: [{ destination: { host: 'svc' } }],
      }));
      return gen.istioRequest('networking.istio.io/v1', 'VirtualService', { hosts: ['example.com'], http });
    };
    expect(validate(make(500)).warnings).toHaveLength(500);
    const big = validate(make(12_000)).warnings ?? [];
    expect(big).toHaveLength(10_001);
    expect(big.at(-1)).toBe('virtualService has 2000 more duplicate/overlapping prefix matches (not listed)');
    expect(doublingRatio(make, validate, 4000)).toBeLessThan(LINEAR_BOUND);
  });

  it('duplicate hosts: every pair as Istio lists it, without comparing every pair', () => {
    const make = (n: number): AdmissionRequest =>
      gen.istioRequest('networking.istio.io/v1', 'VirtualService', {
        hosts: ['*.example.com', ...Array.from({ length: n }, (_, i) => `h${i}.example.com`)],
        http: [{ route: [{ destination: { host: 'svc' } }] }],
      });
    const answer = validate(make(3));
    expect(answer.message).toContain('duplicate hosts in virtual service: *.example.com & h0.example.com');
    expect(answer.message).toContain('3 errors occurred');
    expect(doublingRatio(make, validate, 8000)).toBeLessThan(LINEAR_BOUND);
  });
});
