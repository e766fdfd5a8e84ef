import { describe, it, expect, afterEach } from 'vitest';
import { writeFileSync, mkdirSync, symlinkSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigHolder } from '../../src/config/holder.js';
import { readRawConfigDir, watchConfigDir } from '../../src/config/dir-source.js';
import type { RawInjectConfig } from '../../src/config/types.js';
import { until as waitUntil } from '../kube/harness.js';
import { testTempDir } from '../tmp.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function tempDir(): string {
  const d = testTempDir('cfgdir-');
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** The kubelet's ConfigMap volume layout: each key is a symlink through `..data`, swapped atomically. */
function kubeletWrite(dir: string, files: Record<string, string>, gen: number): void {
  const stamp = `..gen_${gen}`;
  mkdirSync(join(dir, stamp));
  for (const [k, v] of Object.entries(files)) writeFileSync(join(dir, stamp, k), v);
  symlinkSync(stamp, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const k of Object.keys(files)) {
    try {
      symlinkSync(join('..data', k), join(dir, k));
    } catch {
      // exists from a previous generation
    }
  }
}

function build(raw: RawInjectConfig): { policy: string; mesh: string | undefined } {
  const m = /^policy: (\w+)$/m.exec(raw.config);
  if (!m) throw new Error('config has no policy');
  JSON.parse(raw.values);
  return { policy: m[1]!, mesh: raw.mesh };
}

const until = (pred: () => boolean): Promise<void> => waitUntil(pred, 3000, 15);

describe('readRawConfigDir', () => {
  it('reads config, values and the optional mesh file', () => {
    const d = tempDir();
    writeFileSync(join(d, 'config'), 'policy: enabled\n');
    writeFileSync(join(d, 'values'), '{}');
    writeFileSync(join(d, 'mesh.yaml'), 'trustDomain: x\n');
    expect(readRawConfigDir(d)).toEqual({ config: 'policy: enabled\n', values: '{}' });
    expect(readRawConfigDir(d, join(d, 'mesh.yaml')).mesh).toBe('trustDomain: x\n');
  });

  it('names the missing file', () => {
    const d = tempDir();
    writeFileSync(join(d, 'config'), 'policy: enabled\n');
    expect(() => readRawConfigDir(d)).toThrow(/cannot read injection values \(.*values\)/);
  });
});

describe('watchConfigDir', () => {
  it('loads at start and reloads across ..data symlink swaps', async () => {
    const d = tempDir();
    kubeletWrite(d, { config: 'policy: enabled\n', values: '{}' }, 1);
    const holder = new ConfigHolder({ build });
    const src = watchConfigDir(holder, { dir: d, debounceMs: 30 });
    cleanups.push(() => src.close());
    expect(await src.initial).toBe('success');
    expect(holder.current().value.policy).toBe('enabled');
    expect(holder.current().source).toBe(`dir:${d}`);

    kubeletWrite(d, { config: 'policy: disabled\n', values: '{}' }, 2);
    await until(() => holder.current().value.policy === 'disabled');
    kubeletWrite(d, { config: 'policy: enabled\n', values: '{"x":1}' }, 3);
    await until(() => holder.current().value.policy === 'enabled');
    expect(holder.status().counts.success).toBe(3);
  });

  it('keeps the old config when the directory receives an invalid one, and reports why', async () => {
    const d = tempDir();
    kubeletWrite(d, { config: 'policy: enabled\n', values: '{}' }, 1);
    const holder = new ConfigHolder({ build });
    const src = watchConfigDir(holder, { dir: d, debounceMs: 20 });
    cleanups.push(() => src.close());
    await src.initial;
    const good = holder.current();
    kubeletWrite(d, { config: 'policy: disabled\n', values: '{oops' }, 2);
    await until(() => holder.status().lastError !== null);
    expect(holder.current()).toBe(good);
    expect(holder.status().lastError?.message).toMatch(/JSON/);
  });

  it('watches the mesh file too', async () => {
    const d = tempDir();
    const meshDir = join(d, 'mesh');
    mkdirSync(meshDir);
    const inject = join(d, 'inject');
    mkdirSync(inject);
    writeFileSync(join(inject, 'config'), 'policy: enabled\n');
    writeFileSync(join(inject, 'values'), '{}');
    kubeletWrite(meshDir, { mesh: 'a: 1\n' }, 1);
    const holder = new ConfigHolder({ build });
    const src = watchConfigDir(holder, { dir: inject, meshFile: join(meshDir, 'mesh'), debounceMs: 20 });
    cleanups.push(() => src.close());
    await src.initial;
    expect(holder.current().value.mesh).toBe('a: 1\n');
    kubeletWrite(meshDir, { mesh: 'a: 2\n' }, 2);
    await until(() => holder.current().value.mesh === 'a: 2\n');
  });

  it('records an unreadable directory as a failure without crashing', async () => {
    const d = tempDir();
    const holder = new ConfigHolder({ build });
    const src = watchConfigDir(holder, { dir: d, debounceMs: 20 });
    cleanups.push(() => src.close());
    expect(await src.initial).toBe('failure');
    expect(holder.status().lastError?.message).toMatch(/cannot read injection config/);
    writeFileSync(join(d, 'values'), '{}');
    writeFileSync(join(d, 'config'), 'policy: enabled\n');
    await until(() => holder.isLoaded());
  });
});
