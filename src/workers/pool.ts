/**
 * A pool of admission worker threads: the HTTP thread reads bodies and answers health checks, the
 * workers compute admissions, so one process uses every CPU it is given.
 *
 * Reloads are two-phase: `prepare` sends the raw configuration to every worker and waits until each has
 * compiled it; `activate` then makes it the generation new requests are tagged with. A request is answered
 * with exactly the generation it was tagged with, so no worker answers from an older configuration once
 * the reload has been acknowledged.
 *
 * A request that takes longer than the deadline fails with MA320 and its worker is terminated and
 * replaced; requests queued behind it are handed to the replacement. A configuration is bounded the same
 * way: one that no worker has compiled and canary-checked within the configuration deadline (a template
 * that never ends on the canary pod), or that a worker dies loading, is refused and never goes live.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AdmissionAnswer, WebhookKind } from '../admission/answer.js';
import type { RawInjectConfig } from '../config/types.js';
import { AdmissionError, ERROR_CATALOGUE, admissionError, describeError } from '../errors.js';
import type { CacheState, EngineFeatures } from './engines.js';
import type { ConfigGeneration, ConfigRefusal, FromWorker, ToWorker, WorkerInit } from './protocol.js';

/** Below the API server's default webhook timeout (10 s), so it gets our error rather than its own. */
export const DEFAULT_WORKER_DEADLINE_MS = 9000;

/** Compiling Istio's templates and injecting the canary takes well under a second; this is for the stuck ones. */
export const DEFAULT_CONFIG_DEADLINE_MS = 20_000;

export interface WorkerPoolOptions {
  size: number;
  features: EngineFeatures;
  deadlineMs?: number;
  /** How long every worker gets to compile and canary-check a configuration before it is refused. */
  configDeadlineMs?: number;
  /** Told about replaced workers and configuration failures. */
  onEvent?: (level: 'warn' | 'error', message: string, detail: Record<string, unknown>) => void;
}

type AdmitMessage = Extract<ToWorker, { t: 'admit' }>;

interface Pending {
  msg: AdmitMessage;
  resolve: (a: AdmissionAnswer & { worker: number }) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  inflight: Map<number, Pending>;
  configWaiters: Map<number, (refusal?: ConfigRefusal) => void>;
  /** The generations it loads from workerData before it says it is ready. */
  initGens: ReadonlySet<number>;
  ready: boolean;
  replaced: boolean;
}

/**
 * Under tsx (sources, tests) the worker runs TypeScript: Node 20 does not apply ESM loader hooks in worker
 * threads, so the worker module is loaded through tsx's in-thread CommonJS require hook instead. Compiled
 * JavaScript starts the module directly.
 */
/**
 * A worker's old generation is capped so V8 collects before the pod's memory limit rather than growing lazily
 * into it; the largest admission (a 6 MiB body at the value limit) needs well under this.
 */
export const WORKER_OLD_GENERATION_MB = 160;

/** A refusal the pool itself decides (the worker died, was replaced, or ran out of time), as MA322. */
function poolRefusal(why: string): ConfigRefusal {
  return { error: admissionError('MA322_WORKER_CONFIG', why).message, code: 'MA322_WORKER_CONFIG' };
}

function spawnWorker(workerData: WorkerInit): Worker {
  const here = import.meta.url;
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB };
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here), { workerData, resourceLimits });
  const tsxRequire = createRequire(here).resolve('tsx/cjs/api');
  const entry = fileURLToPath(new URL('./worker.ts', here));
  const boot = `require(${JSON.stringify(tsxRequire)}).require(${JSON.stringify(entry)}, ${JSON.stringify(fileURLToPath(here))});`;
  return new Worker(boot, { eval: true, workerData, resourceLimits });
}

export class AdmissionWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly deadlineMs: number;
  private readonly configDeadlineMs: number;
  private nextId = 1;
  private nextGen = 1;
  private active: ConfigGeneration | undefined;
  private preparing: ConfigGeneration | undefined;
  private caches: CacheState = {};
  private closing = false;
  /** Workers replaced after a deadline or an exit (for tests and /debug). */
  replacements = 0;

  constructor(private readonly options: WorkerPoolOptions) {
    this.deadlineMs = options.deadlineMs ?? DEFAULT_WORKER_DEADLINE_MS;
    this.configDeadlineMs = options.configDeadlineMs ?? DEFAULT_CONFIG_DEADLINE_MS;
    for (let i = 0; i < Math.max(1, options.size); i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  /** Thread ids of the current workers (a replaced worker gets a new one). */
  threadIds(): number[] {
    return this.slots.map((s) => s.worker.threadId);
  }

  private spawn(): Slot {
    const configs = [this.active, this.preparing].filter((c): c is ConfigGeneration => c !== undefined);
    const worker = spawnWorker({ features: this.options.features, configs, caches: this.caches });
    const slot: Slot = { worker, inflight: new Map(), configWaiters: new Map(), initGens: new Set(configs.map((c) => c.gen)), ready: false, replaced: false };
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (e) => this.options.onEvent?.('error', 'admission worker failed', { err: describeError(e) }));
    worker.on('exit', (code) => this.onExit(slot, code));
    return slot;
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    if (m.t === 'answer') {
      const p = slot.inflight.get(m.id);
      if (!p) return;
      slot.inflight.delete(m.id);
      clearTimeout(p.timer);
      p.resolve({ body: m.body, summary: m.summary, worker: slot.worker.threadId });
    } else if (m.t === 'config') {
      this.settle(slot, m.gen, m.error !== undefined ? { error: m.error, ...(m.code ? { code: m.code } : {}) } : undefined);
    } else if (m.t === 'ready') {
      slot.ready = true;
      // What it loaded from workerData without a refusal (refusals are posted before 'ready') is loaded.
      for (const gen of slot.initGens) this.settle(slot, gen);
      for (const p of slot.inflight.values()) this.arm(slot, p);
    }
  }

  private settle(slot: Slot, gen: number, refusal?: ConfigRefusal): void {
    const w = slot.configWaiters.get(gen);
    slot.configWaiters.delete(gen);
    w?.(refusal);
  }

  private refuseAll(slot: Slot, why: string): void {
    for (const gen of [...slot.configWaiters.keys()]) this.settle(slot, gen, poolRefusal(why));
  }

  private onExit(slot: Slot, code: number): void {
    // One that dies starting up may be dying of the very configuration it was loading: that one never goes live.
    // A ready one's waiters went (or go, below) to its replacement, which loads the configuration from workerData.
    if (!slot.ready || this.closing) this.refuseAll(slot, `its worker exited (exit code ${code}) before it had loaded it`);
    if (slot.replaced || this.closing) return;
    // An unexpected exit (out of memory, a crash): fail what it held, start a replacement.
    for (const p of slot.inflight.values()) {
      clearTimeout(p.timer);
      p.reject(admissionError('MA321_WORKER_EXITED', `exit code ${code}`));
    }
    slot.inflight.clear();
    if (slot.ready) {
      this.replace(slot);
    } else {
      // It died starting up: retry after a pause instead of spinning. Requests routed to the slot meanwhile were
      // never started; the replacement takes them.
      slot.replaced = true;
      setTimeout(() => {
        if (this.closing || !this.slots.includes(slot)) return;
        const queued = [...slot.inflight.values()];
        slot.inflight.clear();
        const fresh = this.replace(slot);
        for (const p of queued) this.send(fresh, p);
      }, 1000).unref();
    }
    this.options.onEvent?.('error', 'admission worker exited; replaced', { code });
  }

  private replace(slot: Slot): Slot {
    const i = this.slots.indexOf(slot);
    const fresh = this.spawn();
    if (i >= 0) this.slots[i] = fresh;
    this.replacements++;
    // A reload waiting on the old worker now waits on the replacement, which loads the same generations.
    for (const [gen, w] of slot.configWaiters) {
      if (fresh.initGens.has(gen)) fresh.configWaiters.set(gen, w);
      else w(poolRefusal('its worker was replaced before it had loaded it'));
    }
    slot.configWaiters.clear();
    return fresh;
  }

  /** Terminate a stuck worker; what was queued behind it never started, so its replacement answers it. */
  private recycle(slot: Slot, message: string, detail: Record<string, unknown>): void {
    const queued = [...slot.inflight.values()];
    slot.inflight.clear();
    for (const p of queued) clearTimeout(p.timer);
    slot.replaced = true;
    const fresh = this.replace(slot);
    void slot.worker.terminate();
    this.options.onEvent?.('warn', message, { ...detail, requeued: queued.length });
    for (const p of queued) this.send(fresh, p);
  }

  private onDeadline(slot: Slot, id: number): void {
    const stuck = slot.inflight.get(id);
    if (!stuck) return;
    slot.inflight.delete(id);
    stuck.reject(admissionError('MA320_WORKER_DEADLINE', this.deadlineMs));
    this.recycle(slot, 'admission worker exceeded the deadline; replaced', { deadlineMs: this.deadlineMs });
  }

  private pick(): Slot {
    let best: Slot | undefined;
    for (const s of this.slots) {
      if (!best || (s.ready && !best.ready) || (s.ready === best.ready && s.inflight.size < best.inflight.size)) best = s;
    }
    return best!;
  }

  private send(slot: Slot, p: Pending): void {
    slot.inflight.set(p.msg.id, p);
    // A starting worker (a replacement compiling its configuration) does not use up the requests' deadlines.
    if (slot.ready) this.arm(slot, p);
    slot.worker.postMessage(p.msg);
  }

  private arm(slot: Slot, p: Pending): void {
    clearTimeout(p.timer);
    p.timer = setTimeout(() => this.onDeadline(slot, p.msg.id), this.deadlineMs);
  }

  /** Compute one answer in a worker, with the active configuration; `worker` says which thread answered. */
  admit(kind: WebhookKind, body: string, path: string): Promise<AdmissionAnswer & { worker: number }> {
    return new Promise((resolve, reject) => {
      // Before the first activation there is nothing to answer with; the worker says so (MA105 denial).
      const msg: AdmitMessage = { t: 'admit', id: this.nextId++, gen: this.active?.gen ?? 0, kind, body, path };
      this.send(this.pick(), { msg, resolve, reject });
    });
  }

  /**
   * Phase one of a reload: every worker compiles `raw` and injects the canary pod. Resolves with the
   * generation to `activate` once all have it; when any worker refuses it, rejects with that worker's own
   * error (e.g. MA301 with the parse error, MA302 when the canary fails; MA322 for an error without a
   * code, for a worker that died loading it, and for one still loading it at the configuration deadline,
   * which is replaced), and then the reload must not go live.
   */
  async prepare(raw: RawInjectConfig, hash: string): Promise<number> {
    const c: ConfigGeneration = { gen: this.nextGen++, raw, hash };
    this.preparing = c;
    const expire = (extended: boolean) => {
      const stuck = this.slots.filter((slot) => slot.configWaiters.has(c.gen));
      // A worker still starting (its boot and what it was spawned with count too) gets one more period.
      if (!extended && stuck.some((slot) => !slot.ready)) {
        timer = setTimeout(() => expire(true), this.configDeadlineMs).unref();
        return;
      }
      // Replacements must not load it again.
      if (this.preparing === c) this.preparing = undefined;
      for (const slot of stuck) {
        this.settle(slot, c.gen, poolRefusal(`not compiled and canary-checked within ${this.configDeadlineMs} ms`));
        this.recycle(slot, 'admission worker did not load a configuration within its deadline; replaced', { configDeadlineMs: this.configDeadlineMs });
      }
    };
    let timer = setTimeout(() => expire(false), this.configDeadlineMs).unref();
    const results = await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<ConfigRefusal | undefined>((done) => {
            slot.configWaiters.set(c.gen, done);
            slot.worker.postMessage({ t: 'config', ...c } satisfies ToWorker);
          }),
      ),
    );
    clearTimeout(timer);
    const refused = results.find((e) => e !== undefined);
    if (refused !== undefined) {
      if (this.preparing === c) this.preparing = undefined;
      if (refused.code === undefined) throw admissionError('MA322_WORKER_CONFIG', refused.error);
      throw new AdmissionError(refused.code, refused.error, ERROR_CATALOGUE[refused.code].http);
    }
    return c.gen;
  }

  /** Phase two: requests from now on are answered with generation `gen`. */
  activate(gen: number): void {
    if (this.preparing?.gen === gen) {
      this.active = this.preparing;
      this.preparing = undefined;
    }
  }

  /** Replace what the workers know from the API-server watches (sent whole; the watches are small). */
  pushCaches(update: CacheState): void {
    this.caches = { ...this.caches, ...update };
    for (const s of this.slots) s.worker.postMessage({ t: 'caches', caches: this.caches } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
