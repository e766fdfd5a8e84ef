/**
 * Admissions per second through the worker pool alone, as the server's HTTP thread drives it but without
 * HTTP or a load generator: on a machine whose cores the HTTP load generator shares, this is where the
 * scaling with workers can be seen. Runs the compiled pool (`dist/`), as the server ships.
 */
import { resolve } from 'node:path';
import { readRawConfigDir } from '../src/config/dir-source.js';
import { hashRawConfig } from '../src/config/types.js';
import type { AdmissionWorkerPool } from '../src/workers/pool.js';
import { BENCH_FEATURES, TEMPLATES_DIR } from './fixtures.js';
import { closedLoop, ownCpuMsSince } from './harness.js';

export interface PoolThroughput {
  workers: number;
  inFlight: number;
  answersPerSecond: number;
  /** CPU of this whole process (HTTP-less main thread and every worker) per answer, ms. */
  cpuMsPerAnswer: number;
}

/** `total` admissions of `bodies()` with `inFlight` outstanding at a time, after a warm-up of the same kind. */
export async function poolThroughput(workers: number, bodies: () => string, total: number, inFlight: number): Promise<PoolThroughput> {
  const { AdmissionWorkerPool: Pool } = (await import(resolve(import.meta.dirname, '../dist/workers/pool.js'))) as { AdmissionWorkerPool: typeof AdmissionWorkerPool };
  const pool = new Pool({ size: workers, features: BENCH_FEATURES });
  try {
    const raw = readRawConfigDir(TEMPLATES_DIR);
    pool.activate(await pool.prepare(raw, hashRawConfig(raw)));
    const one = async () => {
      const a = await pool.admit('inject', bodies(), '/inject');
      if (!a.summary.decoded || a.summary.reason !== 'injected') throw new Error(`pool bench pod not injected: ${a.body.slice(0, 300)}`);
    };
    await closedLoop(Math.max(1000, total / 4), inFlight, one);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await closedLoop(total, inFlight, one);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    return { workers, inFlight, answersPerSecond: total / secs, cpuMsPerAnswer: ownCpuMsSince(cpu0) / total };
  } finally {
    await pool.close();
  }
}
