import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { testTempDir } from '../tmp.js';

const ROOT = resolve(import.meta.dirname, '../..');
const VERBS = ['kube-inject', 'explain', 'validate', 'render-template', 'precheck', 'stale-pods'];

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    readFile: () => {
      throw new Error('no files in this test');
    },
    readStdin: async () => '',
  });
  return { code, out, err };
}

describe('one usage style', () => {
  it.each(VERBS)('%s --help and -h print "usage: mesh-admission <verb>" on stdout and exit 0', async (verb) => {
    for (const flag of ['--help', '-h']) {
      const r = await cli([verb, flag]);
      expect(r.code, `${verb} ${flag}: ${r.err}`).toBe(0);
      expect(r.out.startsWith(`usage: mesh-admission ${verb} `)).toBe(true);
      expect(r.err).toBe('');
    }
  });
  it.each(VERBS)('%s with an unknown flag exits 2 and says which', async (verb) => {
    const r = await cli([verb, '--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--no-such-flag/);
  });
  it('the top-level usage lists every verb', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const verb of VERBS) expect(r.out).toContain(`  ${verb} `);
  });
});

/** The compiled command, as `mesh-admission` and `npm run cli` run it (built by `npm ci`'s prepare). */
describe('the compiled bin', () => {
  const bin = join(ROOT, 'dist/cli/bin.js');
  let user = '';
  beforeAll(() => {
    // A no-op when dist/ is current; builds it otherwise (fresh worktrees, edited sources).
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-if-stale.mjs')], { cwd: ROOT, stdio: 'pipe' });
    user = testTempDir('cli-bin-');
    writeFileSync(join(user, 'vs.yaml'), 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec: {hosts: [a]}\n');
  }, 120_000);
  /** The test's environment without npm's variables (vitest may itself run under `npm test`), plus `extra`. */
  const env = (extra: Record<string, string>): NodeJS.ProcessEnv => {
    const { npm_lifecycle_event: _event, INIT_CWD: _init, ...rest } = process.env;
    return { ...rest, ...extra };
  };

  it('resolves -f against the caller\'s working directory', () => {
    const r = spawnSync(process.execPath, [bin, 'validate', '--webhook-only', '-f', 'vs.yaml'], { cwd: user, env: env({}), encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Error: vs.yaml: VirtualService default/x is invalid');
  });
  it('under `npm run cli` (cwd = project root) resolves -f against INIT_CWD, the folder npm was called from', () => {
    const r = spawnSync(process.execPath, [bin, 'validate', '--webhook-only', '-f', 'vs.yaml'], {
      cwd: ROOT,
      env: env({ npm_lifecycle_event: 'cli', INIT_CWD: user }),
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Error: vs.yaml: VirtualService default/x is invalid');
  });
  it('finds the packaged templates from any folder (kube-inject without --injectConfigFile)', () => {
    writeFileSync(join(user, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec: {containers: [{name: app, image: nginx}]}\n');
    const r = spawnSync(process.execPath, [bin, 'kube-inject', '-f', 'pod.yaml'], { cwd: user, env: env({}), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('istio-proxy');
  });
});
