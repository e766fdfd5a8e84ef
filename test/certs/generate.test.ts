import { describe, it, expect, beforeAll } from 'vitest';
import { X509Certificate } from 'node:crypto';
import {
  backdateFor,
  generateCA,
  issueServingCert,
  certExpiry,
  keyMatchesCert,
  assertUsablePair,
  splitPemCertificates,
  type PemPair,
} from '../../src/certs/generate.js';
import { AdmissionError } from '../../src/errors.js';

describe('certificate generation', () => {
  let ca: PemPair;
  let leaf: PemPair;
  beforeAll(async () => {
    ca = await generateCA({ commonName: 'unit CA', validityDays: 30 });
    leaf = await issueServingCert(ca, {
      dnsNames: ['wh.ns.svc', 'wh.ns.svc.cluster.local'],
      ipAddresses: ['127.0.0.1', '::1'],
      validityDays: 10,
    });
  });

  it('makes an EC P-256 CA signed with SHA-256 and marked as a CA', () => {
    const x = new X509Certificate(ca.certPem);
    expect(x.ca).toBe(true);
    expect(x.subject).toContain('CN=unit CA');
    expect(x.publicKey.asymmetricKeyType).toBe('ec');
    expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    // The leaf verifying against the CA key proves the chain; sha1 would show up in toLegacyObject's sig alg.
    expect(x.verify(x.publicKey)).toBe(true);
  });

  it('issues a serving leaf that chains to the CA and covers every SAN', () => {
    const x = new X509Certificate(leaf.certPem);
    const caX = new X509Certificate(ca.certPem);
    expect(x.ca).toBe(false);
    expect(x.checkIssued(caX)).toBe(true);
    expect(x.verify(caX.publicKey)).toBe(true);
    expect(x.checkHost('wh.ns.svc')).toBe('wh.ns.svc');
    expect(x.checkHost('wh.ns.svc.cluster.local')).toBe('wh.ns.svc.cluster.local');
    expect(x.checkHost('evil.example')).toBeUndefined();
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
  });

  it('uses sha256 signatures (Go rejects sha1)', () => {
    const ecdsaSha256 = Buffer.from([0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]);
    const ecdsaSha1 = Buffer.from([0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01]);
    for (const pem of [ca.certPem, leaf.certPem]) {
      const der = new X509Certificate(pem).raw;
      expect(der.includes(ecdsaSha256)).toBe(true);
      expect(der.includes(ecdsaSha1)).toBe(false);
    }
  });

  it('reports expiry as the notAfter date', () => {
    const days = (certExpiry(leaf.certPem).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(9.9);
    expect(days).toBeLessThan(10.01);
  });

  it('detects whether a key belongs to a certificate', () => {
    expect(keyMatchesCert(leaf.certPem, leaf.keyPem)).toBe(true);
    expect(keyMatchesCert(leaf.certPem, ca.keyPem)).toBe(false);
    expect(keyMatchesCert('garbage', leaf.keyPem)).toBe(false);
  });

  it('rejects a mismatched or expired pair with a specific error', async () => {
    expect(() => assertUsablePair(leaf.certPem, ca.keyPem)).toThrow(/does not match/);
    expect(() => assertUsablePair(leaf.certPem, leaf.keyPem, new Date(Date.now() + 20 * 86_400_000))).toThrow(
      /expired at/,
    );
    expect(() => assertUsablePair('not a pem', leaf.keyPem)).toThrow(AdmissionError);
    expect(() => assertUsablePair(leaf.certPem, 'not a key')).toThrow(/private key does not parse/);
  });

  it('refuses bad inputs instead of producing a broken cert', async () => {
    await expect(issueServingCert(ca, { dnsNames: [], ipAddresses: [] })).rejects.toThrow(/at least one/);
    await expect(issueServingCert(ca, { dnsNames: ['a'], ipAddresses: ['300.1.1.1'] })).rejects.toThrow(
      /not an IP address/,
    );
    await expect(generateCA({ validityDays: -1 })).rejects.toThrow(/validityDays/);
  });

  it('backdates a short-lived certificate by a tenth of its life, so a 60 s one is valid now', async () => {
    expect(backdateFor(90 * 86_400_000)).toBe(60_000);
    expect(backdateFor(60_000)).toBe(6_000);
    const before = Date.now();
    const short = await generateCA({ validityMs: 60_000 });
    const x = new X509Certificate(short.certPem);
    const from = new Date(x.validFrom).getTime();
    const to = new Date(x.validTo).getTime();
    // X.509 times have whole seconds.
    expect(from).toBeLessThanOrEqual(before - 5_000);
    expect(from).toBeGreaterThan(before - 8_000);
    expect(to - from).toBeGreaterThan(58_000);
    expect(to).toBeGreaterThan(Date.now() + 50_000);
    expect(() => assertUsablePair(short.certPem, short.keyPem)).not.toThrow();
    await expect(generateCA({ validityMs: 999 })).rejects.toThrow(/validityMs must be at least 1000/);
  });

  it('splits a bundle into its certificates', () => {
    expect(splitPemCertificates(ca.certPem + leaf.certPem)).toHaveLength(2);
    expect(splitPemCertificates('nothing')).toHaveLength(0);
  });
});
