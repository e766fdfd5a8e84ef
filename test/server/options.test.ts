import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { parseServeOptions } from '../../src/server/options.js';
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
