/**
 * `npm run bench`: CPU medians of one admission in-process (request text in, answer text out, as a worker
 * computes it; cache hit and miss), then HTTP load at
 * concurrency 1, 10 and 50 against every server of SERVERS, each reported as a ratio to the bare
 * node:https echo floor measured in the same run (machines are noisy; ratios travel). Results go to
 * bench/results/<date>.json. `--quick` runs fewer requests; `--workers=0,1,2` picks the worker counts.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { answerReview } from '../src/admission/answer.js';
import { createEngines, lookupsFromState } from '../src/workers/engines.js';
import { templateCacheOf } from '../src/inject/template-cache.js';
import { validateObject } from '../src/validate/webhook.js';
import { AUTHORIZATION_POLICY, BENCH_FEATURES, VIRTUAL_SERVICE, admissionReview, defaultSettings, envHeavyPod, realisticPod } from './fixtures.js';
import { benchCerts, freePort, load, ownCpuMsSince, rssMiB, startProcess, type BenchServer, type LoadResult } from './harness.js';
import { istiodServer } from './istiod-peer.js';
import { poolThroughput, type PoolThroughput } from './pool-scaling.js';

const QUICK = process.argv.includes('--quick');
const CONCURRENCY = (process.argv.find((a) => a.startsWith('--concurrency='))?.slice('--concurrency='.length) ?? '1,10,50').split(',').map(Number);
const TOTAL = QUICK ? 1000 : 4000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** CPU time per call (user+sys), median over batches, so other processes do not inflate it. */
function cpuMedianMs(fn: () => void, batches: number, perBatch: number, warmup = 3000): number {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = process.cpuUsage();
    for (let i = 0; i < perBatch; i++) fn();
    samples.push(ownCpuMsSince(start) / perBatch);
  }
  return median(samples);
}

// --- in-process stages -------------------------------------------------------------------------
const settings = defaultSettings();
const pod = realisticPod() as { metadata: { labels: Record<string, string> } };
const heavy = envHeavyPod() as { metadata: { labels: Record<string, string> } };
let serial = 0;
/** The same pod with a fresh label: the templates read labels, so every call misses the cache. */
const unique = <T extends { metadata: { labels: Record<string, string> } }>(p: T): T => ({ ...p, metadata: { ...p.metadata, labels: { ...p.metadata.labels, bench: String(serial++) } } });
// What a worker does per admission: the request body's text in, the answer's text out.
// Without the answer memo (a live-lookup engine), so repeated pods measure the template cache; `memoised` is what
// a worker runs (snapshot lookups), where a repeated pod is answered from the memo.
const lookups = lookupsFromState(BENCH_FEATURES, {});
const engines = createEngines(BENCH_FEATURES, () => ({ value: settings, hash: 'bench' }), () => lookups);
const memoised = createEngines(BENCH_FEATURES, () => ({ value: settings, hash: 'bench' }), () => lookups, undefined, { snapshotLookups: true });
const answer = (body: string, e = engines) => {
  const a = answerReview(e, 'inject', body, '/inject');
  if (!a.summary.decoded || a.summary.reason !== 'injected') throw new Error(`bench pod not injected: ${a.body.slice(0, 300)}`);
};
/** Request bodies for `n` calls, each pod with a label of its own (the templates read labels: every one misses). */
const uniqueBodies = <T extends { metadata: { labels: Record<string, string> } }>(p: T, n: number): () => string => {
  const bodies = Array.from({ length: n }, () => admissionReview(unique(p)));
  let i = 0;
  return () => bodies[i++ % n]!;
};
const podBody = admissionReview(pod);
const heavyBody = admissionReview(heavy);
const missBody = uniqueBodies(pod, (QUICK ? 5 : 15) * 200 + 1000);
const heavyMissBody = uniqueBodies(heavy, (QUICK ? 3 : 7) * 10 + 50);
const micro = {
  injectMemoHitMs: cpuMedianMs(() => answer(podBody, memoised), QUICK ? 5 : 15, 1000),
  heavyMemoHitMs: cpuMedianMs(() => answer(heavyBody, memoised), QUICK ? 3 : 7, 50, 100),
  injectHitMs: cpuMedianMs(() => answer(podBody), QUICK ? 5 : 15, 200),
  injectMissMs: cpuMedianMs(() => answer(missBody()), QUICK ? 5 : 15, 200, 1000),
  heavyHitMs: cpuMedianMs(() => answer(heavyBody), QUICK ? 3 : 7, 10, 100),
  heavyMissMs: cpuMedianMs(() => answer(heavyMissBody()), QUICK ? 3 : 7, 10, 50),
  validateVirtualServiceUs: cpuMedianMs(() => validateObject(VIRTUAL_SERVICE), 15, 1000) * 1000,
  validateAuthorizationPolicyUs: cpuMedianMs(() => validateObject(AUTHORIZATION_POLICY), 15, 1000) * 1000,
  cache: { hits: templateCacheOf(settings).hits, misses: templateCacheOf(settings).misses, entries: templateCacheOf(settings).size },
};

// --- HTTP ----------------------------------------------------------------------------------------
// Servers run as they ship: plain JavaScript, mesh-admission as `node dist/main.js` with its default flags.
execFileSync(process.execPath, [resolve(import.meta.dirname, '../scripts/build-if-stale.mjs')], { stdio: 'inherit' });

// --- the worker pool alone: no HTTP and no load generator taking a core -----------------------------
const poolRuns: Array<PoolThroughput & { what: string }> = [];
for (const [what, fresh] of [
  ['hit', () => () => podBody],
  ['miss', () => uniqueBodies(pod, TOTAL + 1000)],
] as const) {
  for (const w of [1, 2]) poolRuns.push({ what, ...(await poolThroughput(w, fresh(), TOTAL, 8)) });
}
const poolScaling = Object.fromEntries(
  ['hit', 'miss'].map((what) => {
    const [one, two] = [1, 2].map((w) => poolRuns.find((r) => r.what === what && r.workers === w)!.answersPerSecond);
    return [what, two! / one!];
  }),
);

const tls = await benchCerts();
const echo: BenchServer = {
  name: 'echo',
  injectPath: '/',
  validatePath: '/',
  start: () => startProcess([resolve(import.meta.dirname, 'echo-server.mjs'), tls.cert, tls.key], 'echo'),
};
const MAIN_JS = resolve(import.meta.dirname, '../dist/main.js');
const mesh = (workers: number): BenchServer => ({
  name: `mesh-admission workers=${workers}`,
  injectPath: '/inject',
  validatePath: '/validate',
  start: async () => {
    const port = await freePort();
    // 64 in flight: the production default of 32 would refuse part of the concurrency-50 run with 429.
    const args = [MAIN_JS, '--workers', String(workers), '--port', String(port), '--monitoring-port', '0', '--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--max-in-flight', '64'];
    return startProcess(args, `mesh ${workers}`, /mesh-admission listening/, port);
  },
});
/** Worker counts to measure (`--workers 0,1,2`); 0 computes on the HTTP thread. */
const WORKER_COUNTS = (process.argv.find((a) => a.startsWith('--workers='))?.slice('--workers='.length) ?? '1,2').split(',').map(Number);
/** The floor first; peers (e.g. istiod's webhook) are one more entry here. */
const istiod = istiodServer();
export const SERVERS: BenchServer[] = [echo, ...WORKER_COUNTS.map(mesh), ...(istiod ? [istiod] : [])];

interface HttpRow extends LoadResult {
  server: string;
  what: string;
  concurrency: number;
  /** Ratios to the echo floor at the same concurrency (rps: higher is better; the rest: lower). */
  vsEcho?: { rps: number; p99: number; cpuPerRequest: number; rss: number };
}

const vsReview = admissionReview(VIRTUAL_SERVICE, { group: 'networking.istio.io', version: 'v1', kind: 'VirtualService' }, { group: 'networking.istio.io', version: 'v1', resource: 'virtualservices' });
const rows: HttpRow[] = [];
const idleRss: Record<string, number> = {};
for (const server of SERVERS) {
  const running = await server.start();
  try {
    await new Promise((r) => setTimeout(r, 1000));
    idleRss[server.name] = rssMiB(running.pid);
    for (const c of CONCURRENCY) rows.push({ server: server.name, what: 'inject realistic pod (repeated, as in a rollout)', concurrency: c, ...(await load(running, server.injectPath, podBody, TOTAL, c)) });
    if (server.validatePath) rows.push({ server: server.name, what: 'validate VirtualService', concurrency: 10, ...(await load(running, server.validatePath, vsReview, TOTAL, 10)) });
  } finally {
    running.stop();
  }
}
for (const r of rows) {
  const floor = rows.find((f) => f.server === echo.name && f.concurrency === r.concurrency && f.what === r.what);
  if (floor && r.server !== echo.name) {
    r.vsEcho = { rps: r.rps / floor.rps, p99: r.p99 / floor.p99, cpuPerRequest: r.cpuMsPerRequest / floor.cpuMsPerRequest, rss: r.rssMiB / floor.rssMiB };
  }
}
const w1 = rows.filter((r) => r.server === mesh(1).name && r.what.startsWith('inject'));
// (empty when workers 1 and 2 are not both measured)
const w2 = rows.filter((r) => r.server === mesh(2).name && r.what.startsWith('inject'));
const workerScaling = Object.fromEntries(w2.map((r) => [`c${r.concurrency}`, r.rps / (w1.find((x) => x.concurrency === r.concurrency)?.rps ?? Number.NaN)]));

// mesh-admission (each worker count) against istiod's handler at the same concurrency: req/s and CPU per request.
const vsIstiod = istiod
  ? rows
      .filter((r) => r.server.startsWith('mesh-admission') && r.what.startsWith('inject'))
      .map((r) => {
        const i = rows.find((x) => x.server === istiod.name && x.concurrency === r.concurrency && x.what === r.what);
        return { server: r.server, concurrency: r.concurrency, rps: i ? r.rps / i.rps : Number.NaN, cpuPerRequest: i ? r.cpuMsPerRequest / i.cpuMsPerRequest : Number.NaN };
      })
  : [];
const result = { date: new Date().toISOString(), node: process.version, requestsPerRun: TOTAL, micro, pool: poolRuns, poolWorkers2vs1: poolScaling, http: rows, idleRssMiB: idleRss, workers2vs1Throughput: workerScaling, meshVsIstiod: vsIstiod };
const outDir = resolve(import.meta.dirname, 'results');
mkdirSync(outDir, { recursive: true });
const outFile = resolve(outDir, `${result.date.replace(/[:.]/g, '-')}${QUICK ? '-quick' : ''}.json`);
writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);

const f = (n: number, d = 2) => n.toFixed(d);
console.log(`mesh-admission benchmark (node ${process.version}, ${TOTAL} requests per HTTP run, keep-alive)`);
console.log(`  inject realistic pod CPU: answer memo hit ${f(micro.injectMemoHitMs, 3)} ms, template cache hit ${f(micro.injectHitMs, 3)} ms, miss ${f(micro.injectMissMs, 3)} ms`);
console.log(`  2000-env pod CPU: answer memo hit ${f(micro.heavyMemoHitMs)} ms, template cache hit ${f(micro.heavyHitMs)} ms, miss ${f(micro.heavyMissMs)} ms`);
console.log(`  validate CPU: VirtualService ${f(micro.validateVirtualServiceUs, 1)} µs, AuthorizationPolicy ${f(micro.validateAuthorizationPolicyUs, 1)} µs`);
for (const r of poolRuns) console.log(`  worker pool alone (no HTTP), ${r.what}, ${r.workers} worker(s), ${r.inFlight} in flight: ${Math.round(r.answersPerSecond)} answers/s, ${f(r.cpuMsPerAnswer, 3)} ms CPU each`);
console.log(`  worker pool alone, 2 workers / 1 worker: ${Object.entries(poolScaling).map(([k, v]) => `${k} ${f(v)}×`).join(', ')}`);
console.log('  server | what | conc | req/s (× echo) | p50 | p99 (× echo) | p99.9 | CPU/req ms (× echo) | load generator CPU/req ms | CPUs busy | RSS MiB');
for (const r of rows) {
  const v = r.vsEcho;
  console.log(
    `  ${r.server} | ${r.what} | ${r.concurrency} | ${Math.round(r.rps)}${v ? ` (${f(v.rps)}×)` : ''} | ${f(r.p50)} | ${f(r.p99)}${v ? ` (${f(v.p99)}×)` : ''} | ${f(r.p999)} | ${f(r.cpuMsPerRequest, 3)}${v ? ` (${f(v.cpuPerRequest)}×)` : ''} | ${f(r.clientCpuMsPerRequest, 3)} | ${f(r.cpusBusy)} | ${Math.round(r.rssMiB)}`,
  );
}
console.log(`  idle RSS MiB: ${Object.entries(idleRss).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')}`);
console.log(`  throughput workers=2 / workers=1: ${Object.entries(workerScaling).map(([k, v]) => `${k} ${f(v)}×`).join(', ')}`);
for (const v of vsIstiod) console.log(`  ${v.server} / istiod at concurrency ${v.concurrency}: ${f(v.rps)}× req/s, ${f(v.cpuPerRequest)}× CPU per request`);
if (!istiod) console.log('  istiod peer: skipped (no Go toolchain on PATH)');
console.log(`  results: ${outFile}`);
