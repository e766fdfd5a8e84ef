import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { announceSkip, conformanceAvailable } from '../conformance/corpus.js';
import { goTypeForKind } from '../../src/k8s/gotypes.js';
import { isJsonObject, type JsonObject } from '../../src/k8s/json.js';
import { normalizeAs } from '../../src/k8s/normalize.js';
import { parseYamlDocument } from '../../src/k8s/yaml-parse.js';
import { printYaml } from '../../src/k8s/yaml-print.js';
import { type GoldenDoc, goldenDocuments } from './golden-docs.js';

const available = conformanceAvailable();
if (!available) announceSkip('k8s golden round trip');

function firstDiff(got: string, want: string): string {
  const a = got.split('\n');
  const b = want.split('\n');
  const i = a.findIndex((l, k) => l !== b[k]);
  return `line ${i + 1}: got ${JSON.stringify(a[i])}, want ${JSON.stringify(b[i])}`;
}

/** Documents kube-inject writes back verbatim (not a handled kind), so no printer produced them. */
function isRawPassthrough(doc: unknown): boolean {
  return !isJsonObject(doc) || goTypeForKind(doc.apiVersion, doc.kind) === undefined;
}

/**
 * Webhook-only goldens (hello-openshift*) were last written by an older apimachinery that emitted
 * `creationTimestamp: null`; Istio never compares them as text. Today's types omit the zero time.
 */
function withoutLegacyTimestamp(doc: JsonObject): JsonObject {
  const clone = structuredClone(doc);
  const strip = (o: unknown): void => {
    if (!isJsonObject(o)) return;
    const meta = o.metadata;
    if (isJsonObject(meta) && meta.creationTimestamp === null) delete meta.creationTimestamp;
    if (isJsonObject(o.spec)) strip(o.spec.template);
  };
  strip(clone);
  return clone;
}

describe.skipIf(!available)('golden *.injected documents', () => {
  const docs: GoldenDoc[] = available ? goldenDocuments() : [];

  it('finds the corpus', () => {
    expect(docs.length).toBeGreaterThan(90);
  });

  it('prints every parsed golden document byte for byte (yaml-roundtrip)', () => {
    let passed = 0;
    let raw = 0;
    const failures: string[] = [];
    for (const d of docs) {
      const value = parseYamlDocument(d.text);
      const printed = printYaml(value).trim();
      if (printed === d.text) passed++;
      else if (isRawPassthrough(value)) raw++;
      else failures.push(`${d.file}#${d.index}: ${firstDiff(printed, d.text)}`);
    }
    console.log(
      `yaml-roundtrip: ${passed} passed, ${failures.length} failed` +
        ` (${raw} raw pass-through documents not produced by the printer)`,
    );
    expect(failures).toEqual([]);
    expect(passed).toBeGreaterThan(90);
  });

  it('normalising each injectable golden through its Go type is the identity (normalize)', () => {
    let passed = 0;
    let legacy = 0;
    const failures: string[] = [];
    for (const d of docs) {
      const value = parseYamlDocument(d.text);
      if (isRawPassthrough(value)) continue;
      const doc = value as JsonObject;
      const typeName = goTypeForKind(doc.apiVersion, doc.kind)!;
      const expected = withoutLegacyTimestamp(doc);
      if (!isDeepStrictEqual(expected, doc)) legacy++;
      const normalized = normalizeAs(typeName, doc);
      if (isDeepStrictEqual(normalized, expected)) passed++;
      else failures.push(`${d.file}#${d.index}: ${firstDiff(printYaml(normalized), printYaml(expected))}`);
    }
    console.log(`normalize: ${passed} passed, ${failures.length} failed (${legacy} with legacy creationTimestamp: null)`);
    expect(failures).toEqual([]);
    expect(passed).toBeGreaterThan(90);
  });
});
