import { admissionError, describeError } from '../errors.js';
import type { AdmissionDecision, AdmissionRequest } from '../admission/types.js';
import { isJsonObject, type JsonObject } from '../k8s/json.js';
import { normalizeAs } from '../k8s/normalize.js';
import { TEMPLATE_HASH_ANNOTATION } from '../config/types.js';
import { decideInjection } from './decide.js';
import { openshiftProxyIds, resetSidecarUserMatchingApp } from './openshift.js';
import { deployMetaFromPod } from './owner.js';
import { createPatch } from './patch.js';
import { annotationsOf, labelsOf, runInjection } from './pipeline.js';
import { parseInjectPath } from './postprocess/index.js';
import { effectiveProxyConfig, type ProxyConfigResource } from './proxyconfig-crs.js';
import { policyDenial } from './policy/check.js';
import type { InjectionPolicy } from './policy/rules.js';
import type { InjectionSettings } from './types.js';

export const DEFAULT_PROXY_UID = 1337n;

export interface WebhookInjectOptions {
  /** ProxyConfig resources from a watch, oldest first (never an API call on the request path). */
  proxyConfigs?: () => readonly ProxyConfigResource[];
  /** PLATFORM=openshift: proxy ids from the namespace's preallocated ranges. */
  openshift?: boolean;
  /** ENABLE_NATIVE_SIDECARS=auto: decide per pod from the nodes' kubelet versions (a cache). */
  nativeSidecars?: (nodeName: string | undefined) => boolean;
  /** Annotations of a namespace from an informer cache (never an API call on the request path). */
  namespaceAnnotations?: (namespace: string) => Readonly<Record<string, string>> | undefined;
  /** The active configuration's hash, stamped on injected pods (our own annotation) so stale pods can be found. */
  templateHash?: string;
  /** The operator's injection policy (--injection-policy); absent means Istio's behaviour. */
  policy?: InjectionPolicy;
}

/** The mutating webhook: AdmissionRequest in, allow/deny with a JSON Patch out. */
export function injectAdmission(settings: InjectionSettings, request: AdmissionRequest, path: string, opts: WebhookInjectOptions = {}): AdmissionDecision {
  const raw = request.object;
  if (!isJsonObject(raw)) {
    return { allowed: false, message: admissionError('MA200_UNMARSHAL_POD', 'object is not a JSON object').message, reason: 'error:unmarshal' };
  }
  let pod: JsonObject;
  try {
    const copy: JsonObject = { ...raw };
    if (isJsonObject(copy.metadata)) {
      const m: JsonObject = { ...copy.metadata };
      // Large and irrelevant to injection; istiod drops it for the same reason.
      delete m.managedFields;
      if (!m.namespace && request.namespace) m.namespace = request.namespace;
      copy.metadata = m;
    } else if (request.namespace) {
      copy.metadata = { namespace: request.namespace };
    }
    // Shared with the request where it is already Go's form: the injection copies before it edits, and the
    // patch diff then skips the shared parts by identity.
    // The envelope's limits bounded its nesting already (depth 100).
    pod = normalizeAs('Pod', copy, { share: true, depthChecked: true });
  } catch (e) {
    return { allowed: false, message: admissionError('MA200_UNMARSHAL_POD', describeError(e)).message, reason: 'error:unmarshal' };
  }
  const metadata = isJsonObject(pod.metadata) ? pod.metadata : {};
  const annotations = annotationsOf(pod);
  const labels = labelsOf(pod);
  const decision = decideInjection(settings.config, {
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '',
    labels,
    annotations,
    hostNetwork: isJsonObject(pod.spec) && pod.spec.hostNetwork === true,
  });
  // istiod only logs selector/label oddities; they go to our log line, not to kubectl as warnings.
  const detail = [decision.detail, ...decision.warnings].join('; ');
  if (!decision.inject) return { allowed: true, reason: `skipped:${decision.reason}`, detail };

  const { deployMeta, typeMeta } = deployMetaFromPod(metadata as Parameters<typeof deployMetaFromPod>[0]);
  let ids = { uid: DEFAULT_PROXY_UID, gid: DEFAULT_PROXY_UID };
  if (opts.openshift) {
    ids = openshiftProxyIds(opts.namespaceAnnotations?.(typeof metadata.namespace === 'string' ? metadata.namespace : ''));
    pod = resetSidecarUserMatchingApp(pod);
  }
  try {
    const result = runInjection(settings, {
      pod,
      deployMeta,
      typeMeta,
      proxyConfig: effectiveProxyConfig(settings.mesh, opts.proxyConfigs?.() ?? [], {
        namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '',
        labels,
        annotations,
      }),
      proxyEnvs: parseInjectPath(path),
      defaultTemplates: settings.config.defaultTemplates,
      aliases: settings.config.aliases,
      injectedAnnotations: settings.config.injectedAnnotations,
      proxyUID: ids.uid,
      proxyGID: ids.gid,
      ...(opts.nativeSidecars
        ? { nativeSidecars: opts.nativeSidecars(isJsonObject(pod.spec) && typeof pod.spec.nodeName === 'string' ? pod.spec.nodeName : undefined) }
        : {}),
    });
    const denied = policyDenial(opts.policy, {
      namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '',
      pod,
      injected: result.pod,
      templatePod: result.templatePod,
    });
    if (denied !== undefined) return { allowed: false, message: denied, reason: 'denied:policy', detail };
    let final = result.pod;
    if (opts.templateHash) {
      const m = isJsonObject(final.metadata) ? final.metadata : {};
      final = { ...final, metadata: { ...m, annotations: { ...annotationsOf(final), [TEMPLATE_HASH_ANNOTATION]: opts.templateHash } } };
    }
    return { allowed: true, patch: createPatch(raw, pod, final), reason: 'injected', detail: `${detail}; templates ${result.templates.join(',')}` };
  } catch (e) {
    return { allowed: false, message: describeError(e), reason: 'error:injection' };
  }
}
