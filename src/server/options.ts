import { parseArgs } from 'node:util';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { admissionError } from '../errors.js';
import { defaultWorkerCount } from '../workers/cpus.js';

/** Command-line options of `npm start`, shaped like istiod's where istiod has an equivalent. */
export interface ServeOptions {
  port: number;
  host: string;
  injectConfigDir: string;
  meshConfig?: string;
  injectConfigMap?: string;
  meshConfigMap?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  certsDir: string;
  service: string;
  namespace: string;
  logLevel: string;
  revision: string;
  schemaValidation: boolean;
  crds?: string;
  certSecret?: string;
  /** With `certSecret`: lives of the serving cert and the CA, how long a new CA is trusted before it signs, how often the Secret is checked. */
  certValidityMs: number;
  caValidityMs: number;
  caOverlapMs: number;
  certCheckIntervalMs: number;
  /** With `certSecret`: extra DNS names or IP addresses for the serving cert. */
  certSans: string[];
  patchMutatingWebhook?: string;
  patchValidatingWebhook?: string;
  nativeSidecars: boolean | 'auto';
  watchProxyConfigs: boolean;
  platform: string;
  /** The operator's injection policy file (watched); absent means Istio's behaviour. */
  injectionPolicy?: string;
  /** Admission worker threads; 0 computes admissions on the HTTP thread. */
  workers: number;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  idleTimeoutMs: number;
  connectionTimeoutMs: number;
  maxInFlight: number;
  maxInFlightBodyBytes: number;
  drainPeriodMs: number;
  shutdownTimeoutMs: number;
  monitoringPort: number;
  monitoringHost: string;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `10s`, `500ms`, `2m`, `12h`, `90d`, or a bare number of seconds. */
export function parseDuration(v: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(v.trim());
  if (!m) throw admissionError('MA500_USAGE', `${flag} wants a duration like 10s, 500ms, 2m, 12h or 90d, got '${v}'`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 's']!);
}

/** The self-managed certificate flags, with the defaults they had before they were flags. */
const CERT_LIFE_DEFAULTS = {
  'cert-validity': '90d',
  'ca-validity': '1825d',
  'ca-overlap': '15m',
  'cert-check-interval': '60s',
} as const;
type CertLifeFlag = keyof typeof CERT_LIFE_DEFAULTS;

const DNS_NAME = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/**
 * Lives that cannot work are refused up front rather than failing hours later: renewal starts at 2/3 of a life,
 * so the Secret must be checked more often than a third of either life, and a new CA (which joins the bundle at
 * 2/3 of the old one's life) must start signing before the old one expires, yet only after every replica had a
 * check interval to read it.
 */
function parseCertLives(given: Record<CertLifeFlag, string | undefined>, certSecret: boolean, sans: string[]) {
  const named = [...(Object.keys(given) as CertLifeFlag[]).filter((f) => given[f] !== undefined).map((f) => `--${f}`), ...(sans.length > 0 ? ['--cert-san'] : [])];
  if (!certSecret && named.length > 0) {
    throw admissionError('MA500_USAGE', `${named.join(', ')} only apply to self-managed certificates (--cert-secret)`);
  }
  const raw = (f: CertLifeFlag): string => given[f] ?? CERT_LIFE_DEFAULTS[f];
  const ms = (f: CertLifeFlag): number => {
    const v = parseDuration(raw(f), `--${f}`);
    if (v < 1000) throw admissionError('MA500_USAGE', `--${f} must be at least 1s, got '${raw(f)}'`);
    return v;
  };
  const lives = { certValidityMs: ms('cert-validity'), caValidityMs: ms('ca-validity'), caOverlapMs: ms('ca-overlap'), certCheckIntervalMs: ms('cert-check-interval') };
  const shorter = (a: CertLifeFlag, aMs: number, b: CertLifeFlag, bMs: number, why: string): void => {
    if (aMs * 3 >= bMs) throw admissionError('MA500_USAGE', `--${a} (${raw(a)}) must be shorter than a third of --${b} (${raw(b)}): ${why}`);
  };
  const renewal = 'renewal starts at 2/3 of a life, so a longer interval can let the certificate expire between checks';
  shorter('cert-check-interval', lives.certCheckIntervalMs, 'cert-validity', lives.certValidityMs, renewal);
  shorter('cert-check-interval', lives.certCheckIntervalMs, 'ca-validity', lives.caValidityMs, renewal);
  shorter('ca-overlap', lives.caOverlapMs, 'ca-validity', lives.caValidityMs, 'the new CA joins the bundle at 2/3 of the old one\'s life and must sign before the old one expires');
  if (lives.caOverlapMs < lives.certCheckIntervalMs) {
    throw admissionError(
      'MA500_USAGE',
      `--ca-overlap (${raw('ca-overlap')}) must be at least --cert-check-interval (${raw('cert-check-interval')}): other replicas read the new CA from the Secret once per interval and must trust it before it signs`,
    );
  }
  const certSans = sans.flatMap((v) => v.split(',')).map((v) => v.trim());
  for (const n of certSans) {
    if (isIP(n) === 0 && !DNS_NAME.test(n)) throw admissionError('MA500_USAGE', `--cert-san wants a DNS name or an IP address, got '${n}'`);
  }
  return { ...lives, certSans };
}

function parsePositiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw admissionError('MA500_USAGE', `${flag} must be a positive integer, got '${v}'`);
  return n;
}

const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

export const SERVE_USAGE = `usage: npm start -- [options]
  --port N                  HTTPS port (default 15017)
  --host ADDR               listen address (default 127.0.0.1)
  --inject-config-dir DIR   directory with files 'config' and 'values' (the istio-sidecar-injector
                            ConfigMap layout); default: the project's templates/
  --mesh-config FILE        MeshConfig YAML (the 'mesh' key of the istio ConfigMap)
  --inject-configmap NS/NAME  watch this ConfigMap through the Kubernetes API instead of a directory
  --mesh-configmap NS/NAME  watch the mesh ConfigMap (key 'mesh') through the Kubernetes API
  --tls-cert-file F --tls-key-file F   serving certificate (reloaded when the files change);
                            default: certs/tls.crt + certs/tls.key, generated when missing
  --certs-dir DIR           where dev certificates live (default certs/)
  --service NAME --namespace NS   the Service the certificate must be valid for (default mesh-admission)
  --revision REV            istio.io/rev this instance serves (default 'default')
  --cert-secret NAME        self-managed certificates: keep CA + serving cert in this Secret (in --namespace),
                            renew and rotate them in-process (needs the Kubernetes API)
  --cert-validity D         with --cert-secret: life of the serving cert, renewed at 2/3 of it (default 90d)
  --ca-validity D           with --cert-secret: life of the CA, rotated at 2/3 of it (default 1825d)
  --ca-overlap D            with --cert-secret: a new CA is in the bundle (and every caBundle) this long before it
                            signs; the old one stays trusted until it expires (default 15m)
  --cert-check-interval D   with --cert-secret: how often the Secret is re-read and renewal checked (default 60s)
  --cert-san NAME|IP        with --cert-secret: another DNS name or IP address for the serving cert, beside the
                            Service's (repeatable, or comma-separated), e.g. for a webhook reached by URL
  --patch-mutating-webhook NAME    keep this MutatingWebhookConfiguration's caBundle current
  --patch-validating-webhook NAME  keep this ValidatingWebhookConfiguration's caBundle current and flip
                            its failurePolicy Ignore->Fail once a dry-run self-check is rejected
  --native-sidecars MODE    true | false | auto: inject istio-proxy as a native sidecar; auto (Istio's
                            default) decides from the nodes' kubelet versions (>= 1.33) through the
                            Kubernetes API; default true
  --platform NAME           'openshift': proxy uid/gid from the namespace's preallocated ranges
  --watch-proxyconfigs      apply networking.istio.io ProxyConfig resources with Istio's precedence
                            (root namespace < namespace < pod annotation < workload selector)
  --schema-validation       also check Istio resources against the CRD schemas + CEL rules (the API server
                            normally does this before the webhook)
  --crds FILE               Istio's CRDs (e.g. kubectl get crd -o yaml); default $MESH_ADMISSION_CRDS
  --injection-policy FILE   the operator's policy for injection overrides (YAML: allowed proxy images, hostPath,
                            privileges, resource caps, per-namespace overrides); watched, an invalid edit
                            keeps the last good policy; default: none (Istio's behaviour)
  --workers N               worker threads computing admissions (the HTTP thread stays free for probes);
                            default: the CPUs the container may use (cgroup cpu.max quota, else all);
                            0 computes them on the HTTP thread
  --log-level LEVEL         trace|debug|info|warn|error (default info)
  --monitoring-port N       plain-HTTP port for /metrics and /debug/* (default 15014; 0 = any free port)
  --monitoring-host ADDR    its listen address (default 127.0.0.1)
  --request-timeout D       a request (headers + body) not received within D is answered 408 and closed (default 10s)
  --headers-timeout D       headers (and the TLS handshake) within D (default 5s)
  --idle-timeout D          idle keep-alive connections closed after D (default 90s)
  --connection-timeout D    connections without any traffic closed after D (default 30s)
  --max-in-flight N         admissions read or answered at once; more get 429 at once (default 32)
  --max-in-flight-body-mib N  MiB of request bodies read or answered at once; more get 429 (default 32)
  --drain-period D          after SIGTERM keep serving (with Connection: close) for D (default 5s)
  --shutdown-timeout D      then finish in-flight requests for at most D before exiting (default 10s)`;

function parseBoolFlag(v: string, flag: string): boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw admissionError('MA500_USAGE', `${flag} must be true or false, got '${v}'`);
}

export function parseServeOptions(argv: string[]): ServeOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string', default: '15017' },
      host: { type: 'string', default: '127.0.0.1' },
      'inject-config-dir': { type: 'string', default: resolve(PROJECT_ROOT, 'templates') },
      'mesh-config': { type: 'string' },
      'inject-configmap': { type: 'string' },
      'mesh-configmap': { type: 'string' },
      'tls-cert-file': { type: 'string' },
      'tls-key-file': { type: 'string' },
      'certs-dir': { type: 'string', default: resolve(PROJECT_ROOT, 'certs') },
      service: { type: 'string', default: 'mesh-admission' },
      namespace: { type: 'string', default: 'mesh-admission' },
      revision: { type: 'string', default: 'default' },
      'schema-validation': { type: 'boolean', default: false },
      crds: { type: 'string' },
      'cert-secret': { type: 'string' },
      'cert-validity': { type: 'string' },
      'ca-validity': { type: 'string' },
      'ca-overlap': { type: 'string' },
      'cert-check-interval': { type: 'string' },
      'cert-san': { type: 'string', multiple: true },
      'patch-mutating-webhook': { type: 'string' },
      'patch-validating-webhook': { type: 'string' },
      'native-sidecars': { type: 'string', default: 'true' },
      platform: { type: 'string', default: '' },
      'watch-proxyconfigs': { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      'injection-policy': { type: 'string' },
      workers: { type: 'string' },
      'monitoring-port': { type: 'string', default: '15014' },
      'monitoring-host': { type: 'string', default: '127.0.0.1' },
      'request-timeout': { type: 'string', default: '10s' },
      'headers-timeout': { type: 'string', default: '5s' },
      'idle-timeout': { type: 'string', default: '90s' },
      'connection-timeout': { type: 'string', default: '30s' },
      'max-in-flight': { type: 'string', default: '32' },
      'max-in-flight-body-mib': { type: 'string', default: '32' },
      'drain-period': { type: 'string', default: '5s' },
      'shutdown-timeout': { type: 'string', default: '10s' },
      help: { type: 'boolean', default: false },
    },
  });
  const portOf = (v: string, flag: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw admissionError('MA500_USAGE', `${flag} must be an integer 0..65535, got '${v}'`);
    return n;
  };
  const port = portOf(values.port, '--port');
  if (values.platform !== '' && values.platform !== 'openshift') {
    throw admissionError('MA500_USAGE', `--platform must be 'openshift' or empty, got '${values.platform}'`);
  }
  if (values['cert-secret'] !== undefined && values['tls-cert-file'] !== undefined) {
    throw admissionError('MA500_USAGE', '--cert-secret and --tls-cert-file are two certificate sources; pick one');
  }
  if ((values['tls-cert-file'] === undefined) !== (values['tls-key-file'] === undefined)) {
    throw admissionError('MA500_USAGE', '--tls-cert-file and --tls-key-file go together');
  }
  const certLives = parseCertLives(
    {
      'cert-validity': values['cert-validity'],
      'ca-validity': values['ca-validity'],
      'ca-overlap': values['ca-overlap'],
      'cert-check-interval': values['cert-check-interval'],
    },
    values['cert-secret'] !== undefined,
    values['cert-san'] ?? [],
  );
  const workers = values.workers === undefined ? defaultWorkerCount() : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 0 || workers > 256) {
    throw admissionError('MA500_USAGE', `--workers must be an integer 0..256, got '${values.workers}'`);
  }
  return {
    port,
    host: values.host,
    injectConfigDir: resolve(values['inject-config-dir']),
    meshConfig: values['mesh-config'],
    injectConfigMap: values['inject-configmap'],
    meshConfigMap: values['mesh-configmap'],
    tlsCertFile: values['tls-cert-file'],
    tlsKeyFile: values['tls-key-file'],
    certsDir: resolve(values['certs-dir']),
    service: values.service,
    namespace: values.namespace,
    logLevel: values['log-level'],
    revision: values.revision,
    schemaValidation: values['schema-validation'],
    crds: values.crds,
    certSecret: values['cert-secret'],
    ...certLives,
    patchMutatingWebhook: values['patch-mutating-webhook'],
    patchValidatingWebhook: values['patch-validating-webhook'],
    nativeSidecars: values['native-sidecars'] === 'auto' ? 'auto' : parseBoolFlag(values['native-sidecars'], '--native-sidecars'),
    platform: values.platform,
    watchProxyConfigs: values['watch-proxyconfigs'],
    ...(values['injection-policy'] !== undefined ? { injectionPolicy: resolve(values['injection-policy']) } : {}),
    workers,
    requestTimeoutMs: parseDuration(values['request-timeout'], '--request-timeout'),
    headersTimeoutMs: parseDuration(values['headers-timeout'], '--headers-timeout'),
    idleTimeoutMs: parseDuration(values['idle-timeout'], '--idle-timeout'),
    connectionTimeoutMs: parseDuration(values['connection-timeout'], '--connection-timeout'),
    maxInFlight: parsePositiveInt(values['max-in-flight'], '--max-in-flight'),
    maxInFlightBodyBytes: parsePositiveInt(values['max-in-flight-body-mib'], '--max-in-flight-body-mib') * 1024 * 1024,
    drainPeriodMs: parseDuration(values['drain-period'], '--drain-period'),
    shutdownTimeoutMs: parseDuration(values['shutdown-timeout'], '--shutdown-timeout'),
    monitoringPort: portOf(values['monitoring-port'], '--monitoring-port'),
    monitoringHost: values['monitoring-host'],
  };
}
