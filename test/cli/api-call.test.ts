import { describe, expect, it } from 'vitest';
import { apiCall } from '../../src/cli/cluster.js';

/** An error shaped like KubeApiError: an HTTP code and a Status body. */
function apiError(code: number, message: string): Error {
  return Object.assign(new Error(`HTTP ${code}`), { code, body: JSON.stringify({ kind: 'Status', code, message }) });
}

describe('apiCall', () => {
  it('retries a briefly unavailable server (503, 429) and returns the answer once it comes', async () => {
    const codes = [503, 429];
    let calls = 0;
    const out = await apiCall('list things', async () => {
      calls++;
      const code = codes.shift();
      if (code !== undefined) throw apiError(code, 'storage is (re)initializing');
      return 'listed';
    });
    expect(out).toBe('listed');
    expect(calls).toBe(3);
  });

  it('does not retry a refusal, and names the call and the server message', async () => {
    let calls = 0;
    await expect(
      apiCall('list things', async () => {
        calls++;
        throw apiError(403, 'things is forbidden');
      }),
    ).rejects.toThrow(/list things.*things is forbidden/);
    expect(calls).toBe(1);
  });
});
