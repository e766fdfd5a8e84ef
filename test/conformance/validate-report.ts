import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYamlDocuments } from '../../src/k8s/yaml-parse.js';
import { loadCrdValidatorFromFile, type CrdValidator } from '../../src/validate/schema/index.js';
import { validateObject } from '../../src/validate/webhook.js';
import { CONFORMANCE_DIR } from './corpus.js';

/**
 * Istio's validation corpora run against mesh-admission:
 *  - crd-tests/*.yaml: the CRD schema layer must accept every document without `_err` and reject
 *    each one with `_err` with an error containing that text;
 *  - valid-dataset/*.yaml: the webhook path accepts each document, and denies it once the
 *    `internal.istio.io/webhook-always-reject` annotation is added (case prefix `always-reject/`);
 *    each must also pass the CRD schema layer (case prefix `crd-schema/`).
 */
export interface ValidateConformance {
  results: Map<string, boolean>;
  details: Map<string, string>;
}

const ALWAYS_REJECT = 'internal.istio.io/webhook-always-reject';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Istio reads these files with Go's yaml.v2 rules; so do we (src/k8s/yaml-parse.ts). */
function yamlDocuments(file: string): Array<{ index: number; doc: unknown; error?: string }> {
  try {
    return parseYamlDocuments(readFileSync(file, 'utf8')).map((doc, index) => ({ index, doc }));
  } catch (e) {
    return [{ index: 0, doc: undefined, error: e instanceof Error ? e.message : String(e) }];
  }
}

function runCrdTests(dir: string, crds: CrdValidator, out: ValidateConformance): void {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const { index, doc, error } of yamlDocuments(join(dir, file))) {
      const name = `crd-tests/${file}#${index}`;
      if (error !== undefined) {
        out.results.set(name, false);
        out.details.set(name, `YAML error: ${error}`);
        continue;
      }
      // A document made only of comments (Istio's disabled TODO cases) is not a case.
      if (doc === null || doc === undefined) continue;
      if (!isRecord(doc)) {
        out.results.set(name, false);
        out.details.set(name, 'document is not a mapping');
        continue;
      }
      const { _err: expected, ...obj } = doc;
      const { errors } = crds.validate(obj);
      if (expected === undefined) {
        out.results.set(name, errors.length === 0);
        if (errors.length > 0) out.details.set(name, `expected valid, got: ${errors.join(' | ')}`);
      } else {
        const want = String(expected);
        const ok = errors.some((e) => e.includes(want));
        out.results.set(name, ok);
        if (!ok) out.details.set(name, `expected an error containing ${JSON.stringify(want)}, got: ${errors.length ? errors.join(' | ') : 'no error'}`);
      }
    }
  }
}

function withAlwaysReject(obj: Record<string, unknown>): Record<string, unknown> {
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  const annotations = isRecord(meta.annotations) ? meta.annotations : {};
  return { ...obj, metadata: { ...meta, annotations: { ...annotations, [ALWAYS_REJECT]: 'true' } } };
}

function runValidDataset(dir: string, crds: CrdValidator, out: ValidateConformance): void {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const docs = yamlDocuments(join(dir, file)).filter((d) => d.doc !== null && d.doc !== undefined);
    const accept = `valid-dataset/${file}`;
    const reject = `always-reject/${file}`;
    const objects = docs.map((d) => d.doc).filter(isRecord);
    if (objects.length === 0 || objects.length !== docs.length) {
      for (const n of [accept, reject]) {
        out.results.set(n, false);
        out.details.set(n, 'no usable YAML mapping in file');
      }
      continue;
    }
    const accepted = objects.map((o) => validateObject(o));
    const bad = accepted.find((r) => !r.allowed);
    out.results.set(accept, bad === undefined);
    if (bad) out.details.set(accept, `denied: ${bad.message ?? ''}`);
    // The apiserver's schema stage runs before the webhook, so a valid dataset file must pass it too.
    const schemaName = `crd-schema/${file}`;
    const schemaErrors = objects.flatMap((o) => crds.validate(o).errors);
    out.results.set(schemaName, schemaErrors.length === 0);
    if (schemaErrors.length > 0) out.details.set(schemaName, schemaErrors.join(' | '));
    const rejected = objects.map((o) => validateObject(withAlwaysReject(o)));
    const leaked = rejected.find((r) => r.allowed);
    out.results.set(reject, leaked === undefined);
    if (leaked) out.details.set(reject, 'allowed despite the always-reject annotation');
  }
}

/** Empty results when the corpus is missing; callers announce the skip. */
export async function runValidateConformance(): Promise<ValidateConformance> {
  const out: ValidateConformance = { results: new Map(), details: new Map() };
  const base = join(CONFORMANCE_DIR, 'istio-validation');
  if (!existsSync(base)) return out;
  const crds = loadCrdValidatorFromFile(join(base, 'crds/crd-all.gen.yaml'));
  runCrdTests(join(base, 'crd-tests'), crds, out);
  runValidDataset(join(base, 'valid-dataset'), crds, out);
  return out;
}
