import { cloneJson, type JsonObject } from '../../k8s/json.js';
/**
 * The slice of a Kubernetes Pod that post-processing reads and writes. Pods arrive as plain JSON
 * from the AdmissionReview, so every field is optional and unknown fields are carried through
 * untouched (the index signatures) — post-processing must never drop user data it does not own.
 */

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
  [k: string]: unknown;
}

export interface ContainerPort {
  name?: string;
  containerPort?: number;
  protocol?: string;
  [k: string]: unknown;
}

export interface HTTPHeader {
  name?: string;
  value?: string;
  [k: string]: unknown;
}

/** Kubernetes IntOrString: a number, or a string naming a container port. */
export type IntOrString = number | string;

export interface HTTPGetAction {
  path?: string;
  port?: IntOrString;
  host?: string;
  scheme?: string;
  httpHeaders?: HTTPHeader[];
  [k: string]: unknown;
}

export interface TCPSocketAction {
  port?: IntOrString;
  host?: string;
  [k: string]: unknown;
}

export interface GRPCAction {
  port?: number;
  service?: string | null;
  [k: string]: unknown;
}

export interface Probe {
  exec?: unknown;
  httpGet?: HTTPGetAction | null;
  tcpSocket?: TCPSocketAction | null;
  grpc?: GRPCAction | null;
  timeoutSeconds?: number;
  [k: string]: unknown;
}

export interface LifecycleHandler {
  exec?: unknown;
  httpGet?: HTTPGetAction | null;
  tcpSocket?: TCPSocketAction | null;
  sleep?: unknown;
  [k: string]: unknown;
}

export interface Lifecycle {
  postStart?: LifecycleHandler | null;
  preStop?: LifecycleHandler | null;
  [k: string]: unknown;
}

export interface Container {
  name?: string;
  env?: EnvVar[];
  ports?: ContainerPort[];
  readinessProbe?: Probe | null;
  livenessProbe?: Probe | null;
  startupProbe?: Probe | null;
  lifecycle?: Lifecycle | null;
  [k: string]: unknown;
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  [k: string]: unknown;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  [k: string]: unknown;
}

export interface Pod {
  metadata?: ObjectMeta;
  spec?: PodSpec;
  [k: string]: unknown;
}

/** Istio's fixed container names (pkg/kube/inject). */
export const PROXY_CONTAINER = 'istio-proxy';
export const INIT_CONTAINER = 'istio-init';
export const VALIDATION_CONTAINER = 'istio-validation';
export const ENABLE_CORE_DUMP_CONTAINER = 'enable-core-dump';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object entries of a JSON list; anything else in a malformed list is ignored. */
export function objectList<T extends object>(list: unknown): T[] {
  return Array.isArray(list) ? (list.filter(isRecord) as T[]) : [];
}

export function containerList(list: unknown): Container[] {
  return objectList<Container>(list);
}

/**
 * The first `istio-proxy` in containers, else in initContainers — Istio's FindSidecar order, which
 * matters when a re-injected pod briefly has both.
 */
export function findSidecar(pod: Pod): Container | undefined {
  const spec = pod.spec;
  if (!spec) return undefined;
  return (
    containerList(spec.containers).find((c) => c.name === PROXY_CONTAINER) ??
    containerList(spec.initContainers).find((c) => c.name === PROXY_CONTAINER)
  );
}

/** A deep copy, so no function here ever writes into the caller's object. */
/**
 * Pods the caller has handed over for in-place editing. Every post-processing step returns a new
 * pod so callers keep their inputs; the injection pipeline, which already works on its own copy,
 * marks that copy here so a chain of steps does not copy the same pod five times.
 */
const owned = new WeakSet<object>();

/** Hand `pod` over: the post-processing steps may now edit it in place and return it. */
export function ownPod<T extends Pod>(pod: T): T {
  owned.add(pod);
  return pod;
}

/**
 * The copy the post-processing steps may edit: new objects for exactly what they write (the pod, its
 * metadata and spec, the container lists, each container and its lifecycle); everything below is shared
 * with `pod`. The steps replace what they change below that (env lists, probes, annotation maps) instead
 * of editing it, so the shared parts stay untouched, and the patch diff skips them by identity.
 */
export function editablePod(pod: Pod): Pod {
  const out: Pod = { ...pod };
  if (pod.metadata) out.metadata = { ...pod.metadata };
  if (pod.spec) {
    const spec = { ...pod.spec };
    for (const key of ['containers', 'initContainers'] as const) {
      const list: unknown = spec[key];
      if (!Array.isArray(list)) continue;
      spec[key] = list.map((c: unknown) => {
        if (typeof c !== 'object' || c === null || Array.isArray(c)) return c;
        const copy = { ...(c as Container) };
        if (typeof copy.lifecycle === 'object' && copy.lifecycle !== null) copy.lifecycle = { ...copy.lifecycle };
        return copy;
      }) as Container[];
    }
    out.spec = spec;
  }
  return out;
}

/** A deep copy (a plain recursive JSON copy is ~5x faster than structuredClone), unless handed over. */
export function clonePod(pod: Pod): Pod {
  return owned.has(pod) ? pod : (cloneJson(pod as JsonObject) as Pod);
}

export function annotationsOf(pod: Pod): Record<string, string> {
  return pod.metadata?.annotations ?? {};
}
