import { describe, it, expect } from 'vitest';
import { readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { ensureDevCerts } from '../../src/certs/dev.js';
import { testTempDir } from '../tmp.js';

describe('ensureDevCerts', () => {
  it('generates a CA and serving cert with the service SANs and private key modes', async () => {
    const dir = join(testTempDir('devcerts-'), 'nested');
    try {
      const out = await ensureDevCerts(dir, { service: 'mesh-admission', namespace: 'mesh-admission' });
      expect(out.generated).toBe(true);
      const leaf = new X509Certificate(readFileSync(out.certFile));
      const ca = new X509Certificate(readFileSync(out.caFile));
      expect(leaf.checkIssued(ca)).toBe(true);
      for (const host of [
        'mesh-admission.mesh-admission.svc',
        'mesh-admission.mesh-admission.svc.cluster.local',
        'localhost',
      ]) {
        expect(leaf.checkHost(host)).toBe(host);
      }
      expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(Buffer.from(out.caBundle, 'base64').toString()).toBe(readFileSync(out.caFile, 'utf8'));
      expect(statSync(out.keyFile).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'ca.key')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reuses valid files and regenerates when they do not cover the service', async () => {
    const dir = testTempDir('devcerts-');
    try {
      const first = await ensureDevCerts(dir, { service: 'a', namespace: 'ns' });
      const certBefore = readFileSync(first.certFile, 'utf8');
      const again = await ensureDevCerts(dir, { service: 'a', namespace: 'ns' });
      expect(again.generated).toBe(false);
      expect(readFileSync(again.certFile, 'utf8')).toBe(certBefore);
      const other = await ensureDevCerts(dir, { service: 'b', namespace: 'ns' });
      expect(other.generated).toBe(true);
      expect(readFileSync(other.certFile, 'utf8')).not.toBe(certBefore);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('regenerates a corrupted key', async () => {
    const dir = testTempDir('devcerts-');
    try {
      const first = await ensureDevCerts(dir, { service: 'a', namespace: 'ns' });
      writeFileSync(first.keyFile, 'garbage');
      const healed = await ensureDevCerts(dir, { service: 'a', namespace: 'ns' });
      expect(healed.generated).toBe(true);
      expect(readFileSync(healed.keyFile, 'utf8')).toContain('PRIVATE KEY');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
