import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The control plane's certificates, made with the openssl CLI because the API server needs client
 * certificates (an Organization of system:masters) and an RSA service-account key, which the product's
 * own generator (serving certs only) does not make. Everything is created once per state dir.
 */
export interface ClusterPki {
  dir: string;
  caCert: string;
  caKey: string;
  apiserverCert: string;
  apiserverKey: string;
  adminCert: string;
  adminKey: string;
  saKey: string;
  saPub: string;
  webhookCaCert: string;
  webhookCert: string;
  webhookKey: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function issue(dir: string, name: string, ca: string, subject: string, ext: string): void {
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '30', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`], dir);
}

function makeCa(dir: string, name: string, cn: string): void {
  openssl(['req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '30', '-sha256', '-subj', `/CN=${cn}`, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'], dir);
}

const servingExt = (subjectAltName: string): string =>
  `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${subjectAltName}\n`;

export function pkiPaths(dir: string): ClusterPki {
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    apiserverCert: join(dir, 'apiserver.crt'),
    apiserverKey: join(dir, 'apiserver.key'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
    saKey: join(dir, 'sa.key'),
    saPub: join(dir, 'sa.pub'),
    webhookCaCert: join(dir, 'webhook-ca.crt'),
    webhookCert: join(dir, 'webhook.crt'),
    webhookKey: join(dir, 'webhook.key'),
  };
}

export function ensurePki(dir: string): ClusterPki {
  const pki = pkiPaths(dir);
  if (existsSync(pki.webhookCert)) return pki;
  mkdirSync(dir, { recursive: true });
  makeCa(dir, 'ca', 'mesh-admission-e2e-cluster-ca');
  issue(dir, 'apiserver', 'ca', '/CN=kube-apiserver', servingExt('IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc'));
  issue(dir, 'admin', 'ca', '/O=system:masters/CN=e2e-admin', 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'sa.key'], dir);
  openssl(['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  // The webhook has its own CA, as in a real install: the API server trusts it only through caBundle.
  makeCa(dir, 'webhook-ca', 'mesh-admission-e2e-webhook-ca');
  issue(dir, 'webhook', 'webhook-ca', '/CN=mesh-admission.mesh-admission.svc', servingExt('IP:127.0.0.1,DNS:localhost,DNS:mesh-admission.mesh-admission.svc'));
  return pki;
}
