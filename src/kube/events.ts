import { makeApis, type KubeClient } from './client.js';
import type { CoreEvent } from './types.js';

export interface EventTarget {
  kind: string;
  namespace: string;
  name: string;
  apiVersion?: string;
  /** The object's uid; without it `kubectl describe` does not list the event (it selects on involvedObject.uid). */
  uid?: string;
}

/**
 * Kubernetes Events about our own objects (e.g. "configuration rejected" on the injector ConfigMap),
 * so `kubectl describe configmap` shows why an edit did not take effect. Best effort: failing to
 * record an event never affects admission.
 */
let seq = 0;

export function eventRecorder(kc: KubeClient, component: string, onError?: (e: unknown) => void) {
  const core = makeApis(kc).core;
  return async (target: EventTarget, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> => {
    let uid = target.uid;
    if (uid === undefined && target.kind === 'ConfigMap') {
      // Found against a real API server: kubectl describe filters events by the object's uid, so look it up
      // (the Role already grants get on configmaps). A failed lookup still records the event.
      try {
        uid = (await core.readNamespacedConfigMap({ name: target.name, namespace: target.namespace })).metadata?.uid;
      } catch {
        uid = undefined;
      }
    }
    const now = new Date();
    const at = now.toISOString().replace(/\.\d+Z$/, 'Z');
    const body: CoreEvent = {
      // client-go's naming: <object>.<unix nanos in hex>, unique per event.
      metadata: { name: `${target.name}.${(BigInt(now.getTime()) * 1_000_000n + BigInt(++seq)).toString(16)}`, namespace: target.namespace },
      involvedObject: { kind: target.kind, namespace: target.namespace, name: target.name, apiVersion: target.apiVersion ?? 'v1', ...(uid !== undefined ? { uid } : {}) },
      type,
      reason,
      // The API server caps event messages at 1 KiB.
      message: message.length > 1024 ? `${message.slice(0, 1021)}...` : message,
      source: { component },
      reportingComponent: component,
      reportingInstance: process.env.POD_NAME ?? component,
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
    };
    try {
      await core.createNamespacedEvent({ namespace: target.namespace, body });
    } catch (e) {
      onError?.(e);
    }
  };
}
