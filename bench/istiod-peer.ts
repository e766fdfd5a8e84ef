/**
 * istiod's own webhook as a benchmark peer: the oracle's `serve` verb (Istio's injection and
 * validation handlers from istio.io/istio, pinned in test/oracle/go.mod) over HTTPS, with the same
 * templates/ settings as the mesh-admission server, loaded with the same requests in the same run.
 * CPU per request is the server process' user+system time (from /proc) over the run, divided by
 * the requests served, so a noisy machine inflates latency but not that figure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ensureOracle, goAvailable } from '../test/oracle/oracle.js';
import { benchCerts, freePort, type BenchServer } from './harness.js';

const TEMPLATES = resolve(import.meta.dirname, '../templates');

async function startIstiod(): Promise<{ child: ChildProcess; port: number }> {
  const { path } = ensureOracle((s) => process.stderr.write(s));
  const tls = await benchCerts();
  const port = await freePort();
  const args = ['serve', '--port', String(port), '--tls-cert-file', tls.cert, '--tls-key-file', tls.key,
    '--injectConfigFile', join(TEMPLATES, 'config'), '--valuesFile', join(TEMPLATES, 'values'), '-r', 'default', '--native-sidecars', 'true'];
  const child = spawn(path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((ok, fail) => {
    let buf = '';
    child.stderr!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('oracle serving')) ok();
    });
    child.on('exit', (code) => fail(new Error(`istiod peer exited with ${code}: ${buf.slice(-500)}`)));
  });
  return { child, port };
}

/**
 * istiod's own injection webhook (Istio's handler, served by the test oracle) as one more bench server, fed
 * the same requests with the same templates and values; undefined when Go is not on the machine.
 */
export function istiodServer(): BenchServer | undefined {
  if (!goAvailable()) return undefined;
  return {
    name: "istiod (Istio's handler)",
    injectPath: '/inject',
    validatePath: '/validate',
    start: async () => {
      const { child, port } = await startIstiod();
      return { port, pid: child.pid!, stop: () => child.kill() };
    },
  };
}
