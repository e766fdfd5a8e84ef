/**
 * Where validate's inputs and schemas come from: directories, skipped kinds, CRDs from the cluster, and
 * no CRDs at all. A file of its own because the "no CRDs" case points MESH_ADMISSION_CRDS at nothing,
 * and the default validator is module state.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../src/cli/validate.js';
import { useFakeCluster } from './cluster.js';
import { testTempDir } from '../tmp.js';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await validateCommand(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    readFile: (p) => readFileSync(p, 'utf8'),
    readStdin: async () => '',
  });
  return { code, stdout, stderr };
}

const VS_NO_ROUTES = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: bad}\nspec: {hosts: [a]}\n';
const VS_GOOD = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: good}\nspec: {hosts: [a], http: [{route: [{destination: {host: a}}]}]}\n';
const VS_NO_HOSTS = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: nohosts}\nspec: {http: [{route: [{destination: {host: a}}]}]}\n';
const OPERATOR = 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {name: io}\nspec: {profile: nonsense-profile, bogus: 1}\n';
const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {}\n';

let dir = '';
beforeAll(() => {
  dir = testTempDir('validate-sources-');
  mkdirSync(join(dir, 'tree/nested/deeper'), { recursive: true });
  writeFileSync(join(dir, 'tree/good.yaml'), VS_GOOD);
  writeFileSync(join(dir, 'tree/nested/bad.yml'), VS_NO_ROUTES);
  writeFileSync(join(dir, 'tree/nested/deeper/good.json'), JSON.stringify({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'j' }, spec: { hosts: ['a'], tcp: [{ route: [{ destination: { host: 'a' } }] }] } }));
  writeFileSync(join(dir, 'tree/nested/README.md'), 'not: [a manifest');
  writeFileSync(join(dir, 'operator.yaml'), `${OPERATOR}---\n${DEPLOYMENT}`);
  // No CRDs anywhere: the schema layer is skipped (with one note), the webhook rules still run.
  process.env.MESH_ADMISSION_CRDS = join(dir, 'no-such-crds.yaml');
});

describe('validate without CRDs at hand', () => {
  it('reads a directory recursively (.yaml, .yml, .json only) and says the schema layer was skipped', async () => {
    const r = await run(['-f', join(dir, 'tree')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('3 document(s) in 3 file(s): 2 valid, 1 invalid\n');
    expect(r.stderr).toContain(`Error: ${join(dir, 'tree/nested/bad.yml')}: VirtualService default/bad is invalid`);
    expect(r.stderr.match(/schema layer was skipped/g)).toHaveLength(1);
  });
  it('exit 0 when the webhook rules accept everything', async () => {
    const r = await run(['-f', join(dir, 'tree/good.yaml')]);
    expect(r.code).toBe(0);
  });
  it('--schema-only without CRDs is still unusable input (exit 2)', async () => {
    const r = await run(['--schema-only', '-f', join(dir, 'tree/good.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--from-cluster/);
  });
  it('skips IstioOperator (an istioctl install input) and non-Istio kinds with a note, not an error', async () => {
    const r = await run(['-f', join(dir, 'operator.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('2 document(s) in 1 file(s): 0 valid, 0 invalid, 2 skipped\n');
    expect(r.stderr).toMatch(/Skipped: .*operator.yaml#0: IstioOperator default\/io: IstioOperator is an istioctl install input/);
    expect(r.stderr).toMatch(/Skipped: .*operator.yaml#1: Deployment default\/d: not an Istio resource/);
  });
  it('a missing path names the file (exit 2)', async () => {
    const r = await run(['-f', join(dir, 'nope.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot read ${join(dir, 'nope.yaml')}`);
  });
});

/** An Istio-group CRD written for this test: hosts required, plus a CEL rule, so both must survive the API's JSON. */
const VS_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'virtualservices.networking.istio.io' },
  spec: {
    group: 'networking.istio.io',
    names: { kind: 'VirtualService', plural: 'virtualservices' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['hosts'],
                'x-kubernetes-validations': [{ rule: '!has(self.hosts) || size(self.hosts) < 3', message: 'at most two hosts (test rule)' }],
                properties: { hosts: { type: 'array', items: { type: 'string' } }, http: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }, tcp: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
              },
            },
          },
        },
      },
    ],
  },
};

describe('validate --from-cluster reads the CRDs from the API', () => {
  const cluster = useFakeCluster();
  it('applies the cluster\'s schema and CEL rules', async () => {
    cluster.fake().put('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', VS_CRD);
    writeFileSync(join(dir, 'nohosts.yaml'), VS_NO_HOSTS);
    writeFileSync(join(dir, 'threehosts.yaml'), VS_GOOD.replace('hosts: [a]', 'hosts: [a, b, c]'));
    const r = await run(['--from-cluster', '--kubeconfig', cluster.kubeconfig(), '-f', join(dir, 'nohosts.yaml'), '-f', join(dir, 'threehosts.yaml'), '-f', join(dir, 'tree/good.yaml')]);
    expect(r.stderr).not.toContain('schema layer was skipped');
    expect(r.stderr).toMatch(/nohosts\.yaml: VirtualService default\/nohosts is invalid: .*hosts/);
    expect(r.stderr).toMatch(/threehosts\.yaml: VirtualService default\/good is invalid: .*at most two hosts \(test rule\)/);
    expect(r.stdout).toBe('3 document(s) in 3 file(s): 1 valid, 2 invalid\n');
    expect(r.code).toBe(1);
  });
  it('a cluster without Istio CRDs is unusable (exit 2) and says so', async () => {
    const r = await run(['--from-cluster', '--kubeconfig', cluster.kubeconfig(), '-f', join(dir, 'tree/good.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no Istio CustomResourceDefinitions are installed');
  });
});
