/**
 * The Kubernetes objects this service reads and writes, as the API serves them in JSON (timestamps are
 * RFC 3339 strings). Only the fields some module looks at are named; everything else passes through.
 */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

export interface KubernetesObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

export interface ObjectList<T extends KubernetesObject = KubernetesObject> {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface ConfigMap extends KubernetesObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

export interface Secret extends KubernetesObject {
  type?: string;
  /** Base64 values, as the API serves them. */
  data?: Record<string, string>;
}

export interface Namespace extends KubernetesObject {}

export interface Node extends KubernetesObject {
  status?: { nodeInfo?: { kubeletVersion?: string } };
}

export interface Pod extends KubernetesObject {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export interface CoreEvent extends KubernetesObject {
  involvedObject: { kind: string; namespace?: string; name: string; apiVersion?: string; uid?: string };
  type: string;
  reason: string;
  message: string;
  source?: { component?: string };
  reportingComponent?: string;
  reportingInstance?: string;
  firstTimestamp?: string;
  lastTimestamp?: string;
  count?: number;
}

export interface WebhookConfiguration extends KubernetesObject {
  webhooks?: Array<Record<string, unknown> & { name?: string }>;
}
