import { chmodSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import { generateCA, issueServingCert } from '../../src/certs/generate.js';
import { apiErrorInfo, loadKubeConfig, makeApis } from '../../src/kube/client.js';
import { KubeApiError, KubeClient } from '../../src/kube/rest.js';
import { testTempDir } from '../tmp.js';

const servers: Array<http.Server> = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function listen(server: http.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

const plain = (handler: http.RequestListener) => listen(http.createServer(handler));
const client = (port: number, limits: ConstructorParameters<typeof KubeClient>[1] = {}) =>
  new KubeClient({ server: `http://127.0.0.1:${port}`, skipTLSVerify: false, auth: { kind: 'token', token: 'tk' } }, limits);

describe('KubeClient requests', () => {
  it('sends JSON with the bearer token and the query, and parses the answer', async () => {
    const seen: Array<{ method?: string; url?: string; auth?: string; type?: string; body: string }> = [];
    const port = await plain((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ kind: 'Gateway', metadata: { name: 'g' } }));
      });
    });
    const { custom, admission } = makeApis(client(port));
    const got = await custom.createNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: 'a b', plural: 'gateways', body: { spec: {} }, dryRun: 'All' });
    expect(got.metadata?.name).toBe('g');
    await admission.patchMutatingWebhookConfiguration({ name: 'istio-sidecar-injector', body: [{ op: 'test', path: '/metadata/resourceVersion', value: '7' }] });
    expect(seen).toEqual([
      { method: 'POST', url: '/apis/networking.istio.io/v1/namespaces/a%20b/gateways?dryRun=All', auth: 'Bearer tk', type: 'application/json', body: '{"spec":{}}' },
      {
        method: 'PATCH',
        url: '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/istio-sidecar-injector',
        auth: 'Bearer tk',
        type: 'application/json-patch+json',
        body: '[{"op":"test","path":"/metadata/resourceVersion","value":"7"}]',
      },
    ]);
  });

  it('keeps a path prefix of the server URL (an API server behind a proxy)', async () => {
    const urls: string[] = [];
    const port = await plain((req, res) => {
      urls.push(req.url ?? '');
      res.end('{"items":[]}');
    });
    const kc = new KubeClient({ server: `http://127.0.0.1:${port}/k8s/clusters/c-1`, skipTLSVerify: false, auth: { kind: 'none' } });
    await makeApis(kc).core.listNamespace({ labelSelector: 'istio-injection=enabled' });
    expect(urls).toEqual(['/k8s/clusters/c-1/api/v1/namespaces?labelSelector=istio-injection%3Denabled']);
  });

  it('rejects a non-2xx answer with its code and Status body', async () => {
    const port = await plain((_req, res) => {
      res.statusCode = 403;
      res.end(JSON.stringify({ kind: 'Status', code: 403, reason: 'Forbidden', message: 'secrets "x" is forbidden' }));
    });
    const e = await makeApis(client(port)).core.readNamespacedSecret({ namespace: 'n', name: 'x' }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(KubeApiError);
    // The Status message rides in the error's own message too, for the log lines that print only that.
    expect((e as Error).message).toBe('GET /api/v1/namespaces/n/secrets/x: HTTP 403: secrets "x" is forbidden');
    expect(apiErrorInfo(e)).toEqual({ code: 403, reason: 'Forbidden', message: 'secrets "x" is forbidden' });
  });

  it('gives up on a server that never answers, on an answer larger than the cap, and on one cut short', async () => {
    const port = await plain((req, res) => {
      if (req.url?.includes('big')) res.end('x'.repeat(100_000));
      if (req.url?.includes('cut')) {
        res.writeHead(200, { 'content-length': '100' });
        res.write('{"items":');
        setTimeout(() => res.destroy(), 20);
      }
      // otherwise: never answer
    });
    const kc = client(port, { requestTimeoutMs: 300, maxResponseBytes: 10_000 });
    const started = Date.now();
    await expect(kc.request('GET', '/api/v1/namespaces/stall')).rejects.toThrow(/no answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
    await expect(kc.request('GET', '/api/v1/namespaces/big')).rejects.toThrow(/larger than 10000 bytes/);
    await expect(kc.request('GET', '/api/v1/namespaces/cut')).rejects.toThrow(/closed before the answer was complete|aborted/);
  });
});

describe('KubeClient watches', () => {
  it('delivers events split across chunks, then ends cleanly once', async () => {
    const port = await plain((req, res) => {
      expect(req.url).toBe('/api/v1/nodes?resourceVersion=5&watch=true');
      res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MODI');
      setTimeout(() => res.end('FIED","object":{"metadata":{"name":"a","resourceVersion":"6"}}}\n'), 20);
    });
    const events: string[] = [];
    const done: Array<Error | null> = [];
    await new Promise<void>((resolve) => {
      void client(port).watch('/api/v1/nodes', { resourceVersion: '5' }, (type, o) => events.push(`${type} ${JSON.stringify(o)}`), (e) => {
        done.push(e);
        resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual(['ADDED {"metadata":{"name":"a"}}', 'MODIFIED {"metadata":{"name":"a","resourceVersion":"6"}}']);
    expect(done).toEqual([null]);
  });

  it('reports abort() as an AbortError exactly once, and a non-200 answer as a KubeApiError', async () => {
    const port = await plain((req, res) => {
      if (req.url?.includes('gone')) {
        res.statusCode = 410;
        res.end('{"kind":"Status","code":410,"message":"too old resource version"}');
        return;
      }
      res.write('\n');
    });
    const kc = client(port);
    const done: Array<string> = [];
    const h = await kc.watch('/api/v1/nodes', {}, () => undefined, (e) => done.push(e?.name ?? 'null'));
    await new Promise((r) => setTimeout(r, 30));
    h.abort();
    h.abort();
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toEqual(['AbortError']);
    const err = await new Promise<Error | null>((resolve) => void kc.watch('/gone', {}, () => undefined, resolve));
    expect(apiErrorInfo(err)).toMatchObject({ code: 410, message: 'too old resource version' });
  });

  it('ends a watch whose handler throws, instead of letting the exception escape the socket callback', async () => {
    const port = await plain((_req, res) => {
      res.write('{"type":"ADDED","object":{}}\n');
    });
    const err = await new Promise<Error | null>((resolve) =>
      void client(port).watch('/api/v1/nodes', {}, () => {
        throw new RangeError('Maximum call stack size exceeded');
      }, resolve),
    );
    expect(err?.message).toMatch(/an event could not be handled: Maximum call stack size exceeded/);
  });

  it('cuts a stream whose event grows past the line cap instead of buffering it', async () => {
    const port = await plain((_req, res) => {
      res.write('{"type":"ADDED","object":{"data":"');
      const chunk = 'y'.repeat(4096);
      const t = setInterval(() => {
        if (!res.write(chunk)) return;
      }, 1);
      res.on('close', () => clearInterval(t));
    });
    const err = await new Promise<Error | null>((resolve) => void client(port, { maxWatchLineBytes: 64 * 1024 }).watch('/api/v1/nodes', {}, () => undefined, resolve));
    expect(err?.message).toMatch(/event larger than 65536 bytes/);
  });
});

describe('KubeClient credentials', () => {
  it('re-reads a token file after the kubelet rotates it', async () => {
    const auths: string[] = [];
    const port = await plain((req, res) => {
      auths.push(req.headers.authorization ?? '');
      res.end('{}');
    });
    const file = join(testTempDir('tok-'), 'token');
    writeFileSync(file, 'first\n');
    const kc = new KubeClient({ server: `http://127.0.0.1:${port}`, skipTLSVerify: false, auth: { kind: 'tokenFile', path: file } });
    await kc.request('GET', '/version');
    writeFileSync(file, 'second\n');
    const later = new Date(Date.now() + 5_000);
    const { utimesSync } = await import('node:fs');
    utimesSync(file, later, later);
    (kc as unknown as { tokenCache: { checkedAt: number } }).tokenCache.checkedAt = 0;
    await kc.request('GET', '/version');
    expect(auths).toEqual(['Bearer first', 'Bearer second']);
  });

  it('runs an exec credential plugin once until its token expires, and names a failing one', async () => {
    const auths: string[] = [];
    const port = await plain((req, res) => {
      auths.push(req.headers.authorization ?? '');
      res.end('{}');
    });
    const dir = testTempDir('exec-');
    const counter = join(dir, 'runs');
    writeFileSync(counter, '');
    const plugin = join(dir, 'plugin.mjs');
    writeFileSync(
      plugin,
      `#!/usr/bin/env node
import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(counter)}, 'x');
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
if (process.env.FAIL) { console.error('login required'); process.exit(1); }
console.log(JSON.stringify({ apiVersion: info.apiVersion, kind: 'ExecCredential', status: { token: 'tok-' + process.env.WHO, expirationTimestamp: new Date(Date.now() + 3600e3).toISOString() } }));
`,
    );
    chmodSync(plugin, 0o755);
    const kubeconfig = join(dir, 'config');
    const write = (env: string) =>
      writeFileSync(
        kubeconfig,
        `apiVersion: v1
clusters: [{name: c, cluster: {server: 'http://127.0.0.1:${port}'}}]
users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ./plugin.mjs, env: [${env}]}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
      );
    write('{name: WHO, value: me}');
    const { kc } = loadKubeConfig({ kubeconfigPath: kubeconfig }, {});
    await kc.request('GET', '/version');
    await kc.request('GET', '/version');
    expect(auths).toEqual(['Bearer tok-me', 'Bearer tok-me']);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(counter, 'utf8')).toBe('x');

    write('{name: FAIL, value: "1"}');
    const failing = loadKubeConfig({ kubeconfigPath: kubeconfig }, {}).kc;
    await expect(failing.request('GET', '/version')).rejects.toThrow(/credential plugin .*plugin\.mjs for http:\/\/127\.0\.0\.1:\d+ failed: login required/);
  });

  it('verifies the server against the kubeconfig CA and presents the client certificate', async () => {
    const ca = await generateCA();
    const serving = await issueServingCert(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const clientPair = await generate([{ name: 'commonName', value: 'admin' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      ca: { key: ca.keyPem, cert: ca.certPem },
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true },
        { name: 'extKeyUsage', clientAuth: true },
      ],
    });
    const port = await listen(
      https.createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
        const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
        res.end(JSON.stringify({ user: peer.subject?.CN }));
      }) as unknown as http.Server,
    );
    const dir = testTempDir('tls-');
    writeFileSync(join(dir, 'ca.crt'), ca.certPem);
    writeFileSync(join(dir, 'client.key'), clientPair.private);
    const kubeconfig = join(dir, 'config');
    writeFileSync(
      kubeconfig,
      `clusters: [{name: c, cluster: {server: 'https://127.0.0.1:${port}', certificate-authority: ca.crt}}]
users: [{name: u, user: {client-certificate-data: ${Buffer.from(clientPair.cert).toString('base64')}, client-key: client.key}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
    const { kc } = loadKubeConfig({ kubeconfigPath: kubeconfig }, {});
    expect(await kc.request('GET', '/version')).toEqual({ user: 'admin' });
    kc.close();

    const other = await generateCA();
    const wrongCa = new KubeClient({ server: `https://127.0.0.1:${port}`, ca: Buffer.from(other.certPem), skipTLSVerify: false, auth: { kind: 'none' } });
    await expect(wrongCa.request('GET', '/version')).rejects.toThrow(/certificate/);
  }, 30_000);
});
