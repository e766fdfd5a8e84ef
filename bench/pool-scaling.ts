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
    const run = async (n: number) => {
      let next = 0;
      const lane = async () => {
        while (next < n) {
          next++;
          const a = await pool.admit('inject', bodies(), '/inject');
          if (!a.summary.decoded || a.summary.reason !== 'injected') throw new Error(`pool bench pod not injected: ${a.body.slice(0, 300)}`);
        }
      };
      await Promise.all(Array.from({ length: inFlight }, lane));
    };
    await run(Math.max(1000, total / 4));
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await run(total);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    return { workers, inFlight, answersPerSecond: total / secs, cpuMsPerAnswer: (cpu.user + cpu.system) / 1000 / total };
  } finally {
    await pool.close();
  }
}
