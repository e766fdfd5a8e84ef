import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request, type Server as HttpsServer } from 'node:https';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { generateCA, issueServingCert, type PemPair } from '../../src/certs/generate.js';
import { watchCertFiles } from '../../src/certs/watch.js';
import { ConfigHolder } from '../../src/config/holder.js';
import { readRawConfigDir } from '../../src/config/dir-source.js';
import { compileInjectionSettings } from '../../src/inject/engine.js';
import { canaryInject } from '../../src/inject/canary.js';
import { injectAdmission } from '../../src/inject/webhook.js';
import type { InjectionSettings } from '../../src/inject/types.js';
import { buildServer } from '../../src/server/app.js';
import { createMetrics } from '../../src/server/metrics.js';
import { testTempDir } from '../tmp.js';

const TEMPLATES = resolve(import.meta.dirname, '../../templates');
const raw = readRawConfigDir(TEMPLATES);
const withTag = (tag: string) => {
  const values = JSON.parse(raw.values) as { global: { tag: string } };
  values.global.tag = tag;
  return { config: raw.config, values: JSON.stringify(values) };
};

const pod = {
  metadata: { generateName: 'web-6b8f7c9d4-', labels: { app: 'web', 'pod-template-hash': '6b8f7c9d4' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-6b8f7c9d4', controller: true, uid: 'u' }] },
  spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 8080 }] }] },
};
const body = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u', namespace: 'load', operation: 'CREATE', object: pod } });

function post(port: number, ca: string, agent: Agent): Promise<{ status: number; json: { response: { allowed: boolean; patch?: string } } }> {
  return new Promise((ok, fail) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/inject', method: 'POST', ca, agent, servername: 'localhost', headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

/** The proxy image tag a response injected, so each answer can be traced to one configuration. */
function injectedTag(patchB64: string): string {
  const text = Buffer.from(patchB64, 'base64').toString();
  const m = /proxyv2:([^"]+)"/.exec(text);
  return m ? m[1]! : '';
}

describe('live reloads and certificate rotation under concurrent injection', () => {
  let ca: PemPair;
  let dir: string;
  let holder: ConfigHolder<InjectionSettings>;
  let app: ReturnType<typeof buildServer>;
  let port: number;
  let certWatch: { close(): void };

  beforeAll(async () => {
    dir = testTempDir('mesh-admission-load-');
    ca = await generateCA();
    const leaf = await issueServingCert(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    writeFileSync(join(dir, 'tls.crt'), leaf.certPem);
    writeFileSync(join(dir, 'tls.key'), leaf.keyPem);
    holder = new ConfigHolder<InjectionSettings>({
      build: (r) => {
        const s = compileInjectionSettings(r);
        canaryInject(s);
        return s;
      },
    });
    expect(await holder.offer(withTag('1.0.0'), 'test')).toBe('success');
    app = buildServer({
      engines: {
        inject: (r, path) => {
          const snap = holder.current();
          return injectAdmission(snap.value, r, path, { templateHash: snap.hash });
        },
        validate: () => ({ allowed: true, reason: 'valid' }),
      },
      metrics: createMetrics(new Registry(), false),
      logger: pino({ level: 'silent' }),
      tls: { key: leaf.keyPem, cert: leaf.certPem },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
    certWatch = watchCertFiles(
      join(dir, 'tls.crt'),
      join(dir, 'tls.key'),
      (pair) => (app.server as unknown as HttpsServer).setSecureContext({ cert: pair.cert, key: pair.key }),
      () => undefined,
      { debounceMs: 10, pollIntervalMs: 0 },
    );
  });

  afterAll(async () => {
    certWatch.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('100 reloads (and one invalid config) while 16 clients inject: every request answered from one whole configuration', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const tags = new Set<string>();
    let stop = false;
    let served = 0;
    const failures: string[] = [];
    const client = async () => {
      while (!stop) {
        const r = await post(port, ca.certPem, agent);
        served++;
        if (r.status !== 200 || !r.json.response.allowed || !r.json.response.patch) failures.push(JSON.stringify(r.json).slice(0, 200));
        else tags.add(injectedTag(r.json.response.patch));
      }
    };
    const clients = Array.from({ length: 16 }, client);
    let rejected = 0;
    for (let i = 1; i <= 100; i++) {
      if (i === 50) {
        // A template that does not parse must not go live, and must not disturb anyone.
        const bad = await holder.offer({ config: `${raw.config}\n  broken: "{{ .Oops"\n`, values: raw.values }, 'test-bad');
        if (bad === 'failure') rejected++;
      }
      expect(await holder.offer(withTag(`1.0.${i}`), 'test')).toBe('success');
      await new Promise((r) => setTimeout(r, 2));
    }
    stop = true;
    await Promise.all(clients);
    agent.destroy();
    expect(failures).toEqual([]);
    expect(rejected).toBe(1);
    expect(served).toBeGreaterThan(100);
    // Every answer names a tag some activated configuration had: no half-applied mix.
    for (const t of tags) expect(t).toMatch(/^1\.0\.\d+$/);
    expect(holder.status().lastError?.source).toBe('test-bad');
    expect(injectedTag((await post(port, ca.certPem, new Agent())).json.response.patch!)).toBe('1.0.100');
  }, 60_000);

  it('certificate rotation under load: no request fails, new connections see the new certificate', async () => {
    // Half the clients reuse connections (old certificate), half open new ones each time (handshakes during swaps).
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 8 });
    const fresh = new Agent({ keepAlive: false });
    let stop = false;
    let served = 0;
    const failures: string[] = [];
    const client = (agent: Agent) => async () => {
      while (!stop) {
        try {
          const r = await post(port, ca.certPem, agent);
          served++;
          if (r.status !== 200 || !r.json.response.allowed) failures.push(`status ${r.status}`);
        } catch (e) {
          failures.push(String(e));
        }
      }
    };
    const clients = [...Array.from({ length: 8 }, client(keepAlive)), ...Array.from({ length: 4 }, client(fresh))];
    const serials: string[] = [];
    for (let i = 0; i < 5; i++) {
      const leaf = await issueServingCert(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
      // Write both halves, then swap them in atomically, as a Secret volume update does.
      writeFileSync(join(dir, 'tls.key.new'), leaf.keyPem);
      writeFileSync(join(dir, 'tls.crt.new'), leaf.certPem);
      renameSync(join(dir, 'tls.key.new'), join(dir, 'tls.key'));
      renameSync(join(dir, 'tls.crt.new'), join(dir, 'tls.crt'));
      serials.push(new (await import('node:crypto')).X509Certificate(leaf.certPem).serialNumber);
      await new Promise((r) => setTimeout(r, 150));
    }
    stop = true;
    await Promise.all(clients);
    keepAlive.destroy();
    expect(failures).toEqual([]);
    expect(served).toBeGreaterThan(50);
    const seen = await new Promise<string>((ok, fail) => {
      const req = request({ host: '127.0.0.1', port, path: '/healthz', ca: ca.certPem, servername: 'localhost', agent: new Agent() }, (res) => {
        ok((res.socket as import('node:tls').TLSSocket).getPeerX509Certificate()!.serialNumber);
        res.resume();
      });
      req.on('error', fail);
      req.end();
    });
    expect(seen).toBe(serials.at(-1));
  }, 60_000);
});
