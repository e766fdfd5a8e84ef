import { describe, it, expect } from 'vitest';
import { FakeApiServer, CONFIGMAPS } from '../kube/fake-apiserver.js';
import { ConfigHolder } from '../../src/config/holder.js';
import { watchInjectConfigMaps, type ConfigMapSource } from '../../src/config/configmap-source.js';
import type { RawInjectConfig } from '../../src/config/types.js';
import { until, useFakeApiServer } from '../kube/harness.js';

let fake: FakeApiServer;
let src: ConfigMapSource | undefined;
useFakeApiServer((f) => (fake = f), () => {
  src?.close();
  src = undefined;
});

function build(raw: RawInjectConfig): { policy: string; mesh: string | undefined } {
  const m = /^policy: (\w+)$/m.exec(raw.config);
  if (!m) throw new Error('config has no policy');
  JSON.parse(raw.values);
  return { policy: m[1]!, mesh: raw.mesh };
}


const injector = (policy: string, values = '{}') => ({
  metadata: { name: 'istio-sidecar-injector' },
  data: { config: `policy: ${policy}\n`, values },
});

describe('watchInjectConfigMaps', () => {
  it('loads the injector and mesh ConfigMaps and reloads on edits', async () => {
    fake.put(CONFIGMAPS('istio-system'), injector('enabled'));
    fake.put(CONFIGMAPS('istio-system'), { metadata: { name: 'istio' }, data: { mesh: 'trustDomain: a\n' } });
    fake.put(CONFIGMAPS('istio-system'), { metadata: { name: 'unrelated' }, data: { config: 'x' } });
    const holder = new ConfigHolder({ build });
    src = watchInjectConfigMaps(holder, { kc: fake.kubeConfig(), backoff: { initialMs: 20, maxMs: 100 } });
    expect(await src.initial).toBe('success');
    expect(holder.current().value).toEqual({ policy: 'enabled', mesh: 'trustDomain: a\n' });
    expect(holder.current().source).toBe('configmap:istio-system/istio-sidecar-injector+configmap:istio-system/istio');
    // The watch is scoped to the one object by field selector.
    await until(() => fake.openWatchCount() === 2);
    const watches = fake.requests.filter((r) => r.query.get('watch') === 'true');
    expect(watches.map((w) => w.query.get('fieldSelector')).sort()).toEqual([
      'metadata.name=istio',
      'metadata.name=istio-sidecar-injector',
    ]);

    fake.put(CONFIGMAPS('istio-system'), injector('disabled'));
    await until(() => holder.current().value.policy === 'disabled');
    fake.put(CONFIGMAPS('istio-system'), { metadata: { name: 'istio' }, data: { mesh: 'trustDomain: b\n' } });
    await until(() => holder.current().value.mesh === 'trustDomain: b\n');
  });

  it('keeps the last good config on an invalid edit and on deletion, with warnings', async () => {
    fake.put(CONFIGMAPS('custom'), { ...injector('enabled'), metadata: { name: 'inj' } });
    const holder = new ConfigHolder({ build });
    const warnings: string[] = [];
    src = watchInjectConfigMaps(holder, {
      kc: fake.kubeConfig(),
      inject: { namespace: 'custom', name: 'inj' },
      mesh: false,
      onWarning: (w) => warnings.push(w),
      backoff: { initialMs: 20, maxMs: 100 },
    });
    expect(await src.initial).toBe('success');
    const good = holder.current();
    fake.put(CONFIGMAPS('custom'), { ...injector('disabled', '{bad json'), metadata: { name: 'inj' } });
    await until(() => holder.status().counts.failure === 1);
    expect(holder.current()).toBe(good);
    fake.put(CONFIGMAPS('custom'), { metadata: { name: 'inj' }, data: { config: 'policy: disabled\n' } });
    await until(() => holder.status().counts.failure === 2);
    expect(holder.status().lastError?.message).toMatch(/key "values" is missing/);
    // Not a string (no real API server sends it; a broken proxy might): refused like a missing key, never built.
    fake.put(CONFIGMAPS('custom'), { metadata: { name: 'inj' }, data: { config: { policy: 'disabled' }, values: '{}' } });
    await until(() => holder.status().counts.failure === 3);
    expect(holder.status().lastError?.message).toMatch(/key "config" is missing/);
    expect(holder.current()).toBe(good);
    fake.remove(CONFIGMAPS('custom'), 'inj');
    await until(() => warnings.some((w) => /was deleted; keeping the last good/.test(w)));
    expect(holder.current()).toBe(good);
  });

  it('survives a dropped watch and an expired resourceVersion', async () => {
    fake.put(CONFIGMAPS('istio-system'), injector('enabled'));
    const holder = new ConfigHolder({ build });
    src = watchInjectConfigMaps(holder, { kc: fake.kubeConfig(), mesh: false, backoff: { initialMs: 20, maxMs: 100 } });
    await src.initial;
    await until(() => fake.openWatchCount() === 1);
    fake.destroyWatches();
    fake.put(CONFIGMAPS('istio-system'), injector('disabled'));
    await until(() => holder.current().value.policy === 'disabled');
    await until(() => fake.openWatchCount() === 1);
    fake.destroyWatches();
    fake.put(CONFIGMAPS('istio-system'), injector('enabled', '{"v":2}'));
    fake.compact();
    await until(() => holder.current().value.policy === 'enabled');
  });

  it('ends on the last of 100 rapid edits, activating them in order', async () => {
    fake.put(CONFIGMAPS('istio-system'), injector('enabled', '{"i":0}'));
    const activated: number[] = [];
    const holder = new ConfigHolder({
      build: (raw: RawInjectConfig) => (JSON.parse(raw.values) as { i: number }).i,
      onActivate: (s) => activated.push(s.value),
    });
    src = watchInjectConfigMaps(holder, { kc: fake.kubeConfig(), mesh: false, backoff: { initialMs: 20, maxMs: 100 } });
    await src.initial;
    await until(() => fake.openWatchCount() === 1);
    for (let i = 1; i <= 100; i++) fake.put(CONFIGMAPS('istio-system'), injector('enabled', `{"i":${i}}`));
    await until(() => holder.current().value === 100);
    for (let k = 1; k < activated.length; k++) expect(activated[k]!).toBeGreaterThan(activated[k - 1]!);
    expect(holder.status().counts.failure).toBe(0);
  });

  it('reports a missing ConfigMap at startup, then loads it when created', async () => {
    const holder = new ConfigHolder({ build });
    const warnings: string[] = [];
    src = watchInjectConfigMaps(holder, {
      kc: fake.kubeConfig(),
      mesh: false,
      onWarning: (w) => warnings.push(w),
      backoff: { initialMs: 20, maxMs: 100 },
    });
    expect(await src.initial).toBe('missing');
    expect(warnings[0]).toMatch(/no ConfigMap istio-system\/istio-sidecar-injector found/);
    await until(() => fake.openWatchCount() === 1);
    fake.put(CONFIGMAPS('istio-system'), injector('enabled'));
    await until(() => holder.isLoaded());
  });
});
