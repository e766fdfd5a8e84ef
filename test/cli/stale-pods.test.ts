import { describe, it, expect } from 'vitest';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { stalePodsCommand, findStalePods, podsFromText } from '../../src/cli/stale-pods.js';
import { hashRawConfig, TEMPLATE_HASH_ANNOTATION } from '../../src/config/types.js';
import { testTempDir } from '../tmp.js';
import { FakeApiServer } from '../kube/fake-apiserver.js';
import { useFakeApiServer } from '../kube/harness.js';

function pod(ns: string, name: string, annotations: Record<string, string>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name, annotations } };
}
const injected = (hash?: string): Record<string, string> => ({
  'sidecar.istio.io/status': '{"containers":["istio-proxy"]}',
  ...(hash !== undefined ? { [TEMPLATE_HASH_ANNOTATION]: hash } : {}),
});

function run(argv: string[], files: Record<string, string> = {}, stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const code = stalePodsCommand(argv, {
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    readFile: (p) => {
      const f = files[p];
      if (f === undefined) throw new Error(`ENOENT: no such file, open '${p}'`);
      return f;
    },
    readStdin: async () => stdin,
  });
  return code.then((c) => ({ code: c, out: out.join(''), err: err.join('') }));
}

const list = JSON.stringify({
  apiVersion: 'v1',
  kind: 'List',
  items: [
    pod('b', 'old', injected('aaaa')),
    pod('a', 'current', injected('cccc')),
    pod('a', 'istiod-injected', injected()),
    pod('a', 'plain', {}),
  ],
});

describe('stale-pods', () => {
  it('lists injected pods whose hash differs, sorted, including pods without a hash', async () => {
    const r = await run(['stale-pods', '-f', 'pods.json', '--current-hash', 'cccc'], { 'pods.json': list });
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+INJECTED-HASH$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/))).toEqual([
      ['a', 'istiod-injected', '<none>'],
      ['b', 'old', 'aaaa'],
    ]);
    expect(r.err).toBe('2 of 4 pods injected with a template other than cccc\n');
  });

  it('computes the current hash from a config dir the same way the holder does', async () => {
    const dir = testTempDir('stale-');
    try {
      writeFileSync(join(dir, 'config'), 'policy: enabled\n');
      writeFileSync(join(dir, 'values'), '{}');
      const h = hashRawConfig({ config: 'policy: enabled\n', values: '{}' });
      const yaml = [pod('x', 'fresh', injected(h)), pod('x', 'stale', injected('0000'))]
        .map((p) => JSON.stringify(p))
        .join('\n---\n');
      const r = await run(['-f', '-', '--inject-config-dir', dir, '-o', 'json', '--fail-if-stale'], {}, yaml);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.out)).toEqual({
        currentHash: h,
        podsChecked: 2,
        stale: [{ namespace: 'x', name: 'stale', hash: '0000' }],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads multi-document YAML with nested lists', () => {
    const text = `apiVersion: v1
kind: PodList
items:
- kind: Pod
  metadata: {name: p1, namespace: n}
---
kind: Pod
metadata:
  name: p2
---
kind: Deployment
metadata: {name: d}
`;
    expect(podsFromText(text, 'f').map((p) => (p['metadata'] as { name: string }).name)).toEqual(['p1', 'p2']);
    expect(findStalePods(podsFromText(text, 'f'), 'h')).toEqual([]);
  });

  it('fails with usage errors and unreadable inputs, exit code 2', async () => {
    expect((await run(['-f', 'x'])).err).toMatch(/usage: give exactly one of --current-hash or --inject-config-dir/);
    expect((await run(['--current-hash', 'h'])).err).toMatch(/usage: -f is required/);
    expect((await run(['-f', 'x', '--current-hash', 'h', '--bogus'])).err).toMatch(/unknown argument "--bogus"/);
    const missing = await run(['-f', 'nope.yaml', '--current-hash', 'h']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read nope\.yaml: ENOENT/);
    const bad = await run(['-f', 'bad.yaml', '--current-hash', 'h'], { 'bad.yaml': 'a: [1, 2\n' });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/cannot read bad\.yaml/);
    const noDir = await run(['-f', 'x', '--inject-config-dir', '/nonexistent-dir']);
    expect(noDir.err).toMatch(/cannot read injection config/);
  });
});

describe('stale-pods --from-cluster (against the fake API server)', () => {
  let fake: FakeApiServer;
  useFakeApiServer((f) => (fake = f));

  it('lists the pods through the API and reports the stale ones', async () => {
    const pod = (ns: string, name: string, hash?: string) => ({
      metadata: { name, annotations: { 'sidecar.istio.io/status': '{}', ...(hash ? { 'mesh-admission.io/template-hash': hash } : {}) } },
    });
    fake.put('/api/v1/namespaces/shop/pods', pod('shop', 'fresh', 'h-now'));
    fake.put('/api/v1/namespaces/shop/pods', pod('shop', 'old', 'h-old'));
    fake.put('/api/v1/namespaces/blog/pods', pod('blog', 'istiod-injected'));
    const kubeconfig = join(testTempDir('kc-'), 'config');
    writeFileSync(kubeconfig, fake.kubeconfigYaml());
    const run = async (...extra: string[]) => {
      let out = '';
      let err = '';
      const code = await stalePodsCommand(['--from-cluster', '--kubeconfig', kubeconfig, '--current-hash', 'h-now', ...extra], {
        stdout: (s) => (out += s),
        stderr: (s) => (err += s),
        readFile: () => '',
        readStdin: async () => '',
      });
      return { code, out, err };
    };
    const all = await run('-o', 'json');
    expect(all.code).toBe(0);
    const parsed = JSON.parse(all.out) as { podsChecked: number; stale: Array<{ namespace: string; name: string; hash: string | null }> };
    expect(parsed.podsChecked).toBe(3);
    expect(parsed.stale).toEqual([
      { namespace: 'blog', name: 'istiod-injected', hash: null },
      { namespace: 'shop', name: 'old', hash: 'h-old' },
    ]);
    const one = await run('-n', 'shop', '--fail-if-stale');
    expect(one.code).toBe(1);
    expect(one.out).toContain('old');
    expect(one.out).not.toContain('istiod-injected');
  });
});
