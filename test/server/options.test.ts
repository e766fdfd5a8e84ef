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
  it('parses durations in ms, s, m, h, d and bare seconds', () => {
    expect(parseDuration('500ms', '--x')).toBe(500);
    expect(parseDuration('12h', '--x')).toBe(12 * 3_600_000);
    expect(parseDuration('90d', '--x')).toBe(90 * 86_400_000);
    expect(parseDuration('10s', '--x')).toBe(10_000);
    expect(parseDuration('2m', '--x')).toBe(120_000);
    expect(parseDuration('1.5', '--x')).toBe(1500);
    expect(() => parseDuration('soon', '--drain-period')).toThrow("--drain-period wants a duration like 10s, 500ms, 2m, 12h or 90d, got 'soon'");
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

describe('self-managed certificate lives', () => {
  const DAY = 86_400_000;
  const withSecret = (...args: string[]) => parseServeOptions(['--cert-secret', 'certs', ...args]);

  it('defaults to what the server hardcoded before the flags existed', () => {
    expect(withSecret()).toMatchObject({ certValidityMs: 90 * DAY, caValidityMs: 1825 * DAY, caOverlapMs: 15 * 60_000, certCheckIntervalMs: 60_000, certSans: [] });
  });

  it('reads short lives, as a test shortens them', () => {
    const o = withSecret('--cert-validity', '15s', '--ca-validity', '45s', '--ca-overlap', '8s', '--cert-check-interval', '1s', '--cert-san', '127.0.0.1', '--cert-san', 'localhost,::1');
    expect(o).toMatchObject({ certValidityMs: 15_000, caValidityMs: 45_000, caOverlapMs: 8_000, certCheckIntervalMs: 1_000, certSans: ['127.0.0.1', 'localhost', '::1'] });
  });

  it('refuses them without --cert-secret, naming the flags', () => {
    expect(() => parseServeOptions(['--cert-validity', '1d', '--cert-san', 'x'])).toThrow(
      'usage: --cert-validity, --cert-san only apply to self-managed certificates (--cert-secret)',
    );
  });

  it('refuses lives that cannot renew or rotate in time, saying why', () => {
    const cases: Array<[string[], string]> = [
      [['--cert-validity', 'soon'], "--cert-validity wants a duration like 10s, 500ms, 2m, 12h or 90d, got 'soon'"],
      [['--ca-validity', '500ms'], "--ca-validity must be at least 1s, got '500ms'"],
      [['--cert-validity', '2m'], '--cert-check-interval (60s) must be shorter than a third of --cert-validity (2m): renewal starts at 2/3'],
      [['--cert-check-interval', '10s', '--cert-validity', '1m', '--ca-validity', '30s', '--ca-overlap', '10s'], '--cert-check-interval (10s) must be shorter than a third of --ca-validity (30s)'],
      [['--ca-validity', '30m'], '--ca-overlap (15m) must be shorter than a third of --ca-validity (30m): the new CA joins the bundle'],
      [['--ca-overlap', '30s'], '--ca-overlap (30s) must be at least --cert-check-interval (60s): other replicas read the new CA'],
      [['--cert-san', 'not a name'], "--cert-san wants a DNS name or an IP address, got 'not a name'"],
    ];
    for (const [args, message] of cases) {
      let caught: unknown;
      try {
        withSecret(...args);
      } catch (e) {
        caught = e;
      }
      expect(caught, args.join(' ')).toMatchObject({ code: 'MA500_USAGE' });
      expect((caught as Error).message).toContain(message);
    }
  });
});
