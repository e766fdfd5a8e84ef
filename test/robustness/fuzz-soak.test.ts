import { afterAll, describe, expect, it } from 'vitest';
import { killAllServers } from './server-process.js';
import { runFuzz } from './fuzz.js';
import { runSoak } from './soak.js';

/**
 * CI's slice of `npm run fuzz` and `npm run soak`: the same tools, fewer cases and seconds, both against the
 * real server process. Strict: any failed answer, 5xx, wrong uid or limit passed fails the test, and the
 * grouped failures are in the assertion message.
 */
const lines: string[] = [];
const log = (l: string) => lines.push(l);

describe('robustness: fuzz and soak slices against the server process', () => {
  afterAll(killAllServers);

  it('fuzz: 800 seeded hostile reviews (every kind of input at least once)', async () => {
    lines.length = 0;
    const r = await runFuzz({ seed: 20261202, count: 800, concurrency: 8, timeoutMs: 15_000, maxSeconds: 60, log });
    if (!r.ok) console.log(lines.join('\n'));
    expect({ summary: r.summary, failures: r.failures, limits: r.limitsPassed }).toEqual({
      summary: expect.stringMatching(/^fuzz: requests=800 failed=0 5xx=0 wrong-uid=0 /),
      failures: [],
      limits: [],
    });
  }, 120_000);

  it('soak: 15 s of mixed load with reloads every 0.5 s, two certificate rotations and stalled clients', async () => {
    lines.length = 0;
    const r = await runSoak({ seconds: 15, seed: 20261202, timeoutMs: 20_000, log });
    if (!r.ok) console.log(lines.join('\n'));
    expect(r.requests).toBeGreaterThan(100);
    expect({ summary: r.summary, failures: r.failures, limits: r.limitsPassed }).toEqual({
      summary: expect.stringMatching(/^soak: requests=\d+ failed=0 5xx=0 wrong-uid=0 .* rotations=2$/),
      failures: [],
      limits: [],
    });
  }, 90_000);
});
