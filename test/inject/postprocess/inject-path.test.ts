import { describe, expect, it } from 'vitest';
import { overwriteClusterInfo, parseInjectPath } from '../../../src/inject/postprocess/inject-path.js';
import type { Pod } from '../../../src/inject/postprocess/pod.js';

describe('parseInjectPath', () => {
  it.each([
    ['/', {}],
    ['/inject', {}],
    ['/inject/', {}],
    ['/inject/cluster/c1', { ISTIO_META_CLUSTER_ID: 'c1' }],
    ['/inject/cluster/c1/net/n1/', { ISTIO_META_CLUSTER_ID: 'c1', ISTIO_META_NETWORK: 'n1' }],
    ['/inject/cluster/c--slash--1/net/n--slash--1', { ISTIO_META_CLUSTER_ID: 'c/1', ISTIO_META_NETWORK: 'n/1' }],
    ['/inject/cluster/c1/custom_env/foo', { ISTIO_META_CLUSTER_ID: 'c1', CUSTOM_ENV: 'foo' }],
    ['/inject/cluster', {}],
    ['/inject/cluster/c1/network', { ISTIO_META_CLUSTER_ID: 'c1' }],
    ['/inject/:ENV:cluster=c2:ENV:rootpage=/foo/bar', { ISTIO_META_CLUSTER_ID: 'c2', ROOTPAGE: '/foo/bar' }],
    ['/inject/rootpage1/value1/rootpage2/:ENV:abcd=efgh', { ROOTPAGE1: 'value1', ROOTPAGE2: ':ENV:abcd=efgh' }],
    ['/inject/:ENV:rootpage1=efgh:ENV:=abb:ENV:=', { ROOTPAGE1: 'efgh' }],
    ['/inject/:ENV:empty=', { EMPTY: '' }],
    // legacy form keeps --slash-- literally: only the path form unescapes it
    ['/inject/:ENV:x=a--slash--b', { X: 'a--slash--b' }],
    // an empty key maps to an empty env name, which is dropped
    ['/inject//v/net/n', { ISTIO_META_NETWORK: 'n' }],
    // the handler segment itself is not checked
    ['/anything/cluster/c9', { ISTIO_META_CLUSTER_ID: 'c9' }],
  ])('%s', (path, want) => {
    expect(parseInjectPath(path)).toEqual(want);
  });

  it('does not treat prototype names specially', () => {
    expect(parseInjectPath('/inject/constructor/x/toString/y')).toEqual({ CONSTRUCTOR: 'x', TOSTRING: 'y' });
  });
});

describe('overwriteClusterInfo', () => {
  const pod = (): Pod => ({
    metadata: { name: 'p' },
    spec: {
      containers: [
        { name: 'app', env: [{ name: 'ISTIO_META_NETWORK', value: 'app-keeps-this' }] },
        {
          name: 'istio-proxy',
          env: [
            { name: 'ISTIO_META_NETWORK', value: 'from-values' },
            { name: 'A', value: '1' },
            { name: 'ISTIO_META_CLUSTER_ID', valueFrom: { fieldRef: { fieldPath: 'x' } } },
            { name: 'Z', value: '2' },
          ],
        },
      ],
    },
  });

  it('removes the named envs from istio-proxy and appends them sorted by name', () => {
    const input = pod();
    const before = structuredClone(input);
    const out = overwriteClusterInfo(input, { ISTIO_META_NETWORK: 'n1', ISTIO_META_CLUSTER_ID: 'c1', B: 'b' });
    expect(out.spec?.containers?.[1]?.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'Z', value: '2' },
      { name: 'B', value: 'b' },
      { name: 'ISTIO_META_CLUSTER_ID', value: 'c1' },
      { name: 'ISTIO_META_NETWORK', value: 'n1' },
    ]);
    expect(out.spec?.containers?.[0]).toEqual(before.spec?.containers?.[0]);
    expect(input).toEqual(before);
  });

  it('finds a native-sidecar istio-proxy among init containers and creates its env list', () => {
    const out = overwriteClusterInfo(
      { spec: { containers: [{ name: 'app' }], initContainers: [{ name: 'istio-proxy' }] } },
      { ISTIO_META_CLUSTER_ID: 'c1' },
    );
    expect(out.spec?.initContainers?.[0]?.env).toEqual([{ name: 'ISTIO_META_CLUSTER_ID', value: 'c1' }]);
  });

  it('leaves pods without a proxy, and empty env sets, unchanged', () => {
    const noProxy: Pod = { spec: { containers: [{ name: 'app', env: [] }] } };
    expect(overwriteClusterInfo(noProxy, { A: 'b' })).toEqual(noProxy);
    const p = pod();
    expect(overwriteClusterInfo(p, {})).toEqual(p);
  });
});
