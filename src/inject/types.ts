import type { JsonObject } from '../k8s/json.js';
import type { InjectionConfig } from './settings/injection-config.js';
import type { MeshConfig, ProxyConfig } from './settings/mesh.js';

/** A compiled Go template: parse once, execute per pod. */
export interface CompiledTemplate {
  execute(data: unknown): string;
}

/**
 * Everything injection needs that comes from configuration, compiled once and shared read-only by
 * every request until a reload replaces it.
 */
export interface InjectionSettings {
  config: InjectionConfig;
  templates: ReadonlyMap<string, CompiledTemplate>;
  values: Record<string, unknown>;
  mesh: MeshConfig;
  /** istiod's REVISION; "" for kube-inject's default. */
  revision: string;
  /** ENABLE_NATIVE_SIDECARS resolved for this cluster. */
  nativeSidecars: boolean;
  /** COMPLIANCE_POLICY */
  compliancePolicy: string;
}

export interface OwnerMeta {
  name: string;
  namespace: string;
}
export interface TypeMeta {
  apiVersion: string;
  kind: string;
}

/** One pod's injection inputs (InjectionParameters in Istio). */
export interface InjectionParams {
  /** The pod, normalised as Go's corev1.Pod would be, namespace defaulted. */
  pod: JsonObject;
  deployMeta: OwnerMeta;
  typeMeta: TypeMeta;
  proxyConfig: ProxyConfig;
  /** env vars from the webhook path (/inject/cluster/X/net/Y) */
  proxyEnvs: Record<string, string>;
  defaultTemplates: readonly string[];
  aliases: Readonly<Record<string, readonly string[]>>;
  injectedAnnotations: Readonly<Record<string, string>>;
  proxyUID: bigint;
  proxyGID: bigint;
  /** Per-pod native-sidecar detection (Istio's `auto`); the settings' value when absent. */
  nativeSidecars?: boolean;
}
