import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCrdValidatorFromFile } from '../../../src/validate/schema/index.js';
import { announceSkip, CONFORMANCE_DIR } from '../../conformance/corpus.js';

const CRD_FILE = join(CONFORMANCE_DIR, 'istio-validation/crds/crd-all.gen.yaml');
const available = existsSync(CRD_FILE);
if (!available) announceSkip('schema layer on Istio CRDs');

describe.skipIf(!available)("Istio's CRDs through the schema layer", () => {
  it('loads the 15 kinds / 33 served versions, compiles them all, and parses the file once', () => {
    const v = loadCrdValidatorFromFile(CRD_FILE);
    const served = v.list().filter((g) => g.served);
    expect(new Set(served.map((g) => `${g.group}/${g.kind}`)).size).toBe(15);
    expect(served).toHaveLength(33);
    expect(v.warmUp()).toBeGreaterThanOrEqual(0);
    // An unchanged file is not parsed again: the same validator comes back.
    expect(loadCrdValidatorFromFile(CRD_FILE)).toBe(v);
  });

  it('accepts a valid VirtualService', () => {
    const v = loadCrdValidatorFromFile(CRD_FILE);
    const vs = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'r', namespace: 'n' },
      spec: { hosts: ['reviews'], http: [{ timeout: '5s', route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] },
    };
    expect(v.validate(vs).errors).toEqual([]);
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
