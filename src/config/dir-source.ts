import { lstatSync, readFileSync, realpathSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { admissionError, describeError } from '../errors.js';
import type { ConfigHolder, OfferResult } from './holder.js';
import type { RawInjectConfig } from './types.js';

/** `shown` is the path the operator configured, not the timestamped directory it resolved to. */
function readText(file: string, what: string, shown = file): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw admissionError('MA300_CONFIG_UNREADABLE', `${what} (${shown})`, describeError(e));
  }
}

/** The kubelet's atomic writer points `..data` at the current timestamped directory and swaps it by rename. */
const KUBELET_DATA_LINK = '..data';
/** A swap (and the removal of the old directory) landing between resolving and reading is retried this often. */
const SWAP_RETRIES = 5;

/**
 * The directory a mounted ConfigMap's files really live in right now: `..data` resolved once, so every file
 * read from the result belongs to the same ConfigMap version. A plain directory (no `..data`) is itself.
 * Throws when `..data` exists but cannot be resolved (its target was removed by a swap in between): falling
 * back to the key symlinks then would bring back the torn read this avoids.
 */
function resolveMountedDir(dir: string): string {
  const link = join(dir, KUBELET_DATA_LINK);
  let isLink: boolean;
  try {
    isLink = lstatSync(link).isSymbolicLink();
  } catch {
    return dir;
  }
  return isLink ? realpathSync(link) : dir;
}

/**
 * Read several files of one mounted directory as one version. The kubelet deletes the previous version's
 * directory right after a swap, so a read that fails inside a directory `..data` no longer points to is
 * retried against the new one instead of being reported as a broken configuration.
 */
function readMountedFiles<K extends string>(dir: string, files: Readonly<Record<K, string>>): Record<K, string> {
  for (let attempt = 0; ; attempt++) {
    let version: string;
    try {
      version = resolveMountedDir(dir);
    } catch (e) {
      if (attempt >= SWAP_RETRIES) throw admissionError('MA300_CONFIG_UNREADABLE', join(dir, KUBELET_DATA_LINK), describeError(e));
      continue;
    }
    try {
      const out = {} as Record<K, string>;
      for (const key of Object.keys(files) as K[]) out[key] = readText(join(version, key), files[key], join(dir, key));
      return out;
    } catch (e) {
      if (version === dir || attempt >= SWAP_RETRIES || !versionChanged(dir, version)) throw e;
    }
  }
}

function versionChanged(dir: string, version: string): boolean {
  try {
    return resolveMountedDir(dir) !== version;
  } catch {
    return true;
  }
}

/** One file of a mounted ConfigMap (e.g. the mesh file or the injection policy), read through `..data` once. */
export function readMountedFile(file: string, what: string): string {
  return readMountedFiles(dirname(file), { [basename(file)]: what })[basename(file)]!;
}

/**
 * Read a mounted injector ConfigMap directory (`config`, `values`) and an optional mesh file. `config` and
 * `values` come from one resolved `..data` target, so a swap between the two reads cannot pair one version's
 * templates with another's values. This is also how the stale-pods CLI computes the hash of a directory, so
 * both agree with what the holder activated.
 */
export function readRawConfigDir(dir: string, meshFile?: string): RawInjectConfig {
  const { config, values } = readMountedFiles(dir, { config: 'injection config', values: 'injection values' });
  const raw: RawInjectConfig = { config, values };
  if (meshFile !== undefined) raw.mesh = readMountedFile(meshFile, 'mesh config');
  return raw;
}

/** How a file source watches: shared by the injection configuration and the injection policy. */
export interface WatchTiming {
  /** Quiet time after the first event before re-reading; Istio waits 100 ms. */
  debounceMs?: number;
  /** Periodic re-read as a safety net for missed inotify events; 0 disables. */
  pollIntervalMs?: number;
  onResult?: (result: OfferResult, source: string) => void;
}

export interface DirSourceOptions extends WatchTiming {
  dir: string;
  meshFile?: string;
}

export interface DirSource {
  /** Resolves after the initial read has been offered. */
  readonly initial: Promise<OfferResult>;
  /** Re-read now (used by tests and by a SIGHUP handler). */
  reload(): Promise<OfferResult>;
  close(): void;
}

/**
 * Keep `holder` fed by `read()` whenever something changes in `dirs`. Parent directories are watched, not the
 * files, so the kubelet's `..data` symlink swap and editors' rename-over are both seen. A read that throws is
 * recorded as a failed reload; the holder keeps its last good value.
 */
export function watchFileSource<T, R extends object>(
  holder: ConfigHolder<T, R>,
  source: string,
  dirs: readonly string[],
  read: () => R,
  opts: WatchTiming,
): DirSource {
  const debounceMs = opts.debounceMs ?? 100;
  const pollIntervalMs = opts.pollIntervalMs ?? 60_000;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const load = async (): Promise<OfferResult> => {
    let raw: R;
    try {
      raw = read();
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
  for (const d of new Set(dirs.map((x) => resolve(x)))) {
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

/** Keep `holder` fed from a mounted injector ConfigMap directory (and the mesh file's directory). */
export function watchConfigDir<T>(holder: ConfigHolder<T>, opts: DirSourceOptions): DirSource {
  const dirs = [opts.dir, ...(opts.meshFile !== undefined ? [dirname(opts.meshFile)] : [])];
  return watchFileSource(holder, `dir:${resolve(opts.dir)}`, dirs, () => readRawConfigDir(opts.dir, opts.meshFile), opts);
}
