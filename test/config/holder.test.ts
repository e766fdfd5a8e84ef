import { describe, it, expect } from 'vitest';
import { Registry } from 'prom-client';
import { ConfigHolder, type ConfigSnapshot } from '../../src/config/holder.js';
import { hashRawConfig, type RawInjectConfig } from '../../src/config/types.js';
import { AdmissionError } from '../../src/errors.js';

interface Built {
  policy: string;
  n: number;
}

/** A stand-in for the lead's build: parse values JSON, require a policy line, fail on the word "broken". */
function build(raw: RawInjectConfig): Built {
  if (raw.config.includes('broken')) throw new Error('template "sidecar": unexpected EOF');
  const m = /^policy: (\w+)$/m.exec(raw.config);
  if (!m) throw new Error('config has no policy');
  const values = JSON.parse(raw.values) as { n?: unknown };
  return { policy: m[1]!, n: typeof values.n === 'number' ? values.n : -1 };
}

const raw = (policy: string, n: number): RawInjectConfig => ({ config: `policy: ${policy}\n`, values: `{"n": ${n}}` });

async function metricValues(reg: Registry): Promise<Record<string, number>> {
  const m = await reg.getSingleMetric('mesh_admission_config_reload_total')!.get();
  return Object.fromEntries(m.values.map((v) => [String(v.labels.result), v.value]));
}

describe('hashRawConfig', () => {
  it('is short hex, stable, and sensitive to where bytes sit', () => {
    const h = hashRawConfig({ config: 'ab', values: 'c' });
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(hashRawConfig({ config: 'ab', values: 'c' })).toBe(h);
    expect(hashRawConfig({ config: 'a', values: 'bc' })).not.toBe(h);
    expect(hashRawConfig({ config: 'ab', values: 'c', mesh: '' })).not.toBe(h);
  });
});

describe('ConfigHolder', () => {
  it('refuses current() before any load with a catalogue error', () => {
    const holder = new ConfigHolder<Built>({ build });
    expect(holder.isLoaded()).toBe(false);
    expect(() => holder.current()).toThrow(AdmissionError);
    expect(holder.status()).toMatchObject({ loaded: false, hash: null, lastError: null });
  });

  it('activates a good config and reports it', async () => {
    const reg = new Registry();
    const holder = new ConfigHolder<Built>({ build, registry: reg });
    expect(await holder.offer(raw('enabled', 1), 'configmap:istio-system/x')).toBe('success');
    const cur = holder.current();
    expect(cur.value).toEqual({ policy: 'enabled', n: 1 });
    expect(cur.hash).toBe(hashRawConfig(raw('enabled', 1)));
    expect(cur.source).toBe('configmap:istio-system/x');
    expect(Object.isFrozen(cur)).toBe(true);
    expect(await metricValues(reg)).toEqual({ success: 1, failure: 0, unchanged: 0 });
  });

  it('keeps the last good config when a new one fails to build, and reports the error', async () => {
    const reg = new Registry();
    const holder = new ConfigHolder<Built>({ build, registry: reg });
    await holder.offer(raw('enabled', 1), 'a');
    const good = holder.current();
    const result = await holder.offer({ config: 'policy: enabled\nbroken', values: '{}' }, 'b');
    expect(result).toBe('failure');
    expect(holder.current()).toBe(good);
    const st = holder.status();
    expect(st.hash).toBe(good.hash);
    expect(st.lastError?.message).toBe('template "sidecar": unexpected EOF');
    expect(st.lastError?.source).toBe('b');
    expect(st.counts).toEqual({ success: 1, failure: 1, unchanged: 0 });
    // Invalid values are rejected whole too: no new templates paired with old values.
    expect(await holder.offer({ config: 'policy: disabled\n', values: '{not json' }, 'c')).toBe('failure');
    expect(holder.current().value.policy).toBe('enabled');
    expect(await metricValues(reg)).toEqual({ success: 1, failure: 2, unchanged: 0 });
  });

  it('does not rebuild identical input', async () => {
    let builds = 0;
    const holder = new ConfigHolder<Built>({ build: (r) => (builds++, build(r)) });
    await holder.offer(raw('enabled', 1), 'a');
    expect(await holder.offer(raw('enabled', 1), 'a')).toBe('unchanged');
    expect(builds).toBe(1);
    expect(holder.status().counts.unchanged).toBe(1);
  });

  it('applies offers in arrival order even when an older build is slower', async () => {
    const holder = new ConfigHolder<Built>({
      build: async (r) => {
        const b = build(r);
        await new Promise((res) => setTimeout(res, b.n === 1 ? 60 : 1));
        return b;
      },
    });
    const first = holder.offer(raw('enabled', 1), 'slow');
    const second = holder.offer(raw('enabled', 2), 'fast');
    await Promise.all([first, second]);
    expect(holder.current().value.n).toBe(2);
  });

  it('leaves snapshots already taken untouched by later reloads', async () => {
    const holder = new ConfigHolder<Built>({ build });
    await holder.offer(raw('enabled', 1), 'a');
    const taken = holder.current();
    await holder.offer(raw('disabled', 2), 'b');
    expect(taken.value).toEqual({ policy: 'enabled', n: 1 });
    expect(taken.source).toBe('a');
    expect(holder.current().value).toEqual({ policy: 'disabled', n: 2 });
  });

  it('notifies listeners on activation only', async () => {
    const seen: string[] = [];
    const holder = new ConfigHolder<Built>({ build });
    const off = holder.onActivate((s) => seen.push(s.source));
    await holder.offer(raw('enabled', 1), 'a');
    await holder.offer({ config: 'broken', values: '{}' }, 'b');
    await holder.offer(raw('enabled', 1), 'c');
    off();
    await holder.offer(raw('enabled', 3), 'd');
    expect(seen).toEqual(['a']);
  });

  it('loses nothing across 100 reloads while readers keep calling current()', async () => {
    const reg = new Registry();
    const holder = new ConfigHolder<Built>({
      build: async (r) => {
        await new Promise((res) => setImmediate(res));
        return build(r);
      },
      registry: reg,
    });
    await holder.offer(raw('enabled', 0), 'init');
    let stop = false;
    const observed: ConfigSnapshot<Built>[] = [];
    const reader = (async () => {
      while (!stop) {
        const s = holder.current();
        // Every snapshot must be internally consistent: the hash is the hash of the inputs that built the value.
        expect(s.hash).toBe(hashRawConfig(raw('enabled', s.value.n)));
        observed.push(s);
        await new Promise((res) => setImmediate(res));
      }
    })();
    const results = [];
    for (let i = 1; i <= 100; i++) results.push(await holder.offer(raw('enabled', i), `reload-${i}`));
    stop = true;
    await reader;
    expect(results.every((r) => r === 'success')).toBe(true);
    expect(holder.current().value.n).toBe(100);
    const ns = observed.map((s) => s.value.n);
    expect(ns.length).toBeGreaterThan(50);
    for (let i = 1; i < ns.length; i++) expect(ns[i]!).toBeGreaterThanOrEqual(ns[i - 1]!);
    expect(await metricValues(reg)).toEqual({ success: 101, failure: 0, unchanged: 0 });
  });

  it('exports the active hash as an info metric, replacing the previous series', async () => {
    const reg = new Registry();
    const holder = new ConfigHolder<Built>({ build, registry: reg });
    await holder.offer(raw('enabled', 1), 'a');
    await holder.offer(raw('enabled', 2), 'b');
    await holder.offer({ config: 'broken', values: '{}' }, 'c');
    const info = await reg.getSingleMetric('mesh_admission_config_info')!.get();
    expect(info.values).toEqual([{ value: 1, labels: { hash: hashRawConfig(raw('enabled', 2)), source: 'b' } }]);
  });

  it('shares one counter between holders on the same registry', async () => {
    const reg = new Registry();
    const a = new ConfigHolder<Built>({ build, registry: reg });
    const b = new ConfigHolder<Built>({ build, registry: reg });
    await a.offer(raw('enabled', 1), 'a');
    await b.offer(raw('enabled', 2), 'b');
    expect((await metricValues(reg)).success).toBe(2);
  });
});
