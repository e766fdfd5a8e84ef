import { describe, it, expect } from 'vitest';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadKubeConfig, apiErrorInfo } from '../../src/kube/client.js';
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
    expect(kc.getCurrentCluster()?.server).toBe('http://127.0.0.1:1234');
    expect(kc.getCurrentUser()?.token).toBe('t');
  });

  it('loads an explicit kubeconfig file and context', () => {
    const dir = testTempDir('kc-');
    try {
      const file = join(dir, 'config');
      writeFileSync(file, KUBECONFIG);
      const { kc, origin } = loadKubeConfig({ kubeconfigPath: file, context: 'c2' }, {});
      expect(origin).toBe('file');
      expect(kc.getCurrentCluster()?.server).toBe('https://two.example:6443');
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
    expect(kc.getCurrentCluster()?.server).toBe('https://10.0.0.1:443');
  });

  it('explains what is wrong instead of crashing', () => {
    expect(() => loadKubeConfig({ server: 'not a url' }, {})).toThrow(
      /cannot configure the Kubernetes client: server "not a url" is not a URL/,
    );
    expect(() => loadKubeConfig({ kubeconfigPath: '/no/such/file' }, {})).toThrow(/does not exist/);
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
