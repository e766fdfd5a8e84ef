import { describe, expect, it } from 'vitest';
import { matchGlob } from '../../../src/inject/policy/glob.js';

describe('matchGlob', () => {
  it.each([
    ['docker.io/istio/*', 'docker.io/istio/proxyv2:1.28.0', true],
    ['docker.io/istio/*', 'docker.io/istio', false],
    ['docker.io/istio/*', 'evil.io/docker.io/istio/x', false],
    ['*', '', true],
    ['', '', true],
    ['', 'a', false],
    ['platform-*', 'platform-team', true],
    ['platform-*', 'my-platform-team', false],
    ['*-prod', 'shop-prod', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'acb', false],
    ['a*bc*bc', 'abcbc', true],
    ['a*bc*bc', 'abc', false],
    ['registry.???/x', 'registry.com/x', true],
    ['registry.???/x', 'registry.co/x', false],
    ['*?', '', false],
    ['*?', 'x', true],
    ['a*?b', 'ab', false],
    ['a*?b', 'axb', true],
    ['x*a?c*z', 'x--abc--z', true],
    ['**', 'anything', true],
  ])('%s ~ %s is %s', (pattern, text, want) => {
    expect(matchGlob(pattern, text)).toBe(want);
  });

  it('costs linear time on inputs that make backtracking matchers explode', () => {
    // A regex /^(a*)*b$/-style blowup has no counterpart here: the work for 2× the text is about 2× (a ratio
    // inside one test, never an absolute time), measured over enough repetitions to be above timer noise.
    // Every middle piece is searched for across the whole text (the `?` path compares character by character).
    const pattern = `*${'?'.repeat(16)}b*${'a?'.repeat(8)}c*`;
    const time = (n: number): number => {
      const text = 'a'.repeat(n);
      const start = process.hrtime.bigint();
      for (let i = 0; i < 20; i++) expect(matchGlob(pattern, text)).toBe(false);
      return Number(process.hrtime.bigint() - start);
    };
    time(10_000); // warm up the JIT
    const small = time(20_000);
    const large = time(40_000);
    expect(large / small).toBeLessThan(4);
  });
});
