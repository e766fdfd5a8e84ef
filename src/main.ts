import { readFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { pino, type Logger } from 'pino';
import type { Registry } from 'prom-client';
import { certExpiry } from './certs/generate.js';
import { admissionError, describeError } from './errors.js';
import { ensureDevCerts } from './certs/dev.js';
import { watchCertFiles } from './certs/watch.js';
import { ConfigHolder } from './config/holder.js';
import { watchConfigDir } from './config/dir-source.js';
import type { InjectionSettings } from './inject/types.js';
import { buildServer } from './server/app.js';
import { createMetrics } from './server/metrics.js';
import { buildMonitoringServer } from './server/monitoring.js';
import { reloadCertificate } from './server/tls.js';
import { SERVE_USAGE, parseServeOptions, type ServeOptions } from './server/options.js';
import type { AdmissionEngines } from './admission/answer.js';
import { hashRawConfig } from './config/types.js';
import { AdmissionWorkerPool } from './workers/pool.js';
import type { CacheLookups, EngineFeatures } from './workers/engines.js';
import type { KubeClient } from './kube/rest.js';

interface TlsSource {
  initial: { cert: string; key: string };
  onChange(fn: (pair: { cert: string; key: string }) => void): void;
  status(): unknown;
  stop(): void;
}

/**
 * Where the serving certificate comes from, in order: a Secret this process manages (and with it the
 * webhook configurations' caBundle), mounted files (cert-manager, istio-csr), or dev certs in certs/.
 * Every source hot-reloads without dropping connections.
 */
async function startCertificates(opts: ServeOptions, logger: Logger, registry: Registry): Promise<TlsSource> {
  const listeners: Array<(pair: { cert: string; key: string }) => void> = [];
  const emit = (pair: { cert: string; key: string }) => listeners.forEach((fn) => fn(pair));
  if (opts.certSecret) {
    const managed = await (await cluster()).startManagedTls({
      kc: await kubeConfig(),
      namespace: opts.namespace,
      service: opts.service,
      secretName: opts.certSecret,
      revision: opts.revision,
      mutatingWebhook: opts.patchMutatingWebhook,
      validatingWebhook: opts.patchValidatingWebhook,
      servingValidityMs: opts.certValidityMs,
      caValidityMs: opts.caValidityMs,
      caOverlapMs: opts.caOverlapMs,
      checkIntervalMs: opts.certCheckIntervalMs,
      extraSans: opts.certSans,
      registry,
      onMaterial: (m) => emit({ cert: m.cert, key: m.key }),
      onEvent: (level, message) => logger[level]({ secret: opts.certSecret }, message),
    });
    return {
      initial: { cert: managed.material.cert, key: managed.material.key },
      onChange: (fn) => listeners.push(fn),
      status: () => ({ source: `secret ${opts.namespace}/${opts.certSecret}`, patcher: managed.patcherStatus() }),
      stop: () => managed.stop(),
    };
  }
  let certFile = opts.tlsCertFile;
  let keyFile = opts.tlsKeyFile;
  if (!certFile || !keyFile) {
    const dev = await ensureDevCerts(opts.certsDir, { service: opts.service, namespace: opts.namespace });
    certFile = dev.certFile;
    keyFile = dev.keyFile;
    logger.info(
      { certFile, caFile: dev.caFile, generated: dev.generated, caBundle: dev.caBundle },
      'serving with development certificates; caBundle is the base64 CA for a webhook configuration',
    );
  }
  const initial = { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  let current = initial;
  const watch = watchCertFiles(
    certFile,
    keyFile,
    (pair) => {
      current = pair;
      emit(pair);
    },
    (err) => logger.warn({ err: err.message, certFile }, 'serving certificate not reloaded'),
  );
  return {
    initial,
    onChange: (fn) => listeners.push(fn),
    status: () => ({ source: `files ${certFile} ${keyFile}`, notAfter: certExpiry(current.cert).toISOString() }),
    stop: () => watch.close(),
  };
}

type ClusterServices = typeof import('./kube/cluster-services.js');
type PolicySource = typeof import('./config/policy-source.js');
let services: Promise<ClusterServices> | undefined;
/** The Kubernetes client and the watches built on it, loaded on first use: a local server never needs them. */
function cluster(): Promise<ClusterServices> {
  services ??= import('./kube/cluster-services.js');
  return services;
}

let kc: KubeClient | undefined;
/** One client configuration for every watch this process runs (in-cluster, or KUBECONFIG). */
async function kubeConfig(): Promise<KubeClient> {
  kc ??= (await cluster()).loadKubeConfig().kc;
  return kc;
}

/** What the HTTP thread holds for the active configuration: the workers' generation, or (`--workers 0`) the compiled settings. */
type LiveConfig = { gen: number } | { settings: InjectionSettings };

function parseRef(ref: string, flag: string): { namespace: string; name: string } {
  const [namespace, name] = ref.split('/');
  if (!namespace || !name) throw admissionError('MA500_USAGE', `${flag} wants NAMESPACE/NAME, got '${ref}'`);
  return { namespace, name };
}

/** The longest a log line waits in the buffer. */
const LOG_FLUSH_MS = 100;

async function serve(opts: ServeOptions): Promise<void> {
  // One line per admission: written synchronously, each line was one write(2) on the HTTP thread (about a tenth of
  // its busy time under load). Lines are gathered up to 4 KiB and written at least every LOG_FLUSH_MS, and pino
  // flushes what is buffered when the process exits.
  const logger = pino({ level: opts.logLevel }, pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: LOG_FLUSH_MS }));
  const metrics = createMetrics();

  const features: EngineFeatures = {
    revision: opts.revision,
    nativeSidecars: opts.nativeSidecars,
    openshift: opts.platform === 'openshift',
    watchProxyConfigs: opts.watchProxyConfigs,
    schemaValidation: opts.schemaValidation,
    crds: opts.crds,
  };
  // Admissions are computed in worker threads; the HTTP thread keeps reading bodies and answering probes, and
  // never loads the engines (the workers compile and canary-check every configuration).
  const pool =
    opts.workers > 0
      ? new AdmissionWorkerPool({ size: opts.workers, features, onEvent: (level, message, detail) => logger[level](detail, message) })
      : undefined;
  const inline = pool ? undefined : { ...(await import('./workers/engines.js')), ...(await import('./inject/canary.js')) };
  const holder = new ConfigHolder<LiveConfig>({
    registry: metrics.registry,
    build: async (raw) => {
      // Every worker compiles it before it goes live (offers run one at a time, so one generation is pending).
      if (pool) return { gen: await pool.prepare(raw, hashRawConfig(raw)) };
      const settings = inline!.buildInjectionSettings(raw, features);
      // A config that cannot inject a plain pod never goes live.
      inline!.canaryInject(settings);
      return { settings };
    },
    onActivate: (snap) => {
      if (pool && 'gen' in snap.value) pool.activate(snap.value.gen);
      logger.info({ hash: snap.hash, source: snap.source, workers: opts.workers }, 'injection configuration activated');
    },
  });

  let stopConfig: () => void;
  if (opts.injectConfigMap) {
    const injectRef = parseRef(opts.injectConfigMap, '--inject-configmap');
    // `kubectl describe configmap` then says whether an edit went live or why it was rejected.
    const { eventRecorder, watchInjectConfigMaps } = await cluster();
    const record = eventRecorder(await kubeConfig(), 'mesh-admission', (e) => logger.debug({ err: describeError(e) }, 'event not recorded'));
    const target = { kind: 'ConfigMap', ...injectRef };
    const source = watchInjectConfigMaps(holder, {
      kc: await kubeConfig(),
      inject: injectRef,
      mesh: opts.meshConfigMap ? { ...parseRef(opts.meshConfigMap, '--mesh-configmap'), key: 'mesh' } : false,
      onWarning: (message) => logger.warn({ source: opts.injectConfigMap }, message),
      onResult: (result, src) => {
        logger.info({ result, source: src }, 'configuration offered');
        const st = holder.status();
        if (result === 'success') void record(target, 'Normal', 'ConfigurationActivated', `injection configuration ${st.hash} from ${src} is live`);
        if (result === 'failure') {
          void record(target, 'Warning', 'ConfigurationRejected', `kept configuration ${st.hash ?? '(none)'}: ${st.lastError?.message ?? 'invalid'}`);
        }
      },
    });
    await source.initial;
    stopConfig = () => source.close();
  } else {
    const source = watchConfigDir(holder, {
      dir: opts.injectConfigDir,
      meshFile: opts.meshConfig,
      onResult: (result, src) => {
        const st = holder.status();
        if (result === 'failure') logger.error({ source: src, err: st.lastError?.message }, 'configuration rejected; keeping the last good one');
      },
    });
    await source.initial;
    stopConfig = () => source.close();
  }
  if (!holder.status().loaded) {
    throw admissionError('MA301_CONFIG_INVALID', 'initial injection configuration', holder.status().lastError?.message ?? 'not loaded');
  }

  // The operator's bounds on what pods may ask the injector for; a bad edit keeps the last good policy.
  // `let` declared first: the source may report its initial load before the assignment completes.
  // Loaded only with the flag: the policy parser brings a YAML library the HTTP thread otherwise never needs.
  let policy: ReturnType<PolicySource['watchInjectionPolicy']> | undefined;
  policy = opts.injectionPolicy
    ? (await import('./config/policy-source.js')).watchInjectionPolicy({
        file: opts.injectionPolicy,
        registry: metrics.registry,
        onResult: (result, src) => {
          const st = policy?.holder.status();
          if (result === 'success') {
            logger.info({ source: src, hash: st?.hash }, 'injection policy activated');
            pool?.pushCaches({ policy: policy?.holder.current().value });
          }
          if (result === 'failure') logger.error({ source: src, err: st?.lastError?.message }, 'injection policy rejected; keeping the last good one');
        },
      })
    : undefined;
  if (policy) {
    await policy.initial;
    if (!policy.holder.isLoaded()) {
      throw admissionError('MA301_CONFIG_INVALID', 'initial injection policy', policy.holder.status().lastError?.message ?? 'not loaded');
    }
    pool?.pushCaches({ policy: policy.holder.current().value });
  }

  const tlsSource = await startCertificates(opts, logger, metrics.registry);

  // Caches the request path reads instead of calling the API; each only when its feature is on.
  const warn = (what: string) => (e: Error) => logger.warn({ err: e.message }, `${what} watch`);
  const nodes = opts.nativeSidecars === 'auto' ? (await cluster()).startNodeCache(await kubeConfig(), warn('node')) : undefined;
  const proxyConfigs = opts.watchProxyConfigs ? (await cluster()).startProxyConfigCache(await kubeConfig(), warn('ProxyConfig')) : undefined;
  const namespaces = opts.platform === 'openshift' ? (await cluster()).startNamespaceCache(await kubeConfig(), warn('namespace')) : undefined;
  if (pool) {
    // The workers read snapshots of the watches, pushed whole on every change (coalesced per tick).
    let scheduled = false;
    const push = () => {
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        pool.pushCaches({ nodes: nodes?.snapshot(), proxyConfigs: proxyConfigs?.list(), namespaces: namespaces?.snapshot() });
      });
    };
    nodes?.onChange(push);
    proxyConfigs?.onChange(push);
    namespaces?.onChange(push);
  }
  let engines: AdmissionEngines | AdmissionWorkerPool;
  if (pool) {
    engines = pool;
  } else {
    const schema = inline!.loadSchemaValidator(features);
    if (schema) logger.info({ crds: schema.file, compileMs: Math.round(schema.compileMs) }, 'CRD schema validation enabled');
    const lookups: CacheLookups = {
      nativeSidecars: nodes ? (nodeName) => nodes.nativeSidecars(nodeName) : undefined,
      proxyConfigs: proxyConfigs ? () => proxyConfigs.list() : undefined,
      namespaceAnnotations: namespaces ? (ns) => namespaces.annotations(ns) : undefined,
      policy: policy ? () => policy.holder.current().value : undefined,
    };
    const current = () => {
      const snap = holder.current();
      if (!('settings' in snap.value)) throw admissionError('MA105_INTERNAL', 'inline engine without compiled settings');
      return { value: snap.value.settings, hash: snap.hash };
    };
    engines = inline!.createEngines(features, current, () => lookups, schema?.validator);
  }

  const app = buildServer({
    engines,
    metrics,
    logger,
    tls: tlsSource.initial,
    ready: () => holder.status().loaded,
    draining: () => closing,
    limits: {
      requestTimeoutMs: opts.requestTimeoutMs,
      headersTimeoutMs: opts.headersTimeoutMs,
      keepAliveTimeoutMs: opts.idleTimeoutMs,
      connectionTimeoutMs: opts.connectionTimeoutMs,
      maxInFlight: opts.maxInFlight,
      maxInFlightBodyBytes: opts.maxInFlightBodyBytes,
    },
  });
  const monitoring = buildMonitoringServer({
    metrics,
    logger,
    debug: {
      '/debug/config': () => holder.status(),
      '/debug/certs': () => tlsSource.status(),
      ...(policy ? { '/debug/policy': () => policy.holder.status() } : {}),
    },
  });

  tlsSource.onChange((pair) => {
    reloadCertificate(app.server as unknown as HttpsServer, pair);
    logger.info('serving certificate reloaded');
  });

  await app.listen({ port: opts.port, host: opts.host });
  await monitoring.listen({ port: opts.monitoringPort, host: opts.monitoringHost });
  const monitoringAddr = monitoring.server.address();
  logger.info(
    {
      port: opts.port,
      host: opts.host,
      monitoringPort: typeof monitoringAddr === 'object' && monitoringAddr ? monitoringAddr.port : opts.monitoringPort,
      configHash: holder.current().hash,
    },
    'mesh-admission listening (HTTPS)',
  );

  let closing = false;
  /**
   * Rolling update: the pod leaves the Service's endpoints only some time after SIGTERM, so keep answering
   * (each answer with Connection: close so clients reconnect elsewhere), then stop accepting, let in-flight
   * requests finish, and exit within a bound even if a client stalls.
   */
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal, drainMs: opts.drainPeriodMs, shutdownTimeoutMs: opts.shutdownTimeoutMs }, 'draining: still serving, answers close their connections');
    setTimeout(() => {
      logger.info('shutting down: no new connections, finishing in-flight requests');
      tlsSource.stop();
      namespaces?.stop();
      nodes?.stop();
      proxyConfigs?.stop();
      stopConfig();
      policy?.close();
      const force = setTimeout(() => {
        logger.warn('shutdown timeout: closing the remaining connections');
        app.server.closeAllConnections();
        process.exit(0);
      }, opts.shutdownTimeoutMs);
      force.unref();
      Promise.all([app.close(), monitoring.close()]).then(
        async () => {
          await pool?.close();
          process.exit(0);
        },
        (err: unknown) => {
          logger.error({ err: describeError(err) }, 'shutdown failed');
          process.exit(1);
        },
      );
    }, opts.drainPeriodMs);
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(`${SERVE_USAGE}\n`);
  process.exit(0);
}
try {
  await serve(parseServeOptions(argv));
} catch (e) {
  process.stderr.write(`mesh-admission: ${describeError(e)}\n`);
  // An unknown or malformed flag (node's parseArgs) deserves the list of good ones.
  if (typeof (e as { code?: unknown }).code === 'string' && (e as { code: string }).code.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${SERVE_USAGE}\n`);
  }
  process.exit(1);
}
