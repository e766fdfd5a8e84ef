import { describe, it, expect, afterEach } from 'vitest';
import { writeFileSync, mkdirSync, symlinkSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
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

/**
 * Kubernetes' atomic writer, run in a worker thread so its swaps really interleave with the reader's
 * synchronous reads: each version goes into a fresh `..<timestamp>` directory, `..data_tmp` is pointed at it
 * and renamed over `..data`, the user-visible `config`/`values` symlinks go through `..data`, and the previous
 * version's directory is removed. Version N holds marker N in both files. It swaps every `periodMs` until
 * told to stop and counts its swaps in `shared[0]`.
 */
const ATOMIC_WRITER = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const { dir, periodMs, shared } = workerData;
const state = new Int32Array(shared);
let previous;
for (let n = 1; Atomics.load(state, 1) === 0; n++) {
  const now = new Date();
  const stamp = '..' + now.toISOString().slice(0, 19).replace(/[-:T]/g, '_') + '.' + String(n).padStart(9, '0');
  const version = path.join(dir, stamp);
  fs.mkdirSync(version);
  fs.writeFileSync(path.join(version, 'config'), 'policy: enabled\\n# version ' + n + '\\n');
  fs.writeFileSync(path.join(version, 'values'), JSON.stringify({ version: n }));
  fs.symlinkSync(stamp, path.join(dir, '..data_tmp'));
  fs.renameSync(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
  for (const key of ['config', 'values']) {
    try { fs.symlinkSync(path.join('..data', key), path.join(dir, key)); } catch {}
  }
  if (previous) fs.rmSync(previous, { recursive: true, force: true });
  previous = version;
  Atomics.store(state, 0, n);
  Atomics.wait(state, 1, 0, periodMs);
}
`;

describe('atomic reloads through ..data', () => {
  function startWriter(dir: string, periodMs: number): { swaps: () => number; stop: () => Promise<void> } {
    const shared = new SharedArrayBuffer(8);
    const state = new Int32Array(shared);
    const worker = new Worker(ATOMIC_WRITER, { eval: true, workerData: { dir, periodMs, shared } });
    const exited = new Promise<void>((res) => worker.once('exit', () => res()));
    cleanups.push(() => {
      Atomics.store(state, 1, 1);
      Atomics.notify(state, 1);
    });
    return {
      swaps: () => Atomics.load(state, 0),
      stop: async () => {
        Atomics.store(state, 1, 1);
        Atomics.notify(state, 1);
        await exited;
      },
    };
  }

  /** Both markers of one read; a torn read shows two different numbers. */
  function markers(raw: RawInjectConfig): { config: number; values: number } {
    const m = /# version (\d+)/.exec(raw.config);
    return { config: m ? Number(m[1]) : -1, values: (JSON.parse(raw.values) as { version: number }).version };
  }

  it('reads config and values of one version while the kubelet swaps ..data every 2 ms', async () => {
    const d = tempDir();
    const writer = startWriter(d, 2);
    await until(() => writer.swaps() >= 1);
    const torn: string[] = [];
    let reads = 0;
    const target = writer.swaps() + 400;
    // Both bounds: enough swaps to race with, and enough reads even when this thread is the slow one.
    while (writer.swaps() < target || reads < 2000) {
      const m = markers(readRawConfigDir(d));
      reads++;
      if (m.config !== m.values) torn.push(`config ${m.config} with values ${m.values}`);
      // Let the writer's thread run even on one free core.
      if (reads % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await writer.stop();
    expect(torn).toEqual([]);
  });

  it('activates only configurations some version held, through the watcher and forced reloads', async () => {
    const d = tempDir();
    const writer = startWriter(d, 3);
    await until(() => writer.swaps() >= 1);
    const activated: Array<{ config: number; values: number }> = [];
    const holder = new ConfigHolder({ build: markers, onActivate: (snap) => activated.push(snap.value) });
    const src = watchConfigDir(holder, { dir: d, debounceMs: 1, pollIntervalMs: 0 });
    cleanups.push(() => src.close());
    await src.initial;
    const target = writer.swaps() + 300;
    while (writer.swaps() < target) await src.reload();
    await writer.stop();
    await src.reload();
    const mixed = activated.filter((p) => p.config !== p.values);
    expect(mixed).toEqual([]);
    expect(activated.length).toBeGreaterThan(50);
    // A version's directory vanishing under a read is retried, never reported as a broken configuration.
    expect(holder.status().counts.failure).toBe(0);
    expect(holder.current().value.config).toBe(writer.swaps());
  });
});
