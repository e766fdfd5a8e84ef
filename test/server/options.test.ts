import { describe, expect, it } from 'vitest';
import { parseDuration, parseServeOptions } from '../../src/server/options.js';

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
      maxInFlightBodyBytes: 64 * 1024 * 1024,
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
