import type { OwnerMeta, TypeMeta } from './types.js';
import { isPlainObject } from './settings/proto-fields.js';

const CRONJOB_NAME = /^(.+)-\d{8,10}$/;

interface PodMetaLike {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  ownerReferences?: unknown;
}

/**
 * kube.GetDeployMetaFromPod: the workload a pod belongs to, from its controller ownerReference and
 * the naming heuristics of the controllers (Deployment → ReplicaSet + pod-template-hash, Argo
 * Rollouts, OpenShift DeploymentConfig, CronJob → Job-<timestamp>).
 */
export function deployMetaFromPod(meta: PodMetaLike): { deployMeta: OwnerMeta; typeMeta: TypeMeta } {
  const deployMeta: OwnerMeta = { name: meta.name ?? '', namespace: meta.namespace ?? '' };
  const typeMeta: TypeMeta = { kind: 'Pod', apiVersion: 'v1' };
  const labels = meta.labels ?? {};
  if (meta.generateName) {
    const refs = Array.isArray(meta.ownerReferences) ? meta.ownerReferences : [];
    const controller = refs.find((r) => isPlainObject(r) && r.controller === true) as
      | { apiVersion?: string; kind?: string; name?: string }
      | undefined;
    if (controller) {
      typeMeta.apiVersion = controller.apiVersion ?? '';
      typeMeta.kind = controller.kind ?? '';
      const ref = controller.name ?? '';
      deployMeta.name = ref;
      const hash = labels['pod-template-hash'] ?? '';
      const rolloutHash = labels['rollouts-pod-template-hash'] ?? '';
      if (typeMeta.kind === 'ReplicaSet' && hash !== '' && ref.endsWith(hash)) {
        deployMeta.name = ref.endsWith(`-${hash}`) ? ref.slice(0, -(hash.length + 1)) : ref;
        typeMeta.kind = 'Deployment';
      } else if (typeMeta.kind === 'ReplicaSet' && rolloutHash !== '' && ref.endsWith(rolloutHash)) {
        deployMeta.name = ref.endsWith(`-${rolloutHash}`) ? ref.slice(0, -(rolloutHash.length + 1)) : ref;
        typeMeta.kind = 'Rollout';
        typeMeta.apiVersion = 'v1alpha1';
      } else if (typeMeta.kind === 'ReplicationController' && (labels.deploymentconfig ?? '') !== '') {
        deployMeta.name = labels.deploymentconfig!;
        typeMeta.kind = 'DeploymentConfig';
      } else if (typeMeta.kind === 'Job') {
        const m = CRONJOB_NAME.exec(ref);
        if (m) {
          deployMeta.name = m[1]!;
          typeMeta.kind = 'CronJob';
          typeMeta.apiVersion = 'batch/v1';
        }
      }
    }
  }
  if (deployMeta.name === '') deployMeta.name = meta.name ?? '';
  return { deployMeta, typeMeta };
}
