import { admissionError } from '../errors.js';
import { injectAdmission } from './webhook.js';
import type { InjectionSettings } from './types.js';

/** A plain Deployment-owned pod: what every working configuration must be able to inject. */
const CANARY_POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    generateName: 'canary-7d9f8b6c5-',
    namespace: 'mesh-admission-canary',
    labels: { app: 'canary', 'pod-template-hash': '7d9f8b6c5' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'canary-7d9f8b6c5', uid: 'canary', controller: true }],
  },
  spec: { containers: [{ name: 'app', image: 'registry.example/canary:1', ports: [{ containerPort: 8080, name: 'http' }] }] },
};

/**
 * Render the canary pod through the full pipeline. Throws (MA302) when the configuration cannot
 * inject it, so a reload that would deny every pod in the cluster is refused before it goes live.
 * A policy that skips the canary (e.g. `disabled`) is fine: skipping is a valid outcome.
 */
export function canaryInject(settings: InjectionSettings): void {
  const d = injectAdmission(settings, { uid: 'canary', object: CANARY_POD, namespace: CANARY_POD.metadata.namespace }, '/inject');
  if (!d.allowed) throw admissionError('MA302_CANARY_FAILED', d.message ?? d.reason);
}
