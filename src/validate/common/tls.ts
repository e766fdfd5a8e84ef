import { readBool, readEnum, readMessageList, readString, readStringList, type JsonObject } from '../decode.js';
import { ValidationResult } from '../result.js';

export const SERVER_TLS_MODES = ['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL'] as const;
export const SERVER_TLS_MODE_ENUM = 'istio.networking.v1alpha3.ServerTLSSettings.TLSmode';
export const TLS_PROTOCOLS = ['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'] as const;
const TLS_PROTOCOL_ENUM = 'istio.networking.v1alpha3.ServerTLSSettings.TLSProtocol';

const VALID_CIPHER_SUITES = new Set([
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA',
  'ECDHE-RSA-AES256-SHA',
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'AES128-SHA',
  'AES256-SHA',
  'DES-CBC3-SHA',
]);

/** Entries starting with a non-alphanumeric (e.g. `-` / `+` operators) are passed through. */
export function isValidCipherSuite(cs: string): boolean {
  if (cs === '' || cs === 'ALL') return true;
  if (!/^[\p{L}\p{N}]/u.test(cs)) return true;
  return VALID_CIPHER_SUITES.has(cs);
}

/** Go prints a []string as [a b c]. */
export function goStringSlice(xs: readonly string[]): string {
  return `[${xs.join(' ')}]`;
}

/** The decoded ServerTLSSettings fields the checks look at. */
export interface ServerTLS {
  mode: string;
  httpsRedirect: boolean;
  serverCertificate: string;
  privateKey: string;
  caCertificates: string;
  caCrl: string;
  credentialName: string;
  credentialNames: string[];
  tlsCertificates: { serverCertificate: string; privateKey: string }[];
  subjectAltNames: string[];
  minProtocolVersion: string;
  cipherSuites: string[];
}

export function decodeServerTLS(tls: JsonObject): ServerTLS {
  return {
    mode: readEnum(tls, 'mode', SERVER_TLS_MODE_ENUM, SERVER_TLS_MODES) ?? 'PASSTHROUGH',
    httpsRedirect: readBool(tls, 'httpsRedirect') ?? false,
    serverCertificate: readString(tls, 'serverCertificate') ?? '',
    privateKey: readString(tls, 'privateKey') ?? '',
    caCertificates: readString(tls, 'caCertificates') ?? '',
    caCrl: readString(tls, 'caCrl') ?? '',
    credentialName: readString(tls, 'credentialName') ?? '',
    credentialNames: readStringList(tls, 'credentialNames') ?? [],
    tlsCertificates: (readMessageList(tls, 'tlsCertificates') ?? []).map((c) => ({
      serverCertificate: readString(c, 'serverCertificate') ?? '',
      privateKey: readString(c, 'privateKey') ?? '',
    })),
    subjectAltNames: readStringList(tls, 'subjectAltNames') ?? [],
    minProtocolVersion: readEnum(tls, 'minProtocolVersion', TLS_PROTOCOL_ENUM, TLS_PROTOCOLS) ?? 'TLS_AUTO',
    cipherSuites: readStringList(tls, 'cipherSuites') ?? [],
  };
}

/** validateTLSOptions: server-side TLS shared by Gateway servers and Sidecar ingress listeners. */
export function validateTLSOptions(tls: ServerTLS | undefined): ValidationResult {
  const v = new ValidationResult();
  if (tls === undefined) return v;
  if ((tls.minProtocolVersion === 'TLSV1_0' || tls.minProtocolVersion === 'TLSV1_1') && tls.cipherSuites.length === 0) {
    v.addWarning('TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.');
  }
  const invalid = new Set<string>();
  const valid = new Set<string>();
  const dup = new Set<string>();
  for (const cs of tls.cipherSuites) {
    if (!isValidCipherSuite(cs)) invalid.add(cs);
    else if (valid.has(cs)) dup.add(cs);
    else valid.add(cs);
  }
  if (invalid.size > 0) v.addWarning(`ignoring invalid cipher suites: ${goStringSlice([...invalid].sort())}`);
  if (dup.size > 0) v.addWarning(`ignoring duplicate cipher suites: ${goStringSlice([...dup].sort())}`);

  if (tls.mode === 'ISTIO_MUTUAL') {
    if (tls.serverCertificate !== '') v.addError('ISTIO_MUTUAL TLS cannot have associated server certificate');
    if (tls.privateKey !== '') v.addError('ISTIO_MUTUAL TLS cannot have associated private key');
    if (tls.caCertificates !== '') v.addError('ISTIO_MUTUAL TLS cannot have associated CA bundle');
    if (tls.tlsCertificates.length > 0) v.addError('ISTIO_MUTUAL TLS cannot have associated tlsCertificates');
    if (tls.credentialName !== '') v.addError('ISTIO_MUTUAL TLS cannot have associated credentialName');
    if (tls.credentialNames.length > 0) v.addError('ISTIO_MUTUAL TLS cannot have associated credentialNames');
    return v;
  }
  const hasCredName = tls.credentialName !== '' || tls.credentialNames.length > 0;
  if (tls.mode === 'PASSTHROUGH' || tls.mode === 'AUTO_PASSTHROUGH') {
    if (tls.caCrl !== '' || tls.serverCertificate !== '' || tls.privateKey !== '' || tls.caCertificates !== '' ||
      tls.tlsCertificates.length > 0 || hasCredName) {
      v.addWarning(`${tls.mode} mode does not use certificates, they will be ignored`);
    }
  }
  let sources = 0;
  if (tls.serverCertificate !== '' && tls.privateKey !== '') sources++;
  if (tls.credentialName !== '') sources++;
  if (tls.credentialNames.length > 0) sources++;
  if (tls.tlsCertificates.length > 0) sources++;
  if (sources > 1) {
    v.addError('only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified');
  }
  const simpleOrMutual = tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL' || tls.mode === 'OPTIONAL_MUTUAL';
  if (simpleOrMutual && hasCredName) return v;
  const certs = tls.tlsCertificates.length > 0
    ? tls.tlsCertificates
    : [{ serverCertificate: tls.serverCertificate, privateKey: tls.privateKey }];
  if (simpleOrMutual) {
    let prefix = 'SIMPLE TLS';
    if (tls.mode === 'MUTUAL' || tls.mode === 'OPTIONAL_MUTUAL') {
      prefix = 'MUTUAL TLS';
      if (tls.caCertificates === '') v.addError(`${prefix} requires a client CA bundle`);
    }
    if (tls.tlsCertificates.length > 2) v.addWarning(`${prefix} can support up to 2 server certificates`);
    for (const c of certs) {
      if (c.serverCertificate === '') v.addError(`${prefix} requires a server certificate`);
      if (c.privateKey === '') v.addError(`${prefix} requires a private key`);
    }
  }
  if (tls.caCrl !== '') {
    if (tls.credentialName !== '') v.addError('CRL is not supported with credentialName. CRL has to be specified in the credential');
    if (tls.mode === 'SIMPLE') v.addError('CRL is not supported with SIMPLE TLS');
  }
  return v;
}
