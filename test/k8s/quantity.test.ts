import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { K8sError } from '../../src/k8s/errors.js';
import {
  QUANTITY_FORMAT_ERROR,
  QUANTITY_SUFFIX_ERROR,
  canonicalQuantity,
  parseQuantity,
} from '../../src/k8s/quantity.js';

describe('canonicalQuantity (resource.Quantity JSON round trip)', () => {
  it.each([
    ['2000m', '2'],
    ['1024Mi', '1Gi'],
    ['100m', '100m'],
    ['128Mi', '128Mi'],
    ['0.5', '500m'],
    ['1e3', '1e3'], // already canonical DecimalExponent text is kept verbatim
    ['12000e3', '12e6'],
    ['1.5e3', '1500'],
    ['1536Mi', '1536Mi'],
    ['1.5Gi', '1536Mi'],
    ['0.1Ki', '102400m'], // binary below 1024 is shown as DecimalSI
    ['2048Ki', '2Mi'],
    ['1000', '1k'],
    ['1500m', '1500m'],
    ['1.0', '1'],
    ['0', '0'],
    ['0m', '0'],
    ['000', '0'],
    ['-1', '-1'],
    ['+1', '+1'], // Go keeps the input text when it is canonical, sign included
    ['1.5n', '2n'], // rounded up to nano
    ['0.0000000001', '1n'],
    ['  250m ', '250m'],
    ['16Ei', '9223372036854775807'], // binary values are capped at MaxInt64
  ])('%s -> %s', (input, want) => {
    expect(canonicalQuantity(input)).toBe(want);
  });

  it.each([
    [1000, '1k'],
    [2, '2'],
    [0.5, '500m'],
    [1e-7, '100e-9'],
    [0, '0'],
  ])('JSON number %d -> %s', (input, want) => {
    expect(canonicalQuantity(input)).toBe(want);
  });

  it('treats JSON null as the zero quantity', () => {
    expect(canonicalQuantity(null)).toBe('0');
  });

  it.each([
    ['', QUANTITY_FORMAT_ERROR],
    ['abc', QUANTITY_FORMAT_ERROR],
    ['1.2.3', QUANTITY_FORMAT_ERROR],
    ['1x', QUANTITY_FORMAT_ERROR],
    ['1e', QUANTITY_SUFFIX_ERROR],
    ['1Ki1', QUANTITY_SUFFIX_ERROR],
    ['1ki', QUANTITY_SUFFIX_ERROR],
  ])('rejects %j with Go\'s message', (input, message) => {
    expect(() => canonicalQuantity(input)).toThrow(message);
    expect(() => canonicalQuantity(input)).toThrow(K8sError);
  });

  it('exposes the parsed value and format', () => {
    const q = parseQuantity('1536Mi');
    expect(q.format).toBe('BinarySI');
    expect(q.unscaled * 10n ** BigInt(q.exp10 >= 0 ? q.exp10 : 0)).toBe(1536n * 1024n * 1024n);
    expect(parseQuantity('1e3').format).toBe('DecimalExponent');
    expect(parseQuantity('5m').format).toBe('DecimalSI');
  });
});

describe('agreement with Go resource.Quantity', () => {
  interface Case {
    input: string | number;
    want?: string;
    error?: string;
  }
  const fixture = JSON.parse(
    readFileSync(new URL('./fixtures/go-quantity-oracle.json', import.meta.url), 'utf8'),
  ) as { cases: Case[] };

  it('matches every recorded JSON round trip, errors included', () => {
    const mismatches: string[] = [];
    for (const c of fixture.cases) {
      let got: string;
      try {
        got = canonicalQuantity(c.input);
      } catch (e) {
        got = `ERR: ${(e as Error).message}`;
      }
      const want = c.want ?? `ERR: ${c.error}`;
      if (got !== want) mismatches.push(`${JSON.stringify(c.input)}: go ${JSON.stringify(want)}, ours ${JSON.stringify(got)}`);
    }
    expect(fixture.cases.length).toBeGreaterThan(200);
    expect(mismatches).toEqual([]);
  });

  it('refuses absurd exponents instead of grinding through them (Go does not return)', () => {
    const t0 = performance.now();
    expect(() => canonicalQuantity('1e2147483647')).toThrow('unable to parse numeric part of quantity');
    expect(() => canonicalQuantity('1e-999999')).toThrow('unable to parse numeric part of quantity');
    expect(canonicalQuantity('1e-1000')).toBe('1e-9');
    expect(canonicalQuantity('1e1000')).toBe('10e999');
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
