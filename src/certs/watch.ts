import { watch, readFileSync, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { admissionError, describeError } from '../errors.js';
import { assertUsablePair } from './generate.js';

export { certExpiry } from './generate.js';

export interface CertKeyPair {
  cert: string;
  key: string;
}

export interface WatchOptions {
  /** Quiet period after the first filesystem event before reading; Istio uses 100 ms. */
  debounceMs?: number;
  /**
   * Re-read on a timer as well, because inotify events are lost on some volume types and when a watched
   * directory itself is replaced. 0 disables polling.
   */
  pollIntervalMs?: number;
}

function readPair(certFile: string, keyFile: string): CertKeyPair {
  let cert: string;
  let key: string;
  try {
    cert = readFileSync(certFile, 'utf8');
  } catch (e) {
    throw admissionError('MA400_CERT_UNREADABLE', certFile, describeError(e));
  }
  try {
    key = readFileSync(keyFile, 'utf8');
  } catch (e) {
    throw admissionError('MA400_CERT_UNREADABLE', keyFile, describeError(e));
  }
  return { cert, key };
}

/**
 * Watch a cert/key pair for replacement. The parent directories are watched rather than the files, because
 * Kubernetes Secret volumes swap a `..data` symlink and editors replace files by rename: a watch on the old
 * inode would go silent. onChange only ever sees a pair that parses and whose key matches the cert, so a
 * rotation observed between the two writes is never loaded.
 */
export function watchCertFiles(
  certFile: string,
  keyFile: string,
  onChange: (pair: CertKeyPair) => void,
  onError: (e: Error) => void,
  options: WatchOptions = {},
): { close(): void } {
  const debounceMs = options.debounceMs ?? 100;
  const pollIntervalMs = options.pollIntervalMs ?? 30_000;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let last: CertKeyPair | undefined;
  try {
    last = readPair(certFile, keyFile);
  } catch {
    last = undefined;
  }

  const check = (): void => {
    timer = undefined;
    if (closed) return;
    let pair: CertKeyPair;
    try {
      pair = readPair(certFile, keyFile);
    } catch (e) {
      onError(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    if (last !== undefined && pair.cert === last.cert && pair.key === last.key) return;
    try {
      assertUsablePair(pair.cert, pair.key);
    } catch (e) {
      // Not remembered as `last`: the next event (the other half of the pair landing) must re-check it.
      onError(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    last = pair;
    onChange(pair);
  };

  const schedule = (): void => {
    if (closed || timer !== undefined) return;
    timer = setTimeout(check, debounceMs);
  };

  const watchers: FSWatcher[] = [];
  for (const dir of new Set([dirname(certFile), dirname(keyFile)])) {
    try {
      const w = watch(dir, { persistent: false }, () => schedule());
      w.on('error', (e) => onError(e));
      watchers.push(w);
    } catch (e) {
      onError(admissionError('MA400_CERT_UNREADABLE', dir, describeError(e)));
    }
  }
  const poll = pollIntervalMs > 0 ? setInterval(schedule, pollIntervalMs) : undefined;
  poll?.unref();

  return {
    close(): void {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (poll !== undefined) clearInterval(poll);
      for (const w of watchers) w.close();
    },
  };
}
