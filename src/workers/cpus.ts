import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * CPUs from a cgroup v2 `cpu.max` line ("max 100000" = no quota, "150000 100000" = 1.5 CPUs), rounded up
 * so a fractional quota still gets a worker for its fraction; undefined when there is no quota.
 */
export function cpusFromCpuMax(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === undefined || quota === 'max') return undefined;
  const q = Number(quota);
  const p = Number(period ?? '100000');
  if (!Number.isFinite(q) || !Number.isFinite(p) || q <= 0 || p <= 0) return undefined;
  return Math.max(1, Math.ceil(q / p));
}

/** The CPUs this container may use: its cgroup CPU quota when it has one, else what the OS offers. */
export function defaultWorkerCount(cpuMaxFile = '/sys/fs/cgroup/cpu.max'): number {
  const parallel = availableParallelism();
  let quota: number | undefined;
  try {
    quota = cpusFromCpuMax(readFileSync(cpuMaxFile, 'utf8'));
  } catch {
    quota = undefined; // cgroup v1 or not Linux: no quota file to read
  }
  return quota === undefined ? parallel : Math.min(quota, parallel);
}
