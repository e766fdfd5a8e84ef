import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFORMANCE_DIR, announceSkip, conformanceAvailable } from '../conformance/corpus.js';
import { validateObject } from '../../src/validate/webhook.js';
import { servedIstioGVKs } from '../../src/validate/kinds/registry.js';

const DIR = join(CONFORMANCE_DIR, 'istio-validation', 'valid-dataset');
const available = conformanceAvailable();
if (!available) announceSkip('validate valid-dataset');

function load(file: string): Record<string, unknown> {
  const doc: unknown = parse(readFileSync(join(DIR, file), 'utf8'));
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${file}: not an object`);
  return doc as Record<string, unknown>;
}

const files = available ? readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort() : [];

describe.skipIf(!available)('Istio valid-dataset', () => {
  it('covers exactly the served group/version/kinds of the registry', () => {
    const fromFiles = files.map((f) => {
      const d = load(f);
      return `${String(d['apiVersion'])}/${String(d['kind'])}`;
    });
    const served = servedIstioGVKs().map((g) => `${g.group}/${g.version}/${g.kind}`);
    expect(new Set(fromFiles)).toEqual(new Set(served));
    expect(served).toHaveLength(33);
  });

  it.each(files)('%s is accepted as-is', (file) => {
    const out = validateObject(load(file));
    expect(out.message).toBeUndefined();
    expect(out.allowed).toBe(true);
  });

  it.each(files)('%s is rejected with the always-reject annotation', (file) => {
    const doc = load(file);
    const meta = (doc['metadata'] ?? {}) as Record<string, unknown>;
    const annotations = { ...((meta['annotations'] ?? {}) as Record<string, unknown>), 'internal.istio.io/webhook-always-reject': 'true' };
    const out = validateObject({ ...doc, metadata: { ...meta, annotations } });
    expect(out).toEqual({
      allowed: false,
      message: 'configuration is invalid: "internal.istio.io/webhook-always-reject" annotation found, rejecting',
      warnings: [],
      reason: 'invalid_resource',
    });
  });
});
