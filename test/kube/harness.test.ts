import { describe, expect, it } from 'vitest';
import { until } from './harness.js';

describe('until (shared poll for control-loop tests)', () => {
  it('resolves as soon as the condition holds', async () => {
    let n = 0;
    await until(() => ++n >= 3, 1000, 1);
    expect(n).toBe(3);
  });

  it('rejects once the time is up, so a stuck loop fails instead of hanging', async () => {
    await expect(until(() => false, 30, 5)).rejects.toThrow('timed out');
  });
});
