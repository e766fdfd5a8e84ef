import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { admissionError, describeError } from '../errors.js';
import type { ConfigHolder, OfferResult } from './holder.js';
import type { RawInjectConfig } from './types.js';

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw admissionError('MA300_CONFIG_UNREADABLE', `${what} (${file})`, describeError(e));
  }
}

/**
 * Read a mounted injector ConfigMap directory (`config`, `values`) and an optional mesh file. This is also how
 * the stale-pods CLI computes the hash of a directory, so both agree with what the holder activated.
 */
export function readRawConfigDir(dir: string, meshFile?: string): RawInjectConfig {
  const raw: RawInjectConfig = {
    config: readText(join(dir, 'config'), 'injection config'),
    values: readText(join(dir, 'values'), 'injection values'),
  };
  if (meshFile !== undefined) raw.mesh = readText(meshFile, 'mesh config');
  return raw;
}

export interface DirSourceOptions {
  dir: string;
  meshFile?: string;
  /** Quiet time after the first event before re-reading; Istio waits 100 ms. */
  debounceMs?: number;
  /** Periodic re-read as a safety net for missed inotify events; 0 disables. */
  pollIntervalMs?: number;
  onResult?: (result: OfferResult, source: string) => void;
}

export interface DirSource {
  /** Resolves after the initial read has been offered. */
  readonly initial: Promise<OfferResult>;
  /** Re-read now (used by tests and by a SIGHUP handler). */
  reload(): Promise<OfferResult>;
  close(): void;
}

/**
 * Keep `holder` fed from a mounted ConfigMap directory. Parent directories are watched, not the files, so the
 * kubelet's `..data` symlink swap and editors' rename-over are both seen.
 */
export function watchConfigDir<T>(holder: ConfigHolder<T>, opts: DirSourceOptions): DirSource {
  const debounceMs = opts.debounceMs ?? 100;
  const pollIntervalMs = opts.pollIntervalMs ?? 60_000;
  const source = `dir:${resolve(opts.dir)}`;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const load = async (): Promise<OfferResult> => {
    let raw: RawInjectConfig;
    try {
      raw = readRawConfigDir(opts.dir, opts.meshFile);
    } catch (e) {
      holder.reportFailure(e, source);
      opts.onResult?.('failure', source);
      return 'failure';
    }
    const result = await holder.offer(raw, source);
    opts.onResult?.(result, source);
    return result;
  };

  const schedule = (): void => {
    if (closed || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (!closed) void load();
    }, debounceMs);
  };

  const watchers: FSWatcher[] = [];
  const dirs = new Set([resolve(opts.dir)]);
  if (opts.meshFile !== undefined) dirs.add(dirname(resolve(opts.meshFile)));
  for (const d of dirs) {
    try {
      const w = watch(d, { persistent: false }, () => schedule());
      w.on('error', (e) => holder.reportFailure(e, source));
      watchers.push(w);
    } catch (e) {
      holder.reportFailure(admissionError('MA300_CONFIG_UNREADABLE', d, describeError(e)), source);
    }
  }
  const poll = pollIntervalMs > 0 ? setInterval(schedule, pollIntervalMs) : undefined;
  poll?.unref();

  return {
    initial: load(),
    reload: load,
    close(): void {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (poll !== undefined) clearInterval(poll);
      for (const w of watchers) w.close();
    },
  };
}
