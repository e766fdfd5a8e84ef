import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { parseDuration, parseServeOptions } from '../../src/server/options.js';
import { defaultWorkerCount } from '../../src/workers/cpus.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testTempDir } from '../tmp.js';

function tmpFile(name: string, text: string): string {
  const f = join(testTempDir('cpumax-'), name);
  writeFileSync(f, text);
  return f;
}

describe('--workers', () => {
  it('takes an explicit count, 0 meaning the HTTP thread', () => {
    expect(parseServeOptions(['--workers', '3']).workers).toBe(3);
    expect(parseServeOptions(['--workers', '0']).workers).toBe(0);
  });
  it('defaults to the CPUs the container may use', () => {
    expect(parseServeOptions([]).workers).toBe(defaultWorkerCount());
  });
  it('refuses what is not a small non-negative integer', () => {
    for (const bad of ['-1', '1.5', 'two', '1000']) expect(() => parseServeOptions([`--workers=${bad}`])).toThrow(/--workers must be an integer/);
  });
  it('reads the cgroup quota, capped by what the OS offers', () => {
    expect(defaultWorkerCount(tmpFile('cpu.max', '100000 100000\n'))).toBe(1);
    expect(defaultWorkerCount(tmpFile('cpu.max', 'max 100000\n'))).toBe(availableParallelism());
    expect(defaultWorkerCount('/nonexistent/cpu.max')).toBe(availableParallelism());
  });
});

describe('serve options: limits, drain and monitoring flags', () => {
  it('parses durations in ms, s, m and bare seconds', () => {
    expect(parseDuration('500ms', '--x')).toBe(500);
    expect(parseDuration('10s', '--x')).toBe(10_000);
    expect(parseDuration('2m', '--x')).toBe(120_000);
    expect(parseDuration('1.5', '--x')).toBe(1500);
    expect(() => parseDuration('soon', '--drain-period')).toThrow("--drain-period wants a duration like 10s, 500ms or 2m, got 'soon'");
  });

  it('has the documented defaults', () => {
    const o = parseServeOptions([]);
    expect(o).toMatchObject({
      requestTimeoutMs: 10_000,
      headersTimeoutMs: 5_000,
      idleTimeoutMs: 90_000,
      connectionTimeoutMs: 30_000,
      maxInFlight: 32,
      maxInFlightBodyBytes: 32 * 1024 * 1024,
      drainPeriodMs: 5_000,
      shutdownTimeoutMs: 10_000,
      monitoringPort: 15014,
      monitoringHost: '127.0.0.1',
    });
  });

  it('reads the flags and refuses bad values', () => {
    const o = parseServeOptions(['--request-timeout', '3s', '--max-in-flight', '4', '--monitoring-port', '9090', '--monitoring-host', '0.0.0.0', '--max-in-flight-body-mib', '8']);
    expect(o).toMatchObject({ requestTimeoutMs: 3000, maxInFlight: 4, monitoringPort: 9090, monitoringHost: '0.0.0.0', maxInFlightBodyBytes: 8 * 1024 * 1024 });
    expect(() => parseServeOptions(['--max-in-flight', '0'])).toThrow('--max-in-flight must be a positive integer');
    expect(() => parseServeOptions(['--monitoring-port', '70000'])).toThrow('--monitoring-port must be an integer 0..65535');
  });
});
