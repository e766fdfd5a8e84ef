import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validateObject } from '../../../src/validate/webhook.js';
import { CONFORMANCE_DIR, announceSkip } from '../../conformance/corpus.js';

/** Engineer D's kinds, by crd-tests file prefix and by valid-dataset kind name. */
const CRD_TEST_FILES = /^(authz|envoyfilter|peerauth|proxyconfig|reqauth|telemetry|wasm|workloadentry|workloadgroup)-(valid|invalid)\.yaml$/;
const DATASET_KINDS = /-(EnvoyFilter|WorkloadEntry|WorkloadGroup|ProxyConfig|AuthorizationPolicy|PeerAuthentication|RequestAuthentication|Telemetry|WasmPlugin|TrafficExtension)\.yaml$/;

/**
 * The same exclusions as Istio's openapi_test.go: the webhook cannot see `""` vs unset or nulls,
 * and EnvoyFilter's waypoint rules exist only as CEL in the CRD.
 */
const SCHEMA_ONLY = /at least 1 chars long|"null"|waypoint/;

const root = join(CONFORMANCE_DIR, 'istio-validation');
const available = existsSync(root);
if (!available) announceSkip('validate kinds (engineer D) corpus');

interface Doc {
  file: string;
  name: string;
  want: string | undefined;
  obj: Record<string, unknown>;
}

function load(dir: string, pattern: RegExp): Doc[] {
  if (!available) return [];
  const out: Doc[] = [];
  for (const file of readdirSync(dir).filter((f) => pattern.test(f)).sort()) {
    for (const d of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const obj: unknown = d.toJS();
      if (typeof obj !== 'object' || obj === null) continue;
      const rec = obj as Record<string, unknown>;
      const want = typeof rec['_err'] === 'string' ? rec['_err'] : undefined;
      delete rec['_err'];
      const meta = rec['metadata'] as { name?: unknown } | undefined;
      out.push({ file, name: typeof meta?.name === 'string' ? meta.name : '?', want, obj: rec });
    }
  }
  return out;
}

const crdDocs = load(join(root, 'crd-tests'), CRD_TEST_FILES);
const dataset = load(join(root, 'valid-dataset'), DATASET_KINDS);

describe.skipIf(!available)('D kinds against Istio corpora', () => {
  it('finds the corpus documents', () => {
    expect(dataset.length).toBe(18);
    expect(crdDocs.length).toBeGreaterThan(80);
  });
  it.each(dataset.map((d) => [d.file, d] as const))('valid-dataset %s is allowed', (_f, d) => {
    const r = validateObject(d.obj);
    expect(r.message).toBeUndefined();
    expect(r.allowed).toBe(true);
  });
  it.each(crdDocs.filter((d) => d.want === undefined).map((d) => [`${d.file}/${d.name}`, d] as const))(
    'crd-test %s is allowed',
    (_n, d) => {
      expect(validateObject(d.obj).message).toBeUndefined();
    },
  );
  it.each(
    crdDocs.filter((d) => d.want !== undefined && !SCHEMA_ONLY.test(d.want)).map((d) => [`${d.file}/${d.name}`, d] as const),
  )('crd-test %s is denied by the webhook too', (_n, d) => {
    expect(validateObject(d.obj).allowed).toBe(false);
  });
});
