import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { marshalAs } from '../../src/k8s/go-json.js';
import { normalizeAs } from '../../src/k8s/normalize.js';

/**
 * Random values for Pod, PodSpec, Container and the workload wrappers, with what Go's
 * encoding/json round trip produced for them (see `about` in the fixture): unknown fields,
 * nulls, case-folded keys, wrong JSON types, quantities, IntOrString.
 */
interface Case {
  type: string;
  value: unknown;
  want?: unknown;
  /** Go's json.Marshal output, byte for byte. */
  bytes?: string;
  error?: string;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/go-json-oracle.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

describe('agreement with Go encoding/json', () => {
  it('has successes and errors on record', () => {
    expect(fixture.cases.filter((c) => c.want !== undefined).length).toBeGreaterThan(50);
    expect(fixture.cases.filter((c) => c.error !== undefined).length).toBeGreaterThan(20);
  });

  it.each(fixture.cases.map((c, i) => [i, c.type, c] as const))('case %i (%s)', (_i, type, c) => {
    if (c.error !== undefined) {
      expect(() => normalizeAs(type, c.value)).toThrow(c.error);
      expect(() => marshalAs(type, c.value)).toThrow(c.error);
    } else {
      expect(normalizeAs(type, c.value)).toEqual(c.want);
      expect(marshalAs(type, c.value)).toBe(c.bytes);
    }
  });
});
