import { describe, it, expect } from 'vitest';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LIST_MAX_PAGES, listInPages, loadKubeConfig, apiErrorInfo } from '../../src/kube/client.js';
import { testTempDir } from '../tmp.js';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: one
  cluster: {server: 'https://one.example:6443'}
- name: two
  cluster: {server: 'https://two.example:6443'}
users:
- name: u
  user: {token: abc}
contexts:
- name: c1
  context: {cluster: one, user: u}
- name: c2
  context: {cluster: two, user: u}
current-context: c1
`;

describe('loadKubeConfig', () => {
  it('uses explicit server options first', () => {
    const { kc, origin } = loadKubeConfig({ server: 'http://127.0.0.1:1234/', token: 't' }, {});
    expect(origin).toBe('options');
    expect(kc.server).toBe('http://127.0.0.1:1234');
    expect(kc.connection.auth).toEqual({ kind: 'token', token: 't' });
  });

  it('loads an explicit kubeconfig file and context', () => {
    const dir = testTempDir('kc-');
    try {
      const file = join(dir, 'config');
      writeFileSync(file, KUBECONFIG);
      const { kc, origin } = loadKubeConfig({ kubeconfigPath: file, context: 'c2' }, {});
      expect(origin).toBe('file');
      expect(kc.server).toBe('https://two.example:6443');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prefers the in-cluster ServiceAccount over $KUBECONFIG inside a pod', () => {
    const { kc, origin } = loadKubeConfig(
      {},
      { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443', KUBECONFIG: '/elsewhere' },
      () => true,
    );
    expect(origin).toBe('in-cluster');
    expect(kc.server).toBe('https://10.0.0.1:443');
    expect(kc.connection.auth).toEqual({ kind: 'tokenFile', path: '/var/run/secrets/kubernetes.io/serviceaccount/token' });
  });

  it('explains what is wrong instead of crashing', () => {
    expect(() => loadKubeConfig({ server: 'not a url' }, {})).toThrow(
      /cannot configure the Kubernetes client: server "not a url" is not a URL/,
    );
    expect(() => loadKubeConfig({ kubeconfigPath: '/no/such/file' }, {})).toThrow(/does not exist/);
  });

  it('merges a KUBECONFIG list as kubectl does: the first file to name an entry or a current-context wins', () => {
    const dir = testTempDir('kc-');
    try {
      const a = join(dir, 'a');
      const b = join(dir, 'b');
      writeFileSync(a, `clusters: [{name: one, cluster: {server: 'https://first.example'}}]\nusers: [{name: u, user: {username: admin, password: pw}}]\n`);
      writeFileSync(b, `${KUBECONFIG}`.replace('current-context: c1', 'current-context: c2'));
      const { kc, origin } = loadKubeConfig({}, { KUBECONFIG: `${a}:${join(dir, 'missing')}:${b}` });
      expect(origin).toBe('KUBECONFIG');
      expect(kc.server).toBe('https://two.example:6443');
      const one = loadKubeConfig({ context: 'c1' }, { KUBECONFIG: `${a}:${b}` }).kc;
      expect(one.server).toBe('https://first.example');
      expect(one.connection.auth).toEqual({ kind: 'basic', username: 'admin', password: 'pw' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the entry that is wrong in a kubeconfig', () => {
    const dir = testTempDir('kc-');
    try {
      const file = join(dir, 'config');
      const load = (text: string) => {
        writeFileSync(file, text);
        return () => loadKubeConfig({ kubeconfigPath: file }, {});
      };
      expect(load(KUBECONFIG.replace('current-context: c1', 'current-context: nope'))).toThrow(/context "nope" is not in kubeconfig/);
      expect(load(KUBECONFIG.replace("user: {token: abc}", "user: {client-certificate: cert.pem}"))).toThrow(/user "u": cannot read client-certificate .*cert\.pem: ENOENT/);
      expect(load(KUBECONFIG.replace("user: {token: abc}", "user: {auth-provider: {name: gcp}}"))).toThrow(/auth-provider "gcp" is not supported/);
      expect(load(KUBECONFIG.replace("{server: 'https://one.example:6443'}", "{server: 'https://one.example', proxy-url: 'http://p'}"))).toThrow(/cluster "one": proxy-url is not supported/);
      expect(load('clusters: {a: 1}\n')).toThrow(/"clusters" must be a list/);
      expect(load('clusters: [\n')).toThrow(/kubeconfig .*config: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('apiErrorInfo', () => {
  it('extracts Status fields from a JSON body string', () => {
    const e = Object.assign(new Error('HTTP-Code: 409'), {
      code: 409,
      body: JSON.stringify({ kind: 'Status', code: 409, reason: 'AlreadyExists', message: 'secrets "x" already exists' }),
    });
    expect(apiErrorInfo(e)).toEqual({ code: 409, reason: 'AlreadyExists', message: 'secrets "x" already exists' });
  });

  it('falls back to the error message and statusCode', () => {
    const e = Object.assign(new Error('Gone'), { statusCode: 410 });
    expect(apiErrorInfo(e)).toEqual({ code: 410, reason: undefined, message: 'Gone' });
    expect(apiErrorInfo('plain')).toEqual({ code: undefined, reason: undefined, message: 'plain' });
  });
});

describe('listInPages', () => {
  it('follows continue tokens, keeps the first page resourceVersion, and gives up on a list without end', async () => {
    const asked: Array<string | undefined> = [];
    const pages = [
      { items: [1, 2], metadata: { resourceVersion: '7', continue: 'a' } },
      { items: [3], metadata: { resourceVersion: '7', continue: '' } },
    ];
    const got = await listInPages(async (q) => (asked.push(q.continue), pages[asked.length - 1]!), (n: number) => n * 10);
    expect(got).toEqual({ items: [10, 20, 30], resourceVersion: '7' });
    expect(asked).toEqual([undefined, 'a']);
    let calls = 0;
    await expect(listInPages(async () => (calls++, { items: [0], metadata: { continue: 'again' } }), (n: number) => n)).rejects.toThrow(`the list did not end after ${LIST_MAX_PAGES} pages`);
    expect(calls).toBe(LIST_MAX_PAGES);
  });
});
