import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseYamlDocuments } from '../../src/k8s/yaml-parse.js';
import { loadCrdValidatorFromFile } from '../../src/validate/schema/index.js';
import { CRD_FILE, conformanceDir } from '../cluster/deploy.js';
import { apiRequest, createNamespace, deleteNamespace, describeE2e, getJson, kubectl, uniqueName } from './kube.js';

/**
 * Scenario 3: the project's offline CRD schema + CEL layer (what `--schema-validation` and the CLI use) must
 * accept and reject exactly what the real API server does. The validating webhook is taken out for this
 * test so only the API server's own schema checks decide.
 */

const VALIDATOR = 'mesh-admission-validator';

function plurals(): Map<string, string> {
  const map = new Map<string, string>();
  for (const d of parseAllDocuments(readFileSync(CRD_FILE(), 'utf8'))) {
    const crd = d.toJS() as { kind?: string; spec?: { group: string; names: { kind: string; plural: string } } } | null;
    if (crd?.kind === 'CustomResourceDefinition' && crd.spec) map.set(`${crd.spec.group}/${crd.spec.names.kind}`, crd.spec.names.plural);
  }
  return map;
}

interface Doc {
  file: string;
  index: number;
  obj: Record<string, unknown> & { apiVersion: string; kind: string; metadata?: Record<string, unknown> };
}

function documents(): Doc[] {
  const dir = join(conformanceDir(), 'istio-validation/crd-tests');
  const out: Doc[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    parseYamlDocuments(readFileSync(join(dir, file), 'utf8')).forEach((doc, index) => {
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return;
      const { _err: _ignored, ...obj } = doc as Record<string, unknown>;
      out.push({ file, index, obj: obj as Doc['obj'] });
    });
  }
  return out;
}

let ns = '';
let savedValidator = '';

describeE2e('e2e 3: the schema layer agrees with the real API server', () => {
  beforeAll(async () => {
    ns = uniqueName('schema');
    await createNamespace(ns);
    const current = getJson<Record<string, { resourceVersion?: string; uid?: string; creationTimestamp?: string; managedFields?: unknown; generation?: number }>>([
      'get',
      'validatingwebhookconfiguration',
      VALIDATOR,
    ]);
    const m = current['metadata']!;
    delete m.resourceVersion;
    delete m.uid;
    delete m.creationTimestamp;
    delete m.managedFields;
    delete m.generation;
    savedValidator = JSON.stringify(current);
    kubectl(['delete', 'validatingwebhookconfiguration', VALIDATOR]);
  });
  afterAll(() => {
    if (savedValidator) kubectl(['create', '-f', '-'], savedValidator);
    deleteNamespace(ns);
  });

  it('every crd-tests document gets the same accept/reject from both', async () => {
    const crds = loadCrdValidatorFromFile(CRD_FILE());
    const plural = plurals();
    const docs = documents();
    const disagreements: string[] = [];
    for (const { file, index, obj } of docs) {
      const [group, version] = obj.apiVersion.split('/');
      const resource = plural.get(`${group}/${obj.kind}`);
      if (resource === undefined) {
        disagreements.push(`${file}#${index}: no CRD for ${obj.apiVersion} ${obj.kind}`);
        continue;
      }
      const body = { ...obj, metadata: { ...(obj.metadata ?? {}), namespace: ns } };
      const offlineErrors = [...crds.validate(body).errors, ...crds.unknownFields(body)];
      const real = await apiRequest('POST', `/apis/${group}/${version}/namespaces/${ns}/${resource}?dryRun=All&fieldValidation=Strict`, body);
      const realAccepts = real.status >= 200 && real.status < 300;
      const offlineAccepts = offlineErrors.length === 0;
      if (realAccepts !== offlineAccepts) {
        const realMessage = realAccepts ? 'accepted' : ((JSON.parse(real.body) as { message?: string }).message ?? real.body);
        disagreements.push(`${file}#${index}: API server ${realMessage}; offline ${offlineAccepts ? 'accepted' : offlineErrors.join(' | ')}`);
      }
    }
    const agree = docs.length - disagreements.length;
    process.stdout.write(`schema agreement: ${agree}/${docs.length}\n`);
    expect(docs.length).toBeGreaterThan(0);
    expect(disagreements).toEqual([]);
  });
});
