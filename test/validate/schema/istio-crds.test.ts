import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCrdValidatorFromFile } from '../../../src/validate/schema/index.js';
import { announceSkip, CONFORMANCE_DIR } from '../../conformance/corpus.js';

const CRD_FILE = join(CONFORMANCE_DIR, 'istio-validation/crds/crd-all.gen.yaml');
const available = existsSync(CRD_FILE);
if (!available) announceSkip('schema layer on Istio CRDs');

describe.skipIf(!available)("Istio's CRDs through the schema layer", () => {
  it('loads the 15 kinds / 33 served versions and compiles them within budget, then hits the cache', () => {
    const t0 = performance.now();
    const v = loadCrdValidatorFromFile(CRD_FILE);
    const loadMs = performance.now() - t0;
    const served = v.list().filter((g) => g.served);
    expect(new Set(served.map((g) => `${g.group}/${g.kind}`)).size).toBe(15);
    expect(served).toHaveLength(33);
    const compileMs = v.warmUp();
    const again = v.warmUp();
    console.log(`Istio CRDs: parse ${loadMs.toFixed(0)} ms, compile ${compileMs.toFixed(0)} ms, cached recompile ${again.toFixed(1)} ms`);
    // Generous budgets for a 2-core CI machine; measured ~0.5 s each on the dev machine.
    expect(loadMs).toBeLessThan(5000);
    expect(compileMs).toBeLessThan(10000);
    expect(again).toBeLessThan(compileMs);
  });

  it('validates an object in well under a millisecond once compiled (no per-call schema work)', () => {
    const v = loadCrdValidatorFromFile(CRD_FILE);
    v.warmUp();
    const vs = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'r', namespace: 'n' },
      spec: { hosts: ['reviews'], http: [{ timeout: '5s', route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] },
    };
    expect(v.validate(vs).errors).toEqual([]);
    const n = 300;
    const start = performance.now();
    for (let i = 0; i < n; i++) v.validate(vs);
    const perObjectMs = (performance.now() - start) / n;
    console.log(`VirtualService schema validation: ${(perObjectMs * 1000).toFixed(1)} us/object`);
    expect(perObjectMs).toBeLessThan(1);
  });

  it('rejects a DestinationRule whose duration is below 1ms and accepts a sane one', () => {
    const v = loadCrdValidatorFromFile(CRD_FILE);
    const dr = (connectTimeout: string) => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'r', namespace: 'n' },
      spec: { host: 'reviews', trafficPolicy: { connectionPool: { tcp: { connectTimeout } } } },
    });
    expect(v.validate(dr('2s')).errors).toEqual([]);
    expect(v.validate(dr('0s')).errors).toEqual([
      'spec.trafficPolicy.connectionPool.tcp.connectTimeout: Invalid value: "string": must be a valid duration greater than 1ms',
    ]);
  });

  it('rejects a Gateway server with both credentialName and credentialNames', () => {
    const v = loadCrdValidatorFromFile(CRD_FILE);
    const gw = {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'Gateway',
      metadata: { name: 'g' },
      spec: {
        servers: [
          { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPLE', credentialName: 'a', credentialNames: ['b'] } },
        ],
      },
    };
    expect(v.validate(gw).errors.join('\n')).toContain('spec.servers[0].tls: Invalid value: "object": only one of credentialName or credentialNames can be set');
  });
});
