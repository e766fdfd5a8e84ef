import { admissionError } from '../errors.js';
import { apiErrorInfo } from './client.js';
import type { KubeClient, Query, WatchHandle } from './rest.js';
import type { KubernetesObject } from './types.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/**
 * `T` is what a watch event carries; `L` is what a LIST keeps of each item (by default the same object), so a
 * cache that needs a few fields can reduce a large list page by page instead of holding it whole.
 */
export interface ListWatchOptions<T extends KubernetesObject, L = T> {
  kc: KubeClient;
  /** Collection path, e.g. `/api/v1/namespaces/istio-system/configmaps`. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** LIST with the same selectors; the returned resourceVersion is where the watch resumes. */
  list: () => Promise<ListResult<L>>;
  /** The full state after every (re)list: replaces whatever the caller cached. */
  onSync: (items: L[]) => void;
  onEvent: (type: WatchEventType, obj: T) => void;
  onError?: (e: Error) => void;
  backoff?: Backoff;
  /** Server-side watch timeout, so a silently dead connection is replaced even without an error. */
  watchTimeoutSeconds?: number;
}

export interface ListWatchHandle {
  /** Resolves after the first successful LIST. */
  readonly synced: Promise<void>;
  stop(): void;
}

const DEFAULT_BACKOFF: Backoff = { initialMs: 200, maxMs: 30_000 };

/**
 * LIST then WATCH from the list's resourceVersion, forever: a clean close resumes from the last seen version,
 * a 410 Gone (as HTTP status or as an ERROR event) re-lists, and any other failure retries with exponential
 * backoff. An informer that never gives up: one that stops for good on a generic error leaves the cache stale forever.
 */
export function startListWatch<T extends KubernetesObject, L = T>(opts: ListWatchOptions<T, L>): ListWatchHandle {
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  let stopped = false;
  let resourceVersion: string | undefined;
  let controller: WatchHandle | undefined;
  let sleepTimer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let delay = backoff.initialMs;
  let markSynced: () => void = () => undefined;
  const synced = new Promise<void>((r) => (markSynced = r));

  const report = (e: unknown, op: string): void => {
    opts.onError?.(admissionError('MA701_KUBE_API', `${op} ${opts.path}`, apiErrorInfo(e).message));
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((r) => {
      wake = r;
      sleepTimer = setTimeout(r, ms);
    });

  const failed = async (): Promise<void> => {
    await sleep(delay);
    delay = Math.min(delay * 2, backoff.maxMs);
  };

  const watchOnce = (): Promise<'closed' | 'gone' | 'error'> =>
    new Promise((resolve) => {
      let outcome: 'closed' | 'gone' | 'error' = 'closed';
      const params: Query = {
        resourceVersion,
        allowWatchBookmarks: true,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        timeoutSeconds: opts.watchTimeoutSeconds ?? 300,
      };
      opts.kc
        .watch(
          opts.path,
          params,
          (type: string, obj: unknown) => {
            const o = obj as T & { code?: unknown };
            if (type === 'ERROR') {
              outcome = o.code === 410 ? 'gone' : 'error';
              if (outcome === 'error') report(obj, 'watch');
              controller?.abort();
              return;
            }
            const rv = o.metadata?.resourceVersion;
            if (rv) resourceVersion = rv;
            // A healthy stream proves the connection works again.
            delay = backoff.initialMs;
            if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') opts.onEvent(type, o);
          },
          (err: unknown) => {
            if (stopped) return resolve('closed');
            if (err !== null && err !== undefined && outcome === 'closed') {
              const info = apiErrorInfo(err);
              const name = (err as { name?: unknown }).name;
              if (info.code === 410) outcome = 'gone';
              else if (name !== 'AbortError') {
                outcome = 'error';
                report(err, 'watch');
              }
            }
            resolve(outcome);
          },
        )
        .then((c) => {
          controller = c;
          if (stopped) c.abort();
        })
        .catch((e: unknown) => {
          report(e, 'watch');
          resolve('error');
        });
    });

  const loop = async (): Promise<void> => {
    while (!stopped) {
      if (resourceVersion === undefined) {
        try {
          const res = await opts.list();
          if (stopped) return;
          resourceVersion = res.resourceVersion;
          opts.onSync(res.items);
          markSynced();
          delay = backoff.initialMs;
        } catch (e) {
          report(e, 'list');
          await failed();
          continue;
        }
      }
      const started = Date.now();
      const outcome = await watchOnce();
      if (stopped) return;
      if (outcome === 'gone') {
        resourceVersion = undefined;
        continue;
      }
      // A watch that closes instantly over and over (e.g. a proxy cutting streams) must not spin.
      if (outcome === 'error' || Date.now() - started < 1000) await failed();
    }
  };
  void loop();

  return {
    synced,
    stop(): void {
      stopped = true;
      controller?.abort();
      if (sleepTimer !== undefined) clearTimeout(sleepTimer);
      wake?.();
    },
  };
}
