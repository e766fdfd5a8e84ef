import { Counter, Gauge, type Registry } from 'prom-client';
import { admissionError, describeError } from '../errors.js';
import { hashRawConfig, type RawInjectConfig } from './types.js';

/** One immutable, activated configuration. Requests keep the object they took even after a reload. */
export interface ConfigSnapshot<T> {
  readonly value: T;
  readonly hash: string;
  readonly source: string;
  readonly loadedAt: Date;
}

export type OfferResult = 'success' | 'failure' | 'unchanged';

export interface ConfigError {
  message: string;
  at: Date;
  source: string;
}

export interface ConfigStatus {
  loaded: boolean;
  hash: string | null;
  source: string | null;
  loadedAt: string | null;
  lastError: { message: string; at: string; source: string } | null;
  counts: Record<OfferResult, number>;
}

export interface ConfigHolderOptions<T, R extends object = RawInjectConfig> {
  build: (raw: R) => Promise<T> | T;
  /** Identity of a raw input (an unchanged input is not rebuilt); required unless R is RawInjectConfig. */
  hash?: (raw: R) => string;
  /** Where `mesh_admission_config_reload_total` is registered; omitted means no metric. */
  registry?: Registry;
  /** Metric names and what they count, for a holder of something other than the injection configuration. */
  metrics?: HolderMetricNames;
  /** Called after every activation, with the new snapshot. */
  onActivate?: (snap: ConfigSnapshot<T>) => void;
}

export interface HolderMetricNames {
  reload: string;
  reloadHelp: string;
  info: string;
  infoHelp: string;
}

const INJECT_METRICS: HolderMetricNames = {
  reload: 'mesh_admission_config_reload_total',
  reloadHelp: 'Injection configuration reload attempts by result (success, failure, unchanged).',
  info: 'mesh_admission_config_info',
  infoHelp: 'The active injection configuration: value 1, labelled with its hash and source.',
};

function reloadCounter(registry: Registry | undefined, names: HolderMetricNames): Counter<'result'> | undefined {
  if (registry === undefined) return undefined;
  const existing = registry.getSingleMetric(names.reload);
  if (existing instanceof Counter) return existing as Counter<'result'>;
  return new Counter({
    name: names.reload,
    help: names.reloadHelp,
    labelNames: ['result'],
    registers: [registry],
  });
}

// One series per holder with the active hash as a label, so a dashboard shows which configuration each replica
// serves and a rollout of a ConfigMap edit can be watched converging.
function infoGauge(registry: Registry | undefined, names: HolderMetricNames): Gauge<'hash' | 'source'> | undefined {
  if (registry === undefined) return undefined;
  const existing = registry.getSingleMetric(names.info);
  if (existing instanceof Gauge) return existing as Gauge<'hash' | 'source'>;
  return new Gauge({
    name: names.info,
    help: names.infoHelp,
    labelNames: ['hash', 'source'],
    registers: [registry],
  });
}

/**
 * Holds the active injection configuration. A candidate is built completely (parse, compile, canary) before it
 * replaces the active one, so a bad edit is rejected whole and the last good configuration keeps serving —
 * unlike Istio, which can pair new templates with old values after a partial failure.
 */
export class ConfigHolder<T, R extends object = RawInjectConfig> {
  private snap: ConfigSnapshot<T> | undefined;
  private lastError: ConfigError | undefined;
  private readonly counts: Record<OfferResult, number> = { success: 0, failure: 0, unchanged: 0 };
  private readonly counter: Counter<'result'> | undefined;
  private readonly info: Gauge<'hash' | 'source'> | undefined;
  private readonly listeners = new Set<(snap: ConfigSnapshot<T>) => void>();
  // Offers run one at a time in arrival order, so a slow build of an older input cannot overwrite a newer one.
  private queue: Promise<unknown> = Promise.resolve();

  private readonly hash: (raw: R) => string;

  constructor(private readonly options: ConfigHolderOptions<T, R>) {
    const names = options.metrics ?? INJECT_METRICS;
    this.counter = reloadCounter(options.registry, names);
    this.info = infoGauge(options.registry, names);
    // The default identity is the injection configuration's; other inputs bring their own.
    this.hash = options.hash ?? ((raw) => hashRawConfig(raw as unknown as RawInjectConfig));
    this.counter?.inc({ result: 'success' }, 0);
    this.counter?.inc({ result: 'failure' }, 0);
    this.counter?.inc({ result: 'unchanged' }, 0);
    if (options.onActivate) this.listeners.add(options.onActivate);
  }

  /** Build `raw` and activate it if the build succeeds. Never throws; the outcome is returned and recorded. */
  offer(raw: R, source: string): Promise<OfferResult> {
    const run = this.queue.then(() => this.doOffer(raw, source));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Record that a source could not even produce raw input (unreadable file, missing ConfigMap key). */
  reportFailure(error: unknown, source: string): void {
    this.recordFailure(describeError(error), source);
  }

  private async doOffer(raw: R, source: string): Promise<OfferResult> {
    const hash = this.hash(raw);
    if (this.snap !== undefined && this.snap.hash === hash) {
      this.count('unchanged');
      return 'unchanged';
    }
    let value: T;
    try {
      value = await this.options.build(Object.freeze({ ...raw }));
    } catch (e) {
      this.recordFailure(describeError(e), source);
      return 'failure';
    }
    const snap: ConfigSnapshot<T> = Object.freeze({ value, hash, source, loadedAt: new Date() });
    const previous = this.snap;
    this.snap = snap;
    if (previous !== undefined) this.info?.remove({ hash: previous.hash, source: previous.source });
    this.info?.set({ hash, source }, 1);
    this.count('success');
    for (const l of this.listeners) {
      try {
        l(snap);
      } catch {
        // A listener's bug must not undo an activation that already happened.
      }
    }
    return 'success';
  }

  private recordFailure(message: string, source: string): void {
    this.lastError = { message, at: new Date(), source };
    this.count('failure');
  }

  private count(result: OfferResult): void {
    this.counts[result]++;
    this.counter?.inc({ result });
  }

  /** True once a configuration has been activated. */
  isLoaded(): boolean {
    return this.snap !== undefined;
  }

  /** The active snapshot. Throws MA300 before the first successful load; check isLoaded() for readiness. */
  current(): ConfigSnapshot<T> {
    if (this.snap === undefined) {
      const why = this.lastError ? this.lastError.message : 'no configuration has been loaded yet';
      throw admissionError('MA300_CONFIG_UNREADABLE', 'injection configuration', why);
    }
    return this.snap;
  }

  /** Subscribe to activations; returns an unsubscribe function. */
  onActivate(listener: (snap: ConfigSnapshot<T>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** JSON-ready view for `GET /debug/config`. */
  status(): ConfigStatus {
    const s = this.snap;
    const e = this.lastError;
    return {
      loaded: s !== undefined,
      hash: s?.hash ?? null,
      source: s?.source ?? null,
      loadedAt: s?.loadedAt.toISOString() ?? null,
      lastError: e ? { message: e.message, at: e.at.toISOString(), source: e.source } : null,
      counts: { ...this.counts },
    };
  }
}
