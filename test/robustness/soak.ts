/**
 * `npm run soak -- [--seconds 60]`: mixed inject/validate load from keep-alive and fresh-connection clients
 * against the real server process while
 *   - the inject configuration directory is rewritten every 0.5 s with the kubelet's `..data` atomic swap
 *     (alternating valid configurations, every tenth one invalid: bad YAML, bad values, or a template that
 *     cannot inject the canary pod),
 *   - the serving certificate is rotated twice (a new leaf from the same CA, swapped the same way),
 *   - slow and stalled clients hold connections open (idle sockets, half-sent headers, half-sent bodies,
 *     bodies dribbled a few bytes at a time),
 *   - the Node and ProxyConfig watches (`--native-sidecars auto --watch-proxyconfigs`) go to an API server that
 *     misbehaves on every request (hostile-kube.ts).
 * Every answer is checked as in the fuzz tool, and every injected pod must carry the template hash of a
 * configuration that was valid at some point (a pair of files no ConfigMap version held has another hash).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { connect, type TLSSocket } from 'node:tls';
import { join, resolve } from 'node:path';
import { hashRawConfig, TEMPLATE_HASH_ANNOTATION, type RawInjectConfig } from '../../src/config/types.js';
import { readRawConfigDir } from '../../src/config/dir-source.js';
import { Tally, judge, send, type Answer, type Expectation, type Sent } from './client.js';
import { VALID_DOCS, envelope, freshPod, kindOf, rngFor, type Rng } from './fuzz-cases.js';
import { probeHealth, type HealthFigures } from './health.js';
import { startHostileKube } from './hostile-kube.js';
import { finish, fmtKib, isMain, numericFlags, stopQuietly, type RunResult } from './report.js';
import { PROJECT_ROOT, atomicWriteDir, sleep, startServerProcess, tempDir, watchRss, type ServerProcess } from './server-process.js';

export interface SoakOptions {
  seconds: number;
  /** Clients on keep-alive connections, and clients that open a connection per request (handshakes across rotations). */
  keepAliveClients: number;
  freshClients: number;
  reloadEveryMs: number;
  rotations: number;
  rssLimitMib: number;
  timeoutMs: number;
  seed: number;
  log?: (line: string) => void;
}

export const SOAK_DEFAULTS: SoakOptions = { seconds: 60, keepAliveClients: 6, freshClients: 2, reloadEveryMs: 500, rotations: 2, rssLimitMib: 512, timeoutMs: 30_000, seed: 1 };

const V1 = 'admission.k8s.io/v1';
const JSON_CT = 'application/json';

// ---- the configurations the reloader writes ----------------------------------------------------------------

const BASE = readRawConfigDir(resolve(PROJECT_ROOT, 'templates'));

function tagged(g: number): string {
  const values = JSON.parse(BASE.values) as { global: Record<string, unknown> };
  values.global.tag = `soak-${g}`;
  return JSON.stringify(values, null, 2);
}

/** Generation g: both files differ from every other generation's, so a mix of two has a hash of its own. */
export function generation(g: number): { raw: RawInjectConfig; valid: boolean } {
  const config = `# soak generation ${g}\n${BASE.config}`;
  if (g > 0 && g % 10 === 0) {
    if (g % 30 === 0) {
      // Well-formed, but it cannot inject the canary pod: the workers must refuse it before it goes live.
      const canaryFails = `# soak generation ${g}\npolicy: enabled\ndefaultTemplates: [sidecar]\ntemplates:\n  sidecar: |\n    {{ fail "soak generation ${g} cannot inject the canary" }}\n`;
      return { raw: { config: canaryFails, values: tagged(g) }, valid: false };
    }
    // Invalid in one file only: the reload must be refused whole, never paired with the other file.
    return g % 20 === 0
      ? { raw: { config, values: `{"global": {"tag": "soak-${g}"` }, valid: false }
      : { raw: { config: `# soak generation ${g}\npolicy: enabled\ntemplates: [unclosed\n`, values: tagged(g) }, valid: false };
  }
  return { raw: { config, values: tagged(g) }, valid: true };
}

// ---- one admission of the mixed load ---------------------------------------------------------------------

interface Job {
  label: string;
  sent: Sent;
  expect: Expectation;
  /** An injection is expected: the patched pod must carry a known template hash. */
  injects: boolean;
}

function job(r: Rng, uid: string): Job {
  const x = r();
  if (x < 0.5) {
    const object = freshPod(r);
    return { label: 'inject', sent: body('/inject', envelope({ uid, object })), expect: { kind: 'review', uid, apiVersion: V1, object, mustAllow: true }, injects: true };
  }
  if (x < 0.6) {
    const object = freshPod(r) as { metadata: { annotations: Record<string, string> } };
    object.metadata.annotations['sidecar.istio.io/inject'] = 'false';
    return { label: 'inject-opt-out', sent: body('/inject', envelope({ uid, object })), expect: { kind: 'review', uid, apiVersion: V1, object, mustAllow: true }, injects: false };
  }
  const doc = structuredClone(VALID_DOCS[Math.floor(r() * VALID_DOCS.length)]!);
  return { label: `validate ${doc.kind}`, sent: body('/validate', envelope({ uid, object: doc, ...kindOf(doc) })), expect: { kind: 'review', uid, apiVersion: V1, mustAllow: true }, injects: false };
}

function body(path: string, review: unknown): Sent {
  return { path, body: Buffer.from(JSON.stringify(review)), contentType: JSON_CT };
}

// ---- hostile connections -----------------------------------------------------------------------------------

type StallKind = 'idle' | 'half-headers' | 'half-body' | 'slowloris';

/**
 * A connection that never completes a request. When the server drops it, it is opened again, so the pressure
 * lasts the whole run; drops are counted (a server with connection timeouts drops them all).
 */
function stalledClient(server: ServerProcess, kind: StallKind): { drops(): number; stop(): void } {
  let drops = 0;
  let stopped = false;
  let sock: TLSSocket | undefined;
  let drip: NodeJS.Timeout | undefined;
  const open = () => {
    if (stopped) return;
    sock = connect({ host: '127.0.0.1', port: server.port, ca: server.ca.certPem, servername: 'localhost' });
    sock.on('secureConnect', () => {
      const s = sock!;
      if (kind === 'half-headers') s.write('POST /inject HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n');
      if (kind === 'half-body') {
        // Announces 6 MiB, sends 1 MiB: the server holds a buffer it can never use unless it times out.
        s.write(`POST /inject HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${6 * 1024 * 1024}\r\n\r\n`);
        s.write(`{"apiVersion":"${V1}","kind":"AdmissionReview","request":{"uid":"stalled","object":{"metadata":{"annotations":{"x":"${'s'.repeat(1024 * 1024)}`);
      }
      if (kind === 'slowloris') {
        const header = 'POST /validate HTTP/1.1\r\nHost: localhost\r\nX-Slow: ';
        s.write(header);
        drip = setInterval(() => s.writable && s.write('a'), 500);
      }
    });
    sock.on('data', () => undefined);
    sock.on('error', () => undefined);
    sock.on('close', () => {
      if (drip) clearInterval(drip);
      if (stopped) return;
      drops++;
      setTimeout(open, 200);
    });
  };
  open();
  return {
    drops: () => drops,
    stop: () => {
      stopped = true;
      if (drip) clearInterval(drip);
      sock?.destroy();
    },
  };
}

/** The serial of the certificate a new connection is served. */
function servedSerial(server: ServerProcess): Promise<string | undefined> {
  return new Promise((ok) => {
    const s = connect({ host: '127.0.0.1', port: server.port, ca: server.ca.certPem, servername: 'localhost' }, () => {
      const serial = s.getPeerX509Certificate()?.serialNumber;
      s.destroy();
      ok(serial);
    });
    s.on('error', () => ok(undefined));
    s.setTimeout(5000, () => {
      s.destroy();
      ok(undefined);
    });
  });
}

// ---- the run -----------------------------------------------------------------------------------------------

export async function runSoak(options: Partial<SoakOptions> = {}): Promise<RunResult> {
  const o = { ...SOAK_DEFAULTS, ...options };
  const log = o.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const workDir = tempDir('mesh-admission-soak-');
  const configDir = join(workDir, 'inject');
  mkdirSync(configDir);
  let gen = 0;
  const valid = new Set<string>();
  const invalid = new Set<string>();
  const first = generation(0);
  valid.add(hashRawConfig(first.raw));
  let data = atomicWriteDir(configDir, { config: first.raw.config, values: first.raw.values }, 0);
  log(`soak: ${o.seconds} s, ${o.keepAliveClients} keep-alive + ${o.freshClients} fresh-connection clients, reload every ${o.reloadEveryMs} ms, ${o.rotations} certificate rotations, stalled and slow clients; ${VALID_DOCS.length} Istio resources`);

  const kube = await startHostileKube(workDir, rngFor(o.seed, -2));
  const server = await startServerProcess({ injectConfigDir: configDir, kubeconfig: kube.kubeconfig, extraArgs: ['--native-sidecars', 'auto', '--watch-proxyconfigs'] });
  const rss = watchRss(server);
  const tally = new Tally();
  const seenHashes = new Map<string, number>();
  const keepAlive = new Agent({ keepAlive: true, maxSockets: o.keepAliveClients });
  const fresh = new Agent({ keepAlive: false });
  const stalled: Array<ReturnType<typeof stalledClient>> = [];
  let health: HealthFigures | undefined;
  let metricsBefore: number | undefined;
  let metricsAfter: number | undefined;
  let rotationsSeen = 0;
  let slowAnswered = 0;
  const deadline = performance.now() + o.seconds * 1000;
  // The load lasts until the deadline and until every rotation has been done under it.
  let rotating = o.rotations > 0;
  const running = () => !server.exited() && (performance.now() < deadline || rotating);
  let seq = 0;

  const check = (label: string, j: Job, a: Answer, timed = true) => {
    const v = judge(a, j.expect);
    tally.record(label, a, v, timed);
    if (!v.ok || !j.injects || v.overloaded) return;
    const ann = (v.patched?.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations;
    const hash = ann?.[TEMPLATE_HASH_ANNOTATION];
    if (typeof hash !== 'string') {
      tally.fail(label, 'failed', `an injectable pod came back without ${TEMPLATE_HASH_ANNOTATION} (patch ${v.patched ? 'applied' : 'missing'})`);
      return;
    }
    seenHashes.set(hash, (seenHashes.get(hash) ?? 0) + 1);
    if (!valid.has(hash)) {
      tally.fail(label, 'failed', `injected with template hash ${hash}, ${invalid.has(hash) ? 'an INVALID configuration' : 'which no written configuration had (a mix of two versions?)'}`);
    }
  };

  try {
    // Calibration: the hash this tool computes must be the one the server stamps, or every check below is void.
    const j0 = calibrationJob(rngFor(o.seed, -1));
    check('calibration', j0, await send(server.port, server.ca.certPem, keepAlive, j0.sent, o.timeoutMs));
    metricsBefore = await server.metricsBytes();
    const prober = probeHealth(server);

    for (const kind of ['idle', 'idle', 'half-headers', 'half-headers', 'half-body', 'half-body', 'half-body', 'half-body', 'slowloris', 'slowloris'] as const) stalled.push(stalledClient(server, kind));

    const client = (agent: Agent, name: string) => async () => {
      while (running()) {
        const i = seq++;
        const j = job(rngFor(o.seed, i), `soak-${o.seed}-${i}`);
        check(`${name} ${j.label}`, j, await send(server.port, server.ca.certPem, agent, j.sent, o.timeoutMs));
      }
    };
    const slowClient = async () => {
      while (running()) {
        const i = seq++;
        const j = job(rngFor(o.seed, i), `soak-slow-${i}`);
        // A complete review whose body arrives 64 bytes every 100 ms: a slow but honest client is still answered.
        const a = await send(server.port, server.ca.certPem, false, j.sent, o.timeoutMs, { bytes: 64, everyMs: 100 });
        // A server may drop a body that takes too long (408 or a closed connection); it must never 5xx it.
        if (a.status === 408 || (a.error !== undefined && /ECONNRESET|socket hang up|EPIPE/.test(a.error))) continue;
        slowAnswered++;
        check(`slow ${j.label}`, j, a, false);
      }
    };
    const reloader = async () => {
      while (running()) {
        await sleep(o.reloadEveryMs);
        if (!running()) break;
        gen++;
        const g = generation(gen);
        // Recorded before the swap: a pod may be injected with it the moment it is on disk.
        (g.valid ? valid : invalid).add(hashRawConfig(g.raw));
        data = atomicWriteDir(configDir, { config: g.raw.config, values: g.raw.values }, gen, data);
      }
    };
    const rotator = async () => {
      for (let k = 1; k <= o.rotations; k++) {
        const at = deadline - ((o.rotations + 1 - k) * o.seconds * 1000) / (o.rotations + 1);
        while (performance.now() < at && !server.exited()) await sleep(100);
        if (server.exited()) break;
        const serial = await server.rotate();
        const until = performance.now() + 10_000;
        let seen = false;
        while (!seen && performance.now() < until) {
          seen = (await servedSerial(server)) === serial;
          if (!seen) await sleep(100);
        }
        if (seen) rotationsSeen++;
        else tally.fail(`certificate rotation ${k}`, 'failed', 'new connections were not served the rotated certificate within 10 s');
      }
      rotating = false;
    };
    await Promise.all([
      ...Array.from({ length: o.keepAliveClients }, (_, k) => client(keepAlive, `keep-alive#${k}`)()),
      ...Array.from({ length: o.freshClients }, (_, k) => client(fresh, `fresh#${k}`)()),
      slowClient(),
      slowClient(),
      reloader(),
      rotator(),
    ]);
    if (server.exited()) tally.fail('server', 'failed', `the server process exited during the soak:\n${server.logTail().slice(-2000)}`);
    health = await prober.stop();
    metricsAfter = await server.metricsBytes();
  } finally {
    for (const s of stalled) s.stop();
    keepAlive.destroy();
    fresh.destroy();
    rss.stop();
  }
  const peak = rss.peak();
  const drops = stalled.reduce((n, s) => n + s.drops(), 0);
  await stopQuietly(server);
  await kube.stop();
  rmSync(workDir, { recursive: true, force: true });

  const limitsPassed: string[] = [];
  if (peak > o.rssLimitMib) limitsPassed.push(`peak RSS ${Math.round(peak)} MiB over the ${o.rssLimitMib} MiB limit`);
  // Reloads that never reach a pod would make the hash check vacuous.
  if (rotationsSeen < o.rotations) limitsPassed.push(`${rotationsSeen} of ${o.rotations} certificate rotations done and served`);
  if (o.seconds >= 5 && seenHashes.size < 2) limitsPassed.push(`only ${seenHashes.size} configuration(s) seen in injected pods after ${gen} reloads`);
  log(`soak: ${gen} reloads written (${invalid.size} invalid), ${seenHashes.size} configurations seen in injected pods, ${rotationsSeen}/${o.rotations} rotations served`);
  log(`soak: stalled connections: 10 held open, dropped by the server ${drops} times; slow clients answered ${slowAnswered}`);
  const kubeCounts = [...kube.counts()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`);
  log(`soak: hostile API server answered ${kube.total()} requests: ${kubeCounts.join(', ')}`);
  // The watches must have kept coming back after every kind of failure, not given up after the first.
  if (o.seconds >= 5 && kube.total() < 10) limitsPassed.push(`the hostile API server saw only ${kube.total()} requests: the watches stopped retrying`);
  if (health) log(`soak: /healthz ${health.polls} polls, ${health.slow} slower than 1 s or failed, slowest ${Math.round(health.maxMs)} ms`);
  log(`soak: /metrics ${fmtKib(metricsBefore)} -> ${fmtKib(metricsAfter)}; slowest answer ${Math.round(tally.maxLatencyMs)} ms (${tally.slowest}); 429 answers ${tally.overloaded}`);
  return finish('soak', tally, peak, limitsPassed, { reloads: gen, rotations: rotationsSeen }, log);
}

function calibrationJob(r: Rng): Job {
  const uid = 'soak-calibration';
  const object = freshPod(r);
  return { label: 'calibration', sent: body('/inject', envelope({ uid, object })), expect: { kind: 'review', uid, apiVersion: V1, object, mustAllow: true }, injects: true };
}

if (isMain(import.meta.url)) {
  const result = await runSoak(numericFlags(SOAK_DEFAULTS));
  process.exit(result.ok ? 0 : 1);
}
