import type { SecureContextOptions, TlsOptions } from 'node:tls';

/**
 * The TLS policy of the webhook port: TLS 1.3, or TLS 1.2 with ECDHE key exchange and an AEAD cipher only
 * (AES-GCM, ChaCha20-Poly1305). No CBC, no SHA-1 MAC, no CCM/CCM8, no static RSA key exchange.
 * The same options are applied when the certificate is reloaded, so a rotation cannot widen the list.
 */
export const TLS_CIPHERS = [
  // TLS 1.3 suites (OpenSSL sets these through the same option in Node).
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  // TLS 1.2
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export interface CertificatePair {
  cert: string;
  key: string;
}

/** Secure-context options for one certificate pair: used at start and on every reload (setSecureContext). */
export function secureContextOptions(pair: CertificatePair): SecureContextOptions {
  return { cert: pair.cert, key: pair.key, minVersion: 'TLSv1.2', ciphers: TLS_CIPHERS, honorCipherOrder: true };
}

/** Server options: the secure context plus a bound on how long a TLS handshake may take. */
export function tlsServerOptions(pair: CertificatePair, handshakeTimeoutMs: number): TlsOptions {
  return { ...secureContextOptions(pair), handshakeTimeout: handshakeTimeoutMs };
}

/** Swap the serving certificate of a running server with the same cipher policy. */
export function reloadCertificate(server: { setSecureContext(o: SecureContextOptions): void }, pair: CertificatePair): void {
  server.setSecureContext(secureContextOptions(pair));
}
