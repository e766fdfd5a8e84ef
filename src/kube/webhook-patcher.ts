import { admissionError, describeError } from '../errors.js';
import { splitPemCertificates } from '../certs/generate.js';
import { apiErrorInfo, makeApis, type KubeApis, type KubeClient } from './client.js';
import type { KubernetesObject } from './types.js';
import { startListWatch, type Backoff, type ListWatchHandle } from './list-watch.js';

export const REVISION_LABEL = 'istio.io/rev';
/**
 * The ownership label: the patcher writes only configurations carrying it (plus this install's revision), so
 * istiod's own configurations, or another install's, are never touched even when named on the command line.
 */
export const OWNER_LABEL = 'app.kubernetes.io/managed-by';
export const OWNER_VALUE = 'mesh-admission';

/** Whether this install owns a webhook configuration (the ownership label is set to mesh-admission). */
export function isOwned(obj: { metadata?: { labels?: Record<string, string> } }): boolean {
  return obj.metadata?.labels?.[OWNER_LABEL] === OWNER_VALUE;
}
/** Istio only touches entries with this suffix, so unrelated webhooks in the same object are left alone. */
export const INJECTOR_WEBHOOK_SUFFIX = 'sidecar-injector.istio.io';

export interface JsonPatchOp {
  op: 'add' | 'replace' | 'test';
  path: string;
  value: unknown;
}

export type MutatingPlan =
  | { kind: 'patch'; ops: JsonPatchOp[] }
  | { kind: 'unchanged' }
  | { kind: 'skip'; reason: 'no_rev_label' | 'wrong_revision' | 'webhook_entry_not_found' };

interface WebhookLike {
  name: string;
  clientConfig?: { caBundle?: string };
  failurePolicy?: string;
}
interface ConfigLike {
  metadata?: { name?: string; labels?: Record<string, string>; resourceVersion?: string };
  webhooks?: WebhookLike[];
}

function guard(rv: string | undefined): JsonPatchOp[] {
  // A `test` on resourceVersion turns a lost race with another writer into a clean failure instead of an overwrite.
  return rv ? [{ op: 'test', path: '/metadata/resourceVersion', value: rv }] : [];
}

function setCaBundle(w: WebhookLike, i: number, caBundle: string): JsonPatchOp {
  return w.clientConfig === undefined
    ? { op: 'add', path: `/webhooks/${i}/clientConfig`, value: { caBundle } }
    : { op: w.clientConfig.caBundle === undefined ? 'add' : 'replace', path: `/webhooks/${i}/clientConfig/caBundle`, value: caBundle };
}

/** Istio's injector caBundle rule: revision label must match, only `*sidecar-injector.istio.io` entries change. */
export function planMutating(obj: ConfigLike, revision: string, caBundle: string): MutatingPlan {
  const label = obj.metadata?.labels?.[REVISION_LABEL];
  if (label === undefined) return { kind: 'skip', reason: 'no_rev_label' };
  if (label !== revision) return { kind: 'skip', reason: 'wrong_revision' };
  const ops: JsonPatchOp[] = [];
  let matched = false;
  (obj.webhooks ?? []).forEach((w, i) => {
    if (!w.name.endsWith(INJECTOR_WEBHOOK_SUFFIX)) return;
    matched = true;
    if (w.clientConfig?.caBundle !== caBundle) ops.push(setCaBundle(w, i, caBundle));
  });
  if (!matched) return { kind: 'skip', reason: 'webhook_entry_not_found' };
  if (ops.length === 0) return { kind: 'unchanged' };
  return { kind: 'patch', ops: [...guard(obj.metadata?.resourceVersion), ...ops] };
}

export interface ValidatingPlan {
  /** Empty when nothing needs changing. */
  ops: JsonPatchOp[];
  /** Some entry is not yet `Fail`; flipping needs the dry-run readiness proof first. */
  wantsFailClose: boolean;
}

/** Istio's validation rule: caBundle on every entry; `failurePolicy: Fail` only once the endpoint is proven. */
export function planValidating(obj: ConfigLike, caBundle: string, failCloseReady: boolean): ValidatingPlan {
  const ops: JsonPatchOp[] = [];
  let wantsFailClose = false;
  (obj.webhooks ?? []).forEach((w, i) => {
    if (w.clientConfig?.caBundle !== caBundle) ops.push(setCaBundle(w, i, caBundle));
    if (w.failurePolicy !== 'Fail') {
      wantsFailClose = true;
      if (failCloseReady) {
        ops.push({ op: w.failurePolicy === undefined ? 'add' : 'replace', path: `/webhooks/${i}/failurePolicy`, value: 'Fail' });
      }
    }
  });
  return { ops: ops.length > 0 ? [...guard(obj.metadata?.resourceVersion), ...ops] : [], wantsFailClose };
}

/**
 * Whether the error from the dry-run create of an invalid Gateway proves the validating webhook answers.
 * A missing Gateway CRD or another webhook without dry-run support cannot be proven either way, and Istio
 * treats both as ready rather than staying fail-open forever.
 */
export function isFailCloseReadyError(message: string): boolean {
  return (
    message.includes('denied the request') ||
    message.includes('the server could not find the requested resource') ||
    message.includes('does not support dry run')
  );
}

export interface PatcherEvent {
  level: 'info' | 'warn';
  message: string;
  name?: string;
}

export interface WebhookPatcherOptions {
  kc: KubeClient;
  /** Value of the `istio.io/rev` label this instance owns; Istio's chart uses "default". */
  revision?: string;
  /** Namespace for the dry-run `invalid-gateway`. */
  namespace: string;
  /** Current CA bundle PEM (one or more certificates); read on every reconcile so rotations are picked up. */
  caBundlePem: () => string;
  /**
   * Exact object names to manage. Watching by name (field selector) lets RBAC restrict the ServiceAccount with
   * resourceNames; without names every object labelled `app.kubernetes.io/managed-by=mesh-admission` and
   * `istio.io/rev=<revision>` is watched. Either way an object without the ownership label is left alone.
   */
  mutatingNames?: string[];
  validatingNames?: string[];
  /** Disable either half, e.g. when only injection is deployed. */
  mutating?: boolean;
  validating?: boolean;
  backoff?: Backoff;
  onEvent?: (e: PatcherEvent) => void;
}

export interface WebhookPatcherStatus {
  failCloseReady: boolean;
  patches: number;
  lastError: string | null;
  mutating: string[];
  validating: string[];
}

type Kind = 'mutating' | 'validating';

/**
 * Keeps `caBundle` current in the injector and validator webhook configurations and promotes the validator to
 * fail-closed once a dry-run proves it rejects bad config. Retries forever with exponential backoff
 * (100 ms to 1 min by default), like Istio's controllers.
 */
export class WebhookPatcher {
  private readonly apis: KubeApis;
  private readonly revision: string;
  private readonly backoff: Backoff;
  private readonly cache: Record<Kind, Map<string, ConfigLike>> = { mutating: new Map(), validating: new Map() };
  private readonly handles: ListWatchHandle[] = [];
  private failCloseReady = false;
  private patches = 0;
  private lastError: string | null = null;
  private running: Promise<void> | undefined;
  private dirty = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private delay: number;
  private stopped = false;

  constructor(private readonly opts: WebhookPatcherOptions) {
    this.apis = makeApis(opts.kc);
    this.revision = opts.revision ?? 'default';
    this.backoff = opts.backoff ?? { initialMs: 100, maxMs: 60_000 };
    this.delay = this.backoff.initialMs;
  }

  /** Start watching; resolves once every watched collection has been listed and a first pass has run. */
  async start(): Promise<void> {
    const synced: Promise<void>[] = [];
    if (this.opts.mutating !== false) synced.push(...this.watchKind('mutating', this.opts.mutatingNames));
    if (this.opts.validating !== false) synced.push(...this.watchKind('validating', this.opts.validatingNames));
    await Promise.all(synced);
    await this.reconcileNow();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    for (const h of this.handles) h.stop();
  }

  /** Call when the CA bundle changed. */
  resync(): void {
    this.kick();
  }

  status(): WebhookPatcherStatus {
    return {
      failCloseReady: this.failCloseReady,
      patches: this.patches,
      lastError: this.lastError,
      mutating: [...this.cache.mutating.keys()].sort(),
      validating: [...this.cache.validating.keys()].sort(),
    };
  }

  private emit(level: PatcherEvent['level'], message: string, name?: string): void {
    this.opts.onEvent?.({ level, message, ...(name !== undefined ? { name } : {}) });
  }

  private watchKind(kind: Kind, names: string[] | undefined): Promise<void>[] {
    const resource = kind === 'mutating' ? 'mutatingwebhookconfigurations' : 'validatingwebhookconfigurations';
    const path = `/apis/admissionregistration.k8s.io/v1/${resource}`;
    const selectors: Array<{ fieldSelector?: string; labelSelector?: string }> =
      names !== undefined
        ? names.map((n) => ({ fieldSelector: `metadata.name=${n}` }))
        : [{ labelSelector: `${OWNER_LABEL}=${OWNER_VALUE},${REVISION_LABEL}=${this.revision}` }];
    return selectors.map((sel) => {
      const owned = new Set<string>();
      const h = startListWatch<KubernetesObject>({
        kc: this.opts.kc,
        path,
        ...sel,
        list: async () => {
          const a = this.apis.admission;
          const l =
            kind === 'mutating'
              ? await a.listMutatingWebhookConfiguration(sel)
              : await a.listValidatingWebhookConfiguration(sel);
          return { items: l.items as KubernetesObject[], resourceVersion: l.metadata?.resourceVersion ?? '' };
        },
        onSync: (items) => {
          for (const n of owned) this.cache[kind].delete(n);
          owned.clear();
          for (const i of items) {
            const name = i.metadata?.name;
            if (name === undefined) continue;
            owned.add(name);
            this.cache[kind].set(name, i as ConfigLike);
          }
          this.kick();
        },
        onEvent: (type, obj) => {
          const name = obj.metadata?.name;
          if (name === undefined) return;
          if (type === 'DELETED') {
            owned.delete(name);
            this.cache[kind].delete(name);
            return;
          }
          owned.add(name);
          this.cache[kind].set(name, obj as ConfigLike);
          this.kick();
        },
        onError: (e) => this.emit('warn', e.message),
        backoff: this.backoff,
      });
      this.handles.push(h);
      return h.synced;
    });
  }

  /** Run one full pass now (after any pass already in flight). Rejects never; failures schedule a retry. */
  async reconcileNow(): Promise<void> {
    this.kick();
    while (this.running !== undefined) await this.running;
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.dirty = true;
      return;
    }
    if (this.retryTimer !== undefined) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.dirty) {
        this.dirty = false;
        this.kick();
      }
    });
  }

  private async pass(): Promise<void> {
    let retry = false;
    let caBundle: string;
    try {
      caBundle = this.loadCaBundle();
    } catch (e) {
      // Istio does not retry an unverifiable bundle: only a new bundle (resync) can fix it.
      this.lastError = describeError(e);
      this.emit('warn', this.lastError);
      return;
    }
    for (const [name, obj] of [...this.cache.mutating]) {
      if (!isOwned(obj)) {
        this.emit('warn', `not patching MutatingWebhookConfiguration: not owned (no ${OWNER_LABEL}=${OWNER_VALUE} label)`, name);
        continue;
      }
      const plan = planMutating(obj, this.revision, caBundle);
      if (plan.kind === 'skip') {
        this.emit('warn', `not patching MutatingWebhookConfiguration: ${plan.reason}`, name);
        continue;
      }
      if (plan.kind === 'unchanged') continue;
      if (!(await this.patch('mutating', name, plan.ops))) retry = true;
    }
    for (const [name, obj] of [...this.cache.validating]) {
      if (!isOwned(obj)) {
        this.emit('warn', `not patching ValidatingWebhookConfiguration: not owned (no ${OWNER_LABEL}=${OWNER_VALUE} label)`, name);
        continue;
      }
      // Istio's validation controller keeps to configurations of its revision; so does this one.
      if (obj.metadata?.labels?.[REVISION_LABEL] !== this.revision) {
        this.emit('warn', `not patching ValidatingWebhookConfiguration: wrong_revision`, name);
        continue;
      }
      let plan = planValidating(obj, caBundle, this.failCloseReady);
      if (plan.wantsFailClose && !this.failCloseReady) {
        const ready = await this.readyForFailClose();
        if (ready) {
          this.failCloseReady = true;
          this.emit('info', 'validation webhook answers; switching failurePolicy to Fail');
          plan = planValidating(obj, caBundle, true);
        } else {
          retry = true;
        }
      }
      if (plan.ops.length > 0 && !(await this.patch('validating', name, plan.ops))) retry = true;
    }
    if (this.stopped) return;
    if (retry) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.kick();
      }, this.delay);
      this.delay = Math.min(this.delay * 2, this.backoff.maxMs);
    } else {
      this.delay = this.backoff.initialMs;
    }
  }

  private loadCaBundle(): string {
    const pem = this.opts.caBundlePem();
    if (splitPemCertificates(pem).length === 0) {
      throw admissionError('MA401_CERT_INVALID', 'could not verify caBundle: no PEM CERTIFICATE block');
    }
    return Buffer.from(pem).toString('base64');
  }

  private async patch(kind: Kind, name: string, ops: JsonPatchOp[]): Promise<boolean> {
    try {
      const a = this.apis.admission;
      const updated =
        kind === 'mutating'
          ? await a.patchMutatingWebhookConfiguration({ name, body: ops })
          : await a.patchValidatingWebhookConfiguration({ name, body: ops });
      this.cache[kind].set(name, updated as ConfigLike);
      this.patches++;
      this.emit('info', `patched ${kind} webhook configuration`, name);
      return true;
    } catch (e) {
      const info = apiErrorInfo(e);
      this.lastError = admissionError('MA701_KUBE_API', `patch ${kind} webhook configuration ${name}`, info.message).message;
      this.emit('warn', this.lastError, name);
      if (info.code === 404) this.cache[kind].delete(name);
      return false;
    }
  }

  /** Prove the validating webhook rejects bad config before anyone depends on it failing closed. */
  private async readyForFailClose(): Promise<boolean> {
    const body = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: {
        name: 'invalid-gateway',
        namespace: this.opts.namespace,
        labels: { [REVISION_LABEL]: this.revision },
        annotations: { 'internal.istio.io/webhook-always-reject': 'true' },
      },
      spec: {},
    };
    const target = { group: 'networking.istio.io', version: 'v1', namespace: this.opts.namespace, plural: 'gateways' };
    let message: string;
    try {
      try {
        await this.apis.custom.createNamespacedCustomObject({ ...target, body, dryRun: 'All' });
      } catch (e) {
        if (apiErrorInfo(e).code !== 409) throw e;
        // Someone created a real one; a dry-run update exercises the same webhook.
        const existing = (await this.apis.custom.getNamespacedCustomObject({ ...target, name: 'invalid-gateway' })) as {
          metadata?: { resourceVersion?: string };
        };
        const update = { ...body, metadata: { ...body.metadata, resourceVersion: existing.metadata?.resourceVersion } };
        await this.apis.custom.replaceNamespacedCustomObject({ ...target, name: 'invalid-gateway', body: update, dryRun: 'All' });
      }
      this.lastError = admissionError('MA702_WEBHOOK_NOT_READY', 'dry-run of an invalid Gateway was accepted').message;
      this.emit('warn', this.lastError);
      return false;
    } catch (e) {
      message = apiErrorInfo(e).message;
    }
    if (isFailCloseReadyError(message)) return true;
    this.lastError = admissionError('MA702_WEBHOOK_NOT_READY', message).message;
    this.emit('warn', this.lastError);
    return false;
  }
}
