import { isIP } from 'node:net';
import type { Registry } from 'prom-client';
import { SelfManagedCerts, type CertMaterial } from '../certs/selfmanaged.js';
import type { KubeClient } from './rest.js';
import type { Backoff } from './list-watch.js';
import { WebhookPatcher, type WebhookPatcherStatus } from './webhook-patcher.js';

export interface ManagedTlsOptions {
  kc: KubeClient;
  /** Namespace of the webhook Service, the certificate Secret and the dry-run Gateway. */
  namespace: string;
  service: string;
  secretName: string;
  revision?: string;
  /** Names of the webhook configurations to keep patched; omit either to leave that kind alone. */
  mutatingWebhook?: string;
  validatingWebhook?: string;
  /** Receives every new serving pair: hand it to `server.setSecureContext`. */
  onMaterial: (m: CertMaterial) => void;
  onEvent?: (level: 'info' | 'warn', message: string) => void;
  registry?: Registry;
  checkIntervalMs?: number;
  /** Certificate lives and the CA overlap (`--cert-validity`, `--ca-validity`, `--ca-overlap`); see SelfManagedCertOptions. */
  servingValidityMs?: number;
  caValidityMs?: number;
  caOverlapMs?: number;
  /** More names for the serving cert beside the Service's (`--cert-san`): IP addresses become IP SANs. */
  extraSans?: string[];
  backoff?: Backoff;
  /** Injectable clock for the certificate lifecycle (tests). */
  now?: () => Date;
}

export interface ManagedTls {
  readonly material: CertMaterial;
  current(): CertMaterial;
  patcherStatus(): WebhookPatcherStatus | null;
  /** Re-check the Secret now (renewal, adoption of another replica's rotation). */
  syncNow(): Promise<CertMaterial>;
  stop(): void;
}

/** The DNS names the API server uses to reach a webhook Service. */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}

/**
 * Certificates with no operator involvement: a shared Secret holds the CA and serving pair (created, renewed,
 * rotated in-process), every new pair is handed to the TLS server, and the webhook configurations' caBundle
 * follows the CA bundle, with the validator promoted to fail-closed once proven.
 */
export async function startManagedTls(opts: ManagedTlsOptions): Promise<ManagedTls> {
  let patcher: WebhookPatcher | undefined;
  let latest: CertMaterial | undefined;
  const extra = opts.extraSans ?? [];
  const certs = new SelfManagedCerts({
    kc: opts.kc,
    namespace: opts.namespace,
    secretName: opts.secretName,
    dnsNames: [...serviceDnsNames(opts.service, opts.namespace), ...extra.filter((n) => isIP(n) === 0)],
    ipAddresses: extra.filter((n) => isIP(n) !== 0),
    onUpdate: (m) => {
      const caChanged = latest === undefined || latest.caBundle !== m.caBundle;
      latest = m;
      opts.onMaterial(m);
      if (caChanged) patcher?.resync();
    },
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
    ...(opts.registry ? { registry: opts.registry } : {}),
    ...(opts.checkIntervalMs !== undefined ? { checkIntervalMs: opts.checkIntervalMs } : {}),
    ...(opts.servingValidityMs !== undefined ? { servingValidityMs: opts.servingValidityMs } : {}),
    ...(opts.caValidityMs !== undefined ? { caValidityMs: opts.caValidityMs } : {}),
    ...(opts.caOverlapMs !== undefined ? { caOverlapMs: opts.caOverlapMs } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const material = await certs.start();

  if (opts.mutatingWebhook !== undefined || opts.validatingWebhook !== undefined) {
    patcher = new WebhookPatcher({
      kc: opts.kc,
      namespace: opts.namespace,
      caBundlePem: () => (latest ?? material).caBundle,
      mutating: opts.mutatingWebhook !== undefined,
      validating: opts.validatingWebhook !== undefined,
      mutatingNames: opts.mutatingWebhook !== undefined ? [opts.mutatingWebhook] : [],
      validatingNames: opts.validatingWebhook !== undefined ? [opts.validatingWebhook] : [],
      ...(opts.revision !== undefined ? { revision: opts.revision } : {}),
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
      ...(opts.onEvent ? { onEvent: (e) => opts.onEvent!(e.level, e.name ? `${e.name}: ${e.message}` : e.message) } : {}),
    });
    // The patcher retries in the background forever; serving must not wait for the validator to be promoted.
    void patcher.start().catch((e: unknown) => opts.onEvent?.('warn', String(e)));
  }

  return {
    material,
    current: () => latest ?? material,
    patcherStatus: () => patcher?.status() ?? null,
    syncNow: () => certs.syncOnce(),
    stop(): void {
      certs.stop();
      patcher?.stop();
    },
  };
}
