import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { watchInjectionPolicy } from '../../src/config/policy-source.js';
import { until } from '../kube/harness.js';
import { testTempDir } from '../tmp.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function tempDir(): string {
  const d = testTempDir('policy-src-');
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

async function metricValue(registry: Registry, result: string): Promise<number> {
  const text = await registry.metrics();
  const m = new RegExp(`^mesh_admission_policy_reload_total\\{result="${result}"\\} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : -1;
}

describe('watchInjectionPolicy', () => {
  it('loads the file, reloads edits, keeps the last good policy when an edit is invalid, and counts each outcome', async () => {
    const d = tempDir();
    const file = join(d, 'policy.yaml');
    writeFileSync(file, 'denyPrivilegedProxy: true\n');
    const registry = new Registry();
    const results: string[] = [];
    const src = watchInjectionPolicy({ file, registry, debounceMs: 20, pollIntervalMs: 0, onResult: (r) => results.push(r) });
    cleanups.push(() => src.close());
    expect(await src.initial).toBe('success');
    expect(src.holder.current().value.rules.denyPrivilegedProxy).toBe(true);

    writeFileSync(file, 'denyPrivilegedProxy: true\nmaxProxyResources: {memory: 2Gi}\n');
    await until(() => src.holder.current().value.rules.maxProxyResources !== undefined);
    const good = src.holder.current();

    writeFileSync(file, 'denyPrivilegedProxy: yes please\n');
    await until(() => src.holder.status().lastError !== null);
    expect(src.holder.current()).toBe(good);
    expect(src.holder.status().lastError?.message).toBe(`invalid injection policy ${file}: denyPrivilegedProxy: must be true or false`);
    expect(await src.reload()).toBe('failure');
    expect(src.holder.current()).toBe(good);

    expect(await metricValue(registry, 'success')).toBe(2);
    expect(await metricValue(registry, 'failure')).toBeGreaterThanOrEqual(2);
    expect(results).toContain('failure');
    // The injection configuration's own counter is not touched.
    expect(await registry.metrics()).not.toContain('mesh_admission_config_reload_total');
    expect(await registry.metrics()).toMatch(/^mesh_admission_policy_info\{hash="[0-9a-f]{16}",source="file:.*policy.yaml"\} 1$/m);
  });

  it('follows a mounted ConfigMap (key policy) across ..data swaps', async () => {
    const d = tempDir();
    const write = (gen: number, text: string): void => {
      mkdirSync(join(d, `..gen_${gen}`));
      writeFileSync(join(d, `..gen_${gen}`, 'policy'), text);
      symlinkSync(`..gen_${gen}`, join(d, '..data_tmp'));
      renameSync(join(d, '..data_tmp'), join(d, '..data'));
      if (gen === 1) symlinkSync(join('..data', 'policy'), join(d, 'policy'));
    };
    write(1, 'denyHostPathUserVolumes: true\n');
    const src = watchInjectionPolicy({ file: join(d, 'policy'), debounceMs: 20, pollIntervalMs: 0 });
    cleanups.push(() => src.close());
    await src.initial;
    expect(src.holder.current().value.rules.denyHostPathUserVolumes).toBe(true);
    write(2, 'denyHostPathUserVolumes: false\n');
    await until(() => src.holder.current().value.rules.denyHostPathUserVolumes === false);
  });

  it('reports a missing file as a failure, not a crash', async () => {
    const d = tempDir();
    const src = watchInjectionPolicy({ file: join(d, 'absent.yaml'), debounceMs: 20, pollIntervalMs: 0 });
    cleanups.push(() => src.close());
    expect(await src.initial).toBe('failure');
    expect(src.holder.isLoaded()).toBe(false);
    expect(src.holder.status().lastError?.message).toMatch(/cannot read injection policy/);
  });
});
