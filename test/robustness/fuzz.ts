/**
 * `npm run fuzz -- [--seed N] [--count N] [--concurrency N]`: seeded hostile AdmissionReviews against the real
 * server process. Every answer is checked (status, a well-formed AdmissionReview, the uid, the patch applies);
 * the server's peak resident memory, /metrics growth, log volume and /healthz latency are measured from
 * outside. The last line is the summary; the exit code is non-zero on any failure or a limit passed.
 */
import { Agent } from 'node:https';
import { Tally, judge, send } from './client.js';
import { finish, fmtKib, isMain, numericFlags, stopQuietly, type RunResult } from './report.js';
import { CATEGORY_LABELS, corpusSummary, fuzzCase } from './fuzz-cases.js';
import { startServerProcess, watchRss } from './server-process.js';
import { probeHealth, type HealthFigures } from './health.js';

export interface FuzzOptions {
  seed: number;
  count: number;
  concurrency: number;
  /** The client's budget per request; the API server allows a webhook at most 30 s. */
  timeoutMs: number;
  /** The manifests' memory limit. */
  rssLimitMib: number;
  /** /metrics may grow by this much over the run (label values copied from requests make it grow without end). */
  metricsGrowthLimitKib: number;
  /** Stop sending after this many seconds (0: never); cases not sent count as failed. Bounds CI on a frozen server. */
  maxSeconds: number;
  log?: (line: string) => void;
}

export const FUZZ_DEFAULTS: FuzzOptions = { seed: 1, count: 10_000, concurrency: 16, timeoutMs: 30_000, rssLimitMib: 512, metricsGrowthLimitKib: 1024, maxSeconds: 0 };

interface LabelStats {
  n: number;
  bad: number;
  maxMs: number;
}

export async function runFuzz(options: Partial<FuzzOptions> = {}): Promise<RunResult> {
  const o = { ...FUZZ_DEFAULTS, ...options };
  const log = o.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  log(`fuzz: seed ${o.seed}, ${o.count} cases, concurrency ${o.concurrency}; ${CATEGORY_LABELS.length} kinds of input; ${corpusSummary()}`);
  const server = await startServerProcess();
  const rss = watchRss(server);
  const tally = new Tally();
  const perLabel = new Map<string, LabelStats>();
  const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency });
  let health: HealthFigures | undefined;
  let metricsBefore: number | undefined;
  let metricsAfter: number | undefined;
  let idleRss = 0;
  let logBefore = 0;
  try {
    // One ordinary review first so the metrics series that every run creates exist before the baseline.
    const warm = fuzzCase(o.seed, 0, 1);
    await send(server.port, server.ca.certPem, agent, warm.sent, o.timeoutMs);
    metricsBefore = await server.metricsBytes();
    idleRss = server.rss().current;
    logBefore = server.logBytes();
    const prober = probeHealth(server);
    let next = 0;
    const stopAt = o.maxSeconds > 0 ? performance.now() + o.maxSeconds * 1000 : Infinity;
    const worker = async (): Promise<void> => {
      while (next < o.count && !server.exited() && performance.now() < stopAt) {
        const i = next++;
        const c = fuzzCase(o.seed, i, o.count);
        const answer = await send(server.port, server.ca.certPem, agent, c.sent, o.timeoutMs);
        const verdict = judge(answer, c.expect);
        tally.record(`${c.label} #${i}`, answer, verdict);
        const s = perLabel.get(c.label) ?? { n: 0, bad: 0, maxMs: 0 };
        s.n++;
        if (!verdict.ok) s.bad++;
        s.maxMs = Math.max(s.maxMs, answer.ms);
        perLabel.set(c.label, s);
        if ((i + 1) % 1000 === 0) log(`fuzz: ${i + 1}/${o.count} sent, ${tally.failed + tally.fiveXx + tally.wrongUid} bad so far, rss ${Math.round(server.rss().current)} MiB`);
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, worker));
    if (server.exited()) tally.fail('server', 'failed', `the server process exited during the run:\n${server.logTail().slice(-2000)}`);
    for (let i = next; i < o.count; i++) tally.fail(`not sent #${i}`, 'failed', `the run stopped after ${o.maxSeconds} s with the server too slow to answer the rest`);
    health = await prober.stop();
    metricsAfter = await server.metricsBytes();
  } finally {
    agent.destroy();
    rss.stop();
  }
  const peak = rss.peak();
  const logMib = (server.logBytes() - logBefore) / 1024 / 1024;
  await stopQuietly(server);

  const rows = [...perLabel.entries()].sort((a, b) => b[1].maxMs - a[1].maxMs);
  log('fuzz: input kind                              n    bad   max-ms');
  for (const [label, s] of rows) log(`fuzz:   ${label.padEnd(38)} ${String(s.n).padStart(5)} ${String(s.bad).padStart(6)} ${String(Math.round(s.maxMs)).padStart(8)}`);
  const growthKib = metricsBefore !== undefined && metricsAfter !== undefined ? Math.round((metricsAfter - metricsBefore) / 1024) : undefined;
  log(`fuzz: /metrics ${fmtKib(metricsBefore)} -> ${fmtKib(metricsAfter)}; server logs ${logMib.toFixed(1)} MiB (${Math.round((logMib * 1024 * 1024) / Math.max(1, tally.requests))} B/request); idle RSS ${Math.round(idleRss)} MiB`);
  if (health) log(`fuzz: /healthz ${health.polls} polls, ${health.slow} slower than 1 s or failed, slowest ${Math.round(health.maxMs)} ms`);
  log(`fuzz: slowest answer ${Math.round(tally.maxLatencyMs)} ms (${tally.slowest}); 429 answers ${tally.overloaded}`);
  const limitsPassed: string[] = [];
  if (peak > o.rssLimitMib) limitsPassed.push(`peak RSS ${Math.round(peak)} MiB over the ${o.rssLimitMib} MiB limit`);
  if (growthKib !== undefined && growthKib > o.metricsGrowthLimitKib) limitsPassed.push(`/metrics grew ${growthKib} KiB (limit ${o.metricsGrowthLimitKib} KiB): request values reach metric labels`);
  if (metricsBefore === undefined) limitsPassed.push('no /metrics found on the webhook or monitoring port');
  return finish('fuzz', tally, peak, limitsPassed, { 'metrics-growth-kib': growthKib ?? 'n/a' }, log);
}

if (isMain(import.meta.url)) {
  const o = numericFlags(FUZZ_DEFAULTS);
  const result = await runFuzz({ ...o, concurrency: Math.max(1, o.concurrency) });
  process.exit(result.ok ? 0 : 1);
}
