/**
 * istiod's own webhook as a benchmark peer: the oracle's `serve` verb (Istio's injection and
 * validation handlers from istio.io/istio, pinned in test/oracle/go.mod) over HTTPS, with the same
 * templates/ settings as the mesh-admission server, loaded with the same requests in the same run.
 * CPU per request is the server process' user+system time (from /proc) over the run, divided by
 * the requests served, so a noisy machine inflates latency but not that figure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateCA, issueServingCert } from '../src/certs/generate.js';
import { ensureOracle, goAvailable } from '../test/oracle/oracle.js';
import type { BenchServer } from './harness.js';

const TEMPLATES = resolve(import.meta.dirname, '../templates');

async function startIstiod(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const { path } = ensureOracle((s) => process.stderr.write(s));
  const ca = await generateCA();
  const leaf = await issueServingCert(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  writeFileSync(join(dir, 'tls.crt'), leaf.certPem);
  writeFileSync(join(dir, 'tls.key'), leaf.keyPem);
  // Port 0 is not accepted by every caller; pick a free one by letting the kernel choose first.
  const { createServer } = await import('node:net');
  const port = await new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => ok(typeof a === 'object' && a ? a.port : 0));
    });
  });
  const args = ['serve', '--port', String(port), '--tls-cert-file', join(dir, 'tls.crt'), '--tls-key-file', join(dir, 'tls.key'),
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
      const dir = mkdtempSync(join(tmpdir(), 'istiod-peer-'));
      const { child, port } = await startIstiod(dir);
      return {
        port,
        pid: child.pid!,
        stop: () => {
          child.kill();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}
