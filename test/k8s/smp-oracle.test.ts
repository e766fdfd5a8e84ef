import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/k8s/json.js';
import { strategicMerge } from '../../src/k8s/smp.js';

/**
 * Random originals/patches (containers, env, ports, mounts, volumes, finalizers, directives,
 * 20-80 item lists that exercise Go's SymMerge ordering) with the answers Go's strategicpatch
 * gave for them — see `about` in the fixture.
 */
interface Case {
  type: string;
  original: JsonObject;
  patch: JsonObject;
  want?: JsonObject;
  error?: string;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/go-smp-oracle.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

describe('agreement with Go strategicpatch', () => {
  it('has both merges and rejections on record', () => {
    expect(fixture.cases.filter((c) => c.want).length).toBeGreaterThan(80);
    expect(fixture.cases.filter((c) => c.error).length).toBeGreaterThan(5);
  });

  it.each(fixture.cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    if (c.error !== undefined) {
      let message = '';
      try {
        strategicMerge(c.original, c.patch, c.type);
      } catch (e) {
        message = (e as Error).message.split('\n')[0]!;
      }
      expect(message).toBe(c.error);
    } else {
      expect(strategicMerge(c.original, c.patch, c.type)).toEqual(c.want);
    }
  });

  // The merge shares the parts of both inputs it does not change (the injector merges one cached, frozen
  // template patch into every pod): with both inputs deep-frozen, any write into them would throw.
  it.each(fixture.cases.filter((c) => c.want !== undefined).map((c, i) => [i, c] as const))('case %i with both inputs frozen', (_i, c) => {
    const original = deepFreeze(structuredClone(c.original));
    const patch = deepFreeze(structuredClone(c.patch));
    expect(strategicMerge(original, patch, c.type)).toEqual(c.want);
    expect(original).toEqual(c.original);
    expect(patch).toEqual(c.patch);
  });
});

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const c of Object.values(v)) deepFreeze(c);
  }
  return v;
}
