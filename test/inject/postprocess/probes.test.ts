import { describe, expect, it } from 'vitest';
import {
  applyProbeRewrite,
  dumpAppProbers,
  mergeOrAppendProbers,
  parseAppProbers,
  shouldRewriteAppHTTPProbers,
} from '../../../src/inject/postprocess/probes.js';
import type { Container, Pod } from '../../../src/inject/postprocess/pod.js';

const proxy: Container = { name: 'istio-proxy', env: [{ name: 'X', value: '1' }] };

function podWith(containers: Container[], extra: Partial<Pod> = {}): Pod {
  return { metadata: { name: 'p', annotations: {} }, spec: { containers: [...containers, proxy] }, ...extra };
}

describe('shouldRewriteAppHTTPProbers', () => {
  it('lets a parseable annotation beat the values default', () => {
    expect(shouldRewriteAppHTTPProbers(undefined, true)).toBe(true);
    expect(shouldRewriteAppHTTPProbers({}, false)).toBe(false);
    expect(shouldRewriteAppHTTPProbers({ 'sidecar.istio.io/rewriteAppHTTPProbers': 'false' }, true)).toBe(false);
    expect(shouldRewriteAppHTTPProbers({ 'sidecar.istio.io/rewriteAppHTTPProbers': 'T' }, false)).toBe(true);
    expect(shouldRewriteAppHTTPProbers({ 'sidecar.istio.io/rewriteAppHTTPProbers': 'nope' }, true)).toBe(true);
    expect(shouldRewriteAppHTTPProbers({ 'sidecar.istio.io/rewriteAppHTTPProbers': 'nope' }, false)).toBe(false);
  });
});

describe('dumpAppProbers', () => {
  it('returns undefined when nothing can be taken over', () => {
    expect(dumpAppProbers(podWith([{ name: 'a' }]), 15020)).toBeUndefined();
    expect(dumpAppProbers(podWith([{ name: 'a', readinessProbe: { exec: { command: ['true'] } } }]), 15020)).toBeUndefined();
  });

  it('serialises with sorted keys and Go field order, resolving named ports', () => {
    const pod = podWith([
      {
        name: 'web',
        ports: [{ name: 'http', containerPort: 8080 }],
        livenessProbe: {
          httpGet: { scheme: 'HTTPS', httpHeaders: [{ name: 'h', value: 'v' }], host: 'h.local', port: 'http', path: '/l?a=1&b=<2>' },
          timeoutSeconds: 3,
          periodSeconds: 10,
        },
        readinessProbe: { tcpSocket: { port: 9000 } },
        startupProbe: { grpc: { port: 7000 } },
        lifecycle: { preStop: { httpGet: { port: 'http', path: '/stop' } }, postStart: { tcpSocket: { port: 'http' } } },
      },
    ]);
    expect(dumpAppProbers(pod, 15020)).toBe(
      '{"/app-health/web/livez":{"httpGet":{"path":"/l?a=1\\u0026b=\\u003c2\\u003e","port":8080,"host":"h.local","scheme":"HTTPS","httpHeaders":[{"name":"h","value":"v"}]},"timeoutSeconds":3},' +
        '"/app-health/web/readyz":{"tcpSocket":{"port":9000}},' +
        '"/app-health/web/startupz":{"grpc":{"port":7000,"service":null}},' +
        '"/app-lifecycle/web/poststartz":{"tcpSocket":{"port":8080}},' +
        '"/app-lifecycle/web/prestopz":{"httpGet":{"path":"/stop","port":8080}}}',
    );
  });

  it('drops unresolvable named ports and probes already on the status port, covers init containers, skips the proxy', () => {
    const pod: Pod = {
      spec: {
        initContainers: [{ name: 'init', readinessProbe: { httpGet: { port: 81 } } }],
        containers: [
          { name: 'a', livenessProbe: { httpGet: { port: 'missing' } }, readinessProbe: { httpGet: { port: 15020, path: '/x' } } },
          { name: 'istio-proxy', readinessProbe: { httpGet: { port: 15021, path: '/healthz/ready' } } },
        ],
      },
    };
    expect(dumpAppProbers(pod, 15020)).toBe('{"/app-health/init/readyz":{"httpGet":{"port":81}}}');
  });
});

describe('mergeOrAppendProbers', () => {
  const fresh = '{"/app-health/a/livez":{"httpGet":{"port":1}},"/app-health/b/livez":{"httpGet":{"port":2}}}';

  it('appends on first injection', () => {
    expect(mergeOrAppendProbers(false, [{ name: 'ISTIO_KUBE_APP_PROBERS', value: 'old' }], fresh)).toEqual([
      { name: 'ISTIO_KUBE_APP_PROBERS', value: 'old' },
      { name: 'ISTIO_KUBE_APP_PROBERS', value: fresh },
    ]);
  });

  it('merges on re-injection with the existing entries winning', () => {
    const existing = '{"/app-health/a/livez":{"httpGet":{"path":"/orig","port":"http"},"timeoutSeconds":5},"/app-health/z/readyz":null}';
    const out = mergeOrAppendProbers(true, [{ name: 'A', value: '1' }, { name: 'ISTIO_KUBE_APP_PROBERS', value: existing }], fresh);
    expect(out).toEqual([
      { name: 'A', value: '1' },
      {
        name: 'ISTIO_KUBE_APP_PROBERS',
        value:
          '{"/app-health/a/livez":{"httpGet":{"path":"/orig","port":"http"},"timeoutSeconds":5},"/app-health/b/livez":{"httpGet":{"port":2}},"/app-health/z/readyz":null}',
      },
    ]);
  });

  it('appends on re-injection when there was no env, and keeps an unreadable one untouched', () => {
    expect(mergeOrAppendProbers(true, [], fresh)).toEqual([{ name: 'ISTIO_KUBE_APP_PROBERS', value: fresh }]);
    const bad = [{ name: 'ISTIO_KUBE_APP_PROBERS', value: '[1]' }];
    expect(mergeOrAppendProbers(true, bad, fresh)).toEqual(bad);
    expect(parseAppProbers('{"k":{"timeoutSeconds":"x"}}')).toBeUndefined();
    expect(parseAppProbers('not json')).toBeUndefined();
  });
});

describe('applyProbeRewrite', () => {
  const app: Container = {
    name: 'app',
    ports: [{ name: 'http', containerPort: 8080 }],
    readinessProbe: { httpGet: { port: 'http', path: '/ready', scheme: 'HTTPS' }, periodSeconds: 5 },
    livenessProbe: { tcpSocket: { port: 8080 }, failureThreshold: 2 },
    startupProbe: { grpc: { port: 9000, service: 's' } },
    lifecycle: { preStop: { tcpSocket: { port: 1 } }, postStart: { exec: { command: ['x'] } } },
  };

  it('rewrites probes to the status port, converts TCP/gRPC, downgrades HTTPS, and records the originals', () => {
    const input = podWith([app]);
    const before = structuredClone(input);
    const out = applyProbeRewrite(input, { statusPort: 15020 });
    expect(input).toEqual(before);
    const c = out.spec!.containers![0]!;
    expect(c.readinessProbe).toEqual({ httpGet: { port: 15020, path: '/app-health/app/readyz', scheme: 'HTTP' }, periodSeconds: 5 });
    expect(c.livenessProbe).toEqual({ httpGet: { path: '/app-health/app/livez', port: 15020 }, failureThreshold: 2 });
    expect(c.startupProbe).toEqual({ httpGet: { path: '/app-health/app/startupz', port: 15020 } });
    expect(c.lifecycle).toEqual({
      preStop: { httpGet: { path: '/app-lifecycle/app/prestopz', port: 15020 } },
      postStart: { exec: { command: ['x'] } },
    });
    const env = out.spec!.containers![1]!.env!;
    expect(env[0]).toEqual({ name: 'X', value: '1' });
    expect(env[1]!.name).toBe('ISTIO_KUBE_APP_PROBERS');
    expect(JSON.parse(env[1]!.value!)).toEqual({
      '/app-health/app/readyz': { httpGet: { path: '/ready', port: 8080, scheme: 'HTTPS' } },
      '/app-health/app/livez': { tcpSocket: { port: 8080 } },
      '/app-health/app/startupz': { grpc: { port: 9000, service: 's' } },
      '/app-lifecycle/app/prestopz': { tcpSocket: { port: 1 } },
    });
  });

  it('uses the status-port annotation for the rewrite but the mesh port for the env filter', () => {
    const pod = podWith([{ name: 'a', readinessProbe: { httpGet: { port: 15020 } }, livenessProbe: { httpGet: { port: 80 } } }]);
    pod.metadata!.annotations = { 'status.sidecar.istio.io/port': '15099' };
    const out = applyProbeRewrite(pod, { statusPort: 15020 });
    expect(out.spec!.containers![0]!.readinessProbe).toEqual({ httpGet: { port: 15099, path: '/app-health/a/readyz' } });
    expect(out.spec!.containers![1]!.env![1]!.value).toBe('{"/app-health/a/livez":{"httpGet":{"port":80}}}');
  });

  it('does nothing without istio-proxy or when the switch says no', () => {
    const noProxy: Pod = { spec: { containers: [app] } };
    expect(applyProbeRewrite(noProxy, { statusPort: 15020 })).toEqual(noProxy);
    const off = podWith([app]);
    off.metadata!.annotations = { 'sidecar.istio.io/rewriteAppHTTPProbers': 'false' };
    expect(applyProbeRewrite(off, { statusPort: 15020, rewriteAppHTTPProbe: true })).toEqual(off);
    const valuesOff = podWith([app]);
    expect(applyProbeRewrite(valuesOff, { statusPort: 15020, rewriteAppHTTPProbe: false })).toEqual(valuesOff);
  });

  it('re-injection (status annotation present) merges into the existing env instead of appending', () => {
    const pod: Pod = {
      metadata: { annotations: { 'sidecar.istio.io/status': '{}' } },
      spec: {
        containers: [
          { name: 'a', livenessProbe: { httpGet: { port: 15020, path: '/app-health/a/livez' } }, readinessProbe: { httpGet: { port: 81 } } },
        ],
        initContainers: [
          { name: 'istio-proxy', env: [{ name: 'ISTIO_KUBE_APP_PROBERS', value: '{"/app-health/a/livez":{"httpGet":{"port":80}}}' }] },
        ],
      },
    };
    const out = applyProbeRewrite(pod, { statusPort: 15020 });
    expect(out.spec!.initContainers![0]!.env).toEqual([
      {
        name: 'ISTIO_KUBE_APP_PROBERS',
        value: '{"/app-health/a/livez":{"httpGet":{"port":80}},"/app-health/a/readyz":{"httpGet":{"port":81}}}',
      },
    ]);
    expect(out.spec!.containers![0]!.livenessProbe).toEqual({ httpGet: { port: 15020, path: '/app-health/a/livez' } });
  });
});
