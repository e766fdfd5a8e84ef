/**
 * A Kubernetes API server that misbehaves on purpose, for the soak: the server under test watches Nodes and
 * ProxyConfigs through it (`--native-sidecars auto --watch-proxyconfigs`) while it admits. Each LIST or WATCH
 * gets one behaviour picked by a seeded generator: a good answer (random nodes with changing kubelet versions,
 * ProxyConfigs in a namespace no soak pod uses, some deeply nested), an error Status, a body that is not JSON,
 * an answer cut short, an answer that never comes, `continue` tokens without end, a 410 (as HTTP and as an ERROR event), a line that is not
 * JSON, an event larger than the client's line cap, a stream trickled a few bytes at a time. None of it may fail an
 * admission, stall the event loop or take memory past the soak's limit.
 */
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Rng } from './fuzz-cases.js';

// A stalled answer holds that watch for the client's whole 30 s deadline, so it is the rare one.
const LIST_BEHAVIOURS = [...Array<'ok'>(12).fill('ok'), 'status-500', 'status-500', 'forbidden', 'not-json', 'not-json', 'cut', 'cut', 'stall', 'endless-pages'] as const;
const WATCH_BEHAVIOURS = ['events', 'events', 'events', 'events', 'gone-event', 'gone-http', 'status-500', 'not-json-line', 'oversized', 'reset', 'trickle'] as const;
type Behaviour = (typeof LIST_BEHAVIOURS)[number] | (typeof WATCH_BEHAVIOURS)[number];

/** Each behaviour once, `last` at the end, with a good answer before each (a good LIST resets the client's backoff). */
const cycle = <T extends string>(list: readonly T[], good: T, last: T): T[] =>
  [...new Set(list)].filter((b) => b !== last && b !== good).concat([last]).flatMap((b) => [good, b]);
const LIST_CYCLE = cycle(LIST_BEHAVIOURS, 'ok', 'stall');
const WATCH_CYCLE = cycle(WATCH_BEHAVIOURS, 'events', 'trickle');

/** Larger than the client's 16 MiB watch line cap. */
const OVERSIZED_BYTES = 17 * 1024 * 1024;

export interface HostileKube {
  kubeconfig: string;
  /** Requests answered, by path kind and behaviour, e.g. `nodes list ok: 12`. */
  counts(): Map<string, number>;
  total(): number;
  stop(): Promise<void>;
}

/** Objects as JSON text: a nesting this deep is beyond JSON.stringify's recursion, not JSON.parse's. */
const DEEP = `${'{"a":'.repeat(20_000)}"bottom"${'}'.repeat(20_000)}`;

function node(r: Rng, i: number): string {
  const minor = 28 + Math.floor(r() * 10);
  const version = r() < 0.1 ? '{"not":"a string"}' : `"v1.${minor}.0"`;
  return `{"metadata":{"name":"node-${i}","resourceVersion":"${i}"},"status":{"nodeInfo":{"kubeletVersion":${version}}}}`;
}

function proxyConfig(r: Rng, i: number): string {
  // `elsewhere` with a selector no soak pod carries: the soak's own answers stay what the judge expects.
  const concurrency = r() < 0.2 ? '"many"' : '2';
  const env = r() < 0.3 ? `{"DEEP":${DEEP}}` : '{"A":"b"}';
  return `{"apiVersion":"networking.istio.io/v1beta1","kind":"ProxyConfig","metadata":{"name":"pc-${i}","namespace":"elsewhere","creationTimestamp":"2026-01-01T00:00:00Z","resourceVersion":"${i}"},"spec":{"selector":{"matchLabels":{"hostile-kube":"never-matched"}},"concurrency":${concurrency},"environmentVariables":${env}}}`;
}

export async function startHostileKube(dir: string, rng: Rng): Promise<HostileKube> {
  const counts = new Map<string, number>();
  const served = new Map<string, number>();
  let total = 0;
  let rv = 1000;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const what = url.pathname.endsWith('/nodes') ? 'nodes' : url.pathname.endsWith('/proxyconfigs') ? 'proxyconfigs' : 'other';
    const watching = url.searchParams.get('watch') === 'true';
    const endless = url.searchParams.get('continue')?.startsWith('more-') === true;
    // Each path meets every behaviour once first (the stall last: it holds that path for the client's deadline),
    // so even a short soak sees them all; then they come at random.
    const kind = `${what} ${watching ? 'watch' : 'list'}`;
    const n = served.get(kind) ?? 0;
    if (!endless) served.set(kind, n + 1);
    const order = watching ? WATCH_CYCLE : LIST_CYCLE;
    const behaviour: Behaviour =
      what === 'other' ? 'status-500' : endless ? 'endless-pages' : n < order.length ? order[n]! : watching ? pick(WATCH_BEHAVIOURS) : pick(LIST_BEHAVIOURS);
    const key = `${what} ${watching ? 'watch' : 'list'} ${behaviour}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    total++;
    const item = (i: number) => (what === 'nodes' ? node(rng, i) : proxyConfig(rng, i));
    const status = (code: number, reason: string) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message: `hostile-kube says ${reason}` }));
    };
    const event = (type: string, objectJson: string) => `{"type":"${type}","object":${objectJson}}\n`;
    switch (behaviour) {
      case 'ok': {
        const n = Math.floor(rng() * 5);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"kind":"List","metadata":{"resourceVersion":"${++rv}"},"items":[${Array.from({ length: n }, (_, i) => item(i)).join(',')}]}`);
        return;
      }
      case 'endless-pages': {
        // Every page says there is another: the client must give up at its page cap, not list forever.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"kind":"List","metadata":{"resourceVersion":"${rv}","continue":"more-${total}"},"items":[${item(0)}]}`);
        return;
      }
      case 'status-500':
        return status(500, 'InternalError');
      case 'forbidden':
        return status(403, 'Forbidden');
      case 'gone-http':
        return status(410, 'Expired');
      case 'not-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('<html>a proxy error page</html>');
        return;
      case 'cut':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
        res.write('{"kind":"List","items":[');
        later(20, () => res.destroy());
        return;
      case 'stall':
        // Headers and then nothing: the client's deadline has to end it.
        res.writeHead(200, { 'content-type': 'application/json' });
        return;
      case 'events': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const n = 1 + Math.floor(rng() * 6);
        let k = 0;
        const next = () => {
          if (res.destroyed) return;
          if (k++ >= n) return void res.end();
          const type = pick(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK'] as const);
          res.write(type === 'BOOKMARK' ? event(type, `{"metadata":{"resourceVersion":"${++rv}"}}`) : event(type, item(Math.floor(rng() * 5))));
          later(Math.floor(rng() * 200), next);
        };
        next();
        return;
      }
      case 'gone-event':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(event('ERROR', '{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version"}'));
        return;
      case 'not-json-line':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(event('ADDED', item(0)));
        res.end('{"type":"MODIFIED","object":{"metadata":\n');
        return;
      case 'oversized': {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"type":"ADDED","object":{"metadata":{"name":"big"},"data":"');
        const chunk = Buffer.alloc(256 * 1024, 'x');
        let sent = 0;
        const pump = () => {
          while (sent < OVERSIZED_BYTES && !res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          if (!res.destroyed) res.end('"}}\n');
        };
        pump();
        return;
      }
      case 'reset':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(event('ADDED', item(1)).slice(0, 30));
        later(10, () => res.destroy());
        return;
      case 'trickle': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const text = event('MODIFIED', item(2));
        let i = 0;
        const drip = () => {
          if (res.destroyed) return;
          if (i >= text.length) return void res.end();
          res.write(text.slice(i, (i += 8)));
          later(20, drip);
        };
        drip();
        return;
      }
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  const kubeconfig = join(dir, 'hostile-kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters: [{name: hostile, cluster: {server: 'http://127.0.0.1:${port}'}}]\nusers: [{name: u, user: {token: soak}}]\ncontexts: [{name: h, context: {cluster: hostile, user: u}}]\ncurrent-context: h\n`,
  );
  return {
    kubeconfig,
    counts: () => counts,
    total: () => total,
    async stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
