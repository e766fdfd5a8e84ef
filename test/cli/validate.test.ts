import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../src/cli/validate.js';
import { cliCacheDir } from '../../src/cli/io.js';
import { CEL_SKIPPED_MESSAGE } from '../../src/validate/schema/index.js';
import { WIDGET_CRD } from '../validate/schema/fixture-crd.js';
import { announceSkip, CONFORMANCE_DIR } from '../conformance/corpus.js';
import { testTempDir } from '../tmp.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  stdinReads: number;
}

async function run(argv: string[], stdin = ''): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let stdinReads = 0;
  const code = await validateCommand(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    readFile: (p) => readFileSync(p, 'utf8'),
    readStdin: async () => {
      stdinReads++;
      return stdin;
    },
  });
  return { code, stdout, stderr, stdinReads };
}

let dir = '';
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const GOOD_GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: gw, namespace: edge }
spec:
  servers:
  - port: { number: 80, name: http, protocol: HTTP }
    hosts: ["*"]
`;
const EMPTY_GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: empty }
spec: {}
`;
const ENVOY_FILTER = `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: { name: ef, namespace: edge }
spec: {}
`;

beforeAll(() => {
  dir = testTempDir('mesh-admission-cli-');
});

describe('validate: arguments', () => {
  it('prints help and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: mesh-admission validate -f FILE|DIR');
  });

  it('exits 2 without -f, on unknown flags, and on --schema-only with --webhook-only', async () => {
    expect((await run([])).stderr).toContain('usage: at least one -f FILE is required');
    expect((await run([])).code).toBe(2);
    const unknown = await run(['-f', 'x', '--bogus']);
    expect([unknown.code, unknown.stderr.split('\n')[0]]).toEqual([2, 'usage: unknown argument "--bogus"']);
    const both = await run(['-f', 'x', '--schema-only', '--webhook-only']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('exclude each other');
    expect((await run(['-f'])).stderr).toContain('usage: -f needs a value');
  });
});

describe('validate: webhook rules (--webhook-only)', () => {
  it('exits 0 when every document is valid', async () => {
    const r = await run(['--webhook-only', '-f', file('good.yaml', GOOD_GATEWAY)]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('1 document(s) in 1 file(s): 1 valid, 0 invalid\n');
  });

  it('exits 1 with one line per invalid document naming kind, namespace and name', async () => {
    const p = file('mixed.yaml', `${GOOD_GATEWAY}---\n${EMPTY_GATEWAY}`);
    const r = await run(['--webhook-only', '-f', p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error: ${p}#1: Gateway default/empty is invalid: configuration is invalid: gateway must have at least one server\n`);
    expect(r.stdout).toContain('2 document(s) in 1 file(s): 1 valid, 1 invalid');
  });

  it('uses -n for documents without a namespace', async () => {
    const r = await run(['--webhook-only', '-n', 'team-a', '-f', file('empty.yaml', EMPTY_GATEWAY)]);
    expect(r.stderr).toContain('Gateway team-a/empty is invalid');
  });

  it('prints warnings of valid documents and still exits 0', async () => {
    const r = await run(['--webhook-only', '-f', file('ef.yaml', ENVOY_FILTER)]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^Warning: .*ef\.yaml: EnvoyFilter edge\/ef: EnvoyFilter exposes internal implementation details/);
  });

  it('reads "-" from standard input once even when named twice', async () => {
    const r = await run(['--webhook-only', '-f', '-', '-f', '-'], EMPTY_GATEWAY);
    expect(r.code).toBe(1);
    expect(r.stdinReads).toBe(1);
    expect(r.stderr).toContain('Error: <stdin>: Gateway default/empty is invalid');
  });

  it('accepts comma-separated file lists and kind: List wrappers', async () => {
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [JSON.parse(JSON.stringify({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'in-list' }, spec: {} }))] });
    const r = await run(['--webhook-only', '-f', `${file('a.yaml', GOOD_GATEWAY)},${file('list.json', list)}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Gateway default/in-list is invalid');
    expect(r.stdout).toContain('2 document(s) in 2 file(s): 1 valid, 1 invalid');
  });

  it('skips non-Istio resources without failing', async () => {
    const svc = 'apiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec: {}\n';
    const r = await run(['--webhook-only', '-f', file('svc.yaml', svc)]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Skipped:');
    expect(r.stdout).toContain('1 skipped');
  });

  it('counts a non-mapping document as invalid', async () => {
    const r = await run(['--webhook-only', '-f', file('scalar.yaml', '- just\n- a list\n')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not a Kubernetes resource: the document is not a mapping');
  });
});

describe('validate: unreadable input exits 2', () => {
  it('on a missing file, while still validating the others', async () => {
    const r = await run(['--webhook-only', '-f', join(dir, 'missing.yaml'), '-f', file('empty2.yaml', EMPTY_GATEWAY)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot read ${join(dir, 'missing.yaml')}: ENOENT`);
    expect(r.stderr).toContain('Gateway default/empty is invalid');
  });

  it('on broken YAML', async () => {
    const r = await run(['--webhook-only', '-f', file('broken.yaml', 'a: [unclosed\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not valid YAML');
  });

  it('on an unusable --crds file', async () => {
    const r = await run(['--crds', join(dir, 'no-crds.yaml'), '-f', file('g.yaml', GOOD_GATEWAY)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CRD schemas unavailable from');
  });
});

describe('validate: schema stage with --crds', () => {
  const widget = (spec: string) => `apiVersion: example.mesh.dev/v1\nkind: Widget\nmetadata: { name: w }\nspec: ${spec}\n`;

  it('reports CRD schema errors and exits 1; kinds known only to --crds get the schema stage only', async () => {
    const crds = file('widget-crd.yaml', WIDGET_CRD);
    const bad = file('bad-widget.yaml', widget('{ color: BLUE }'));
    const r = await run(['--crds', crds, '-f', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `Error: ${bad}: Widget default/w is invalid: spec.color: Unsupported value: "BLUE": supported values: "RED", "GREEN"; ${CEL_SKIPPED_MESSAGE}\n`,
    );
    const good = await run(['--crds', crds, '-f', file('good-widget.yaml', widget('{ color: RED }'))]);
    expect([good.code, good.stderr]).toEqual([0, '']);
  });

  it('keeps a parsed CRD file in the CLI cache, keyed by the file, and reads it from there on the next run', () => {
    const cacheDir = join(dir, 'cli-cache');
    const crds = file('widget-crd-cached.yaml', WIDGET_CRD);
    const red = file('red-widget.yaml', widget('{ color: RED }'));
    const cli = (args: string[]) =>
      spawnSync(process.execPath, [join(import.meta.dirname, '../../dist/cli/bin.js'), 'validate', ...args], {
        encoding: 'utf8',
        env: { ...process.env, MESH_ADMISSION_CACHE_DIR: cacheDir },
      });
    expect(cli(['--crds', crds, '-f', red]).status).toBe(0);
    const entries = readdirSync(join(cacheDir, 'crds'));
    expect(entries).toHaveLength(1);
    // Edit the cached copy (RED no longer allowed): the next run answers from it, not from the YAML.
    const cached = join(cacheDir, 'crds', entries[0]!);
    writeFileSync(cached, readFileSync(cached, 'utf8').replace('["RED","GREEN"]', '["GREEN"]'));
    const second = cli(['--crds', crds, '-f', red]);
    expect([second.status, second.stderr]).toEqual([1, expect.stringContaining('spec.color: Unsupported value: "RED": supported values: "GREEN"')]);
    // A changed file is another entry: parsed again, cached again.
    writeFileSync(crds, `${WIDGET_CRD}\n`);
    expect(cli(['--crds', crds, '-f', red]).status).toBe(0);
    expect(readdirSync(join(cacheDir, 'crds'))).toHaveLength(2);
  });

  it('treats undeclared fields as errors unless --allow-unknown-fields', async () => {
    const crds = file('widget-crd3.yaml', WIDGET_CRD);
    const typo = file('typo-widget.yaml', widget('{ colour: RED }'));
    const strict = await run(['--crds', crds, '-f', typo]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toBe(`Error: ${typo}: Widget default/w is invalid: strict decoding error: unknown field "spec.colour"\n`);
    const lenient = await run(['--crds', crds, '--allow-unknown-fields', '-f', typo]);
    expect([lenient.code, lenient.stderr]).toEqual([0, '']);
  });

  it('--webhook-only ignores --crds, so a Widget is skipped', async () => {
    const crds = file('widget-crd2.yaml', WIDGET_CRD);
    const r = await run(['--webhook-only', '--crds', crds, '-f', file('w2.yaml', widget('{ color: BLUE }'))]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 skipped');
  });

  const crdFile = join(CONFORMANCE_DIR, 'istio-validation/crds/crd-all.gen.yaml');
  const haveIstioCrds = existsSync(crdFile);
  if (!haveIstioCrds) announceSkip('validate CLI with Istio CRDs');
  it.skipIf(!haveIstioCrds)('runs the schema stage before the webhook and skips the webhook when the schema rejects', async () => {
    const se = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: se }\nspec: { resolution: DNS }\n';
    const r = await run(['--crds', crdFile, '-f', file('se.yaml', se)]);
    expect(r.code).toBe(1);
    // Only the apiserver's message: the webhook is never asked about a schema-invalid object.
    expect(r.stderr).toMatch(/ServiceEntry default\/se is invalid: spec\.hosts: Required value; <nil>: Invalid value: "null": some validation rules were not checked/);
    expect(r.stderr).not.toContain('configuration is invalid');
    const ok = await run(['--crds', crdFile, '-f', file('gw.yaml', GOOD_GATEWAY)]);
    expect(ok.code).toBe(0);
  });
});

describe('cliCacheDir', () => {
  it('is MESH_ADMISSION_CACHE_DIR, else under XDG_CACHE_HOME, else ~/.cache; empty turns the cache off', () => {
    expect(cliCacheDir({ MESH_ADMISSION_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' })).toBe('/c');
    expect(cliCacheDir({ MESH_ADMISSION_CACHE_DIR: '' })).toBeUndefined();
    expect(cliCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/mesh-admission');
    expect(cliCacheDir({})).toBe(join(homedir(), '.cache', 'mesh-admission'));
  });
});
