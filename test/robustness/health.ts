/**
 * A liveness probe running beside the load, as the kubelet's would: GET /healthz every 500 ms with a 1 s budget.
 * A frozen event loop shows here first (Kubernetes restarts the pod after a few misses).
 */
import { Agent, request } from 'node:https';
import type { ServerProcess } from './server-process.js';

export interface HealthFigures {
  polls: number;
  /** Polls slower than 1 s or failed. */
  slow: number;
  maxMs: number;
}

export function probeHealth(server: ServerProcess, everyMs = 500): { stop(): Promise<HealthFigures> } {
  const agent = new Agent({ keepAlive: false });
  const f: HealthFigures = { polls: 0, slow: 0, maxMs: 0 };
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const poll = (): Promise<void> =>
    new Promise((ok) => {
      const started = performance.now();
      const req = request({ host: '127.0.0.1', port: server.port, path: '/healthz', ca: server.ca.certPem, servername: 'localhost', agent }, (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode === 200));
      });
      // Waits past 1 s are still timed (up to 5 s), so the figure says how long the loop was stuck.
      const timer = setTimeout(() => req.destroy(new Error('timeout')), 5_000);
      const done = (good: boolean) => {
        clearTimeout(timer);
        const ms = performance.now() - started;
        f.polls++;
        f.maxMs = Math.max(f.maxMs, ms);
        if (!good || ms > 1000) f.slow++;
        ok();
      };
      req.on('error', () => done(false));
      req.end();
    });
  const loop = async () => {
    while (!stopped) {
      inFlight = poll();
      await inFlight;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  };
  void loop();
  return {
    async stop() {
      stopped = true;
      await inFlight;
      agent.destroy();
      return f;
    },
  };
}
