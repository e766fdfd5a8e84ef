import type { KubeApis } from '../kube/client.js';
import { apiCall } from './cluster.js';

/**
 * The upgrade audit's reading side: Istio's CRDs as the cluster serves them and every stored object of
 * them, one list call per kind.
 */
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function istioCrds(apis: KubeApis): Promise<Array<Record<string, unknown>>> {
  const list = await apiCall('list customresourcedefinitions', () =>
    apis.custom.listClusterCustomObject({ group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' }),
  );
  const items = isRecord(list) && Array.isArray(list.items) ? list.items : [];
  // A real API server leaves apiVersion and kind out of list items (the list names them once), and the
  // catalogue reads only documents that say they are CRDs.
  return items
    .filter(
      (c): c is Record<string, unknown> =>
        isRecord(c) && isRecord(c.spec) && typeof c.spec.group === 'string' && (c.spec.group === 'istio.io' || c.spec.group.endsWith('.istio.io')),
    )
    .map((c) => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', ...c }));
}

/**
 * Every stored object of the given CRDs, read at each CRD's storage version (the form kept in etcd), sorted by
 * kind, namespace and name so the report is stable. Server-side bookkeeping (managedFields) is dropped: an
 * update re-sends the object without it.
 */
export async function storedObjects(apis: KubeApis, crds: ReadonlyArray<Record<string, unknown>>, namespace: string | undefined): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for (const crd of crds) {
    const spec = crd.spec as Record<string, unknown>;
    const group = spec.group as string;
    const names = isRecord(spec.names) ? spec.names : {};
    const plural = typeof names.plural === 'string' ? names.plural : '';
    const versions = Array.isArray(spec.versions) ? spec.versions.filter(isRecord) : [];
    const version = (versions.find((v) => v.storage === true) ?? versions.find((v) => v.served === true))?.name;
    if (plural === '' || typeof version !== 'string') continue;
    const what = `list ${plural}.${group}/${version}${namespace ? ` in ${namespace}` : ''}`;
    const list = await apiCall(what, () =>
      namespace
        ? apis.custom.listNamespacedCustomObject({ group, version, namespace, plural })
        : apis.custom.listClusterCustomObject({ group, version, plural }),
    );
    for (const item of isRecord(list) && Array.isArray(list.items) ? list.items : []) {
      if (!isRecord(item)) continue;
      const meta = isRecord(item.metadata) ? { ...item.metadata } : {};
      delete meta.managedFields;
      out.push({ ...item, metadata: meta });
    }
  }
  const key = (o: Record<string, unknown>): string => {
    const m = o.metadata as Record<string, unknown>;
    return `${String(o.kind)}\u0000${String(m.namespace ?? '')}\u0000${String(m.name ?? '')}`;
  };
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
