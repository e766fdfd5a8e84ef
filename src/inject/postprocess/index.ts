/** Injection post-processing: pure functions over Pod JSON, in the order Istio's postProcessPod runs them. */
export { validateAnnotations, ANNOTATION_RULES } from './validate-annotations.js';
export { formatMultiError } from '../../go/multierror.js';
export { parseInjectPath, overwriteClusterInfo, URL_PARAMETER_TO_ENV } from './inject-path.js';
export {
  applyPrometheusMerge,
  applySecurePrometheusAnnotation,
  sanitizeLabelName,
  parseScrapeTargets,
  type PrometheusMergeOptions,
} from './prometheus.js';
export {
  applyProbeRewrite,
  dumpAppProbers,
  mergeOrAppendProbers,
  shouldRewriteAppHTTPProbers,
  KUBE_APP_PROBERS_ENV,
  type ProbeRewriteOptions,
} from './probes.js';
export { reorderPod, moveContainer, type ReorderOptions } from './reorder.js';
export { editablePod, findSidecar, ownPod, type Pod, type Container, type EnvVar } from './pod.js';
