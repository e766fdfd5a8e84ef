import { createHash } from 'node:crypto';

/** The injector's inputs exactly as Istio ships them: ConfigMap keys `config` (YAML) and `values` (JSON), plus mesh. */
export interface RawInjectConfig {
  config: string;
  values: string;
  mesh?: string;
}

/** Stamped on injected pods so stale ones (injected with an older template) can be found later. */
export const TEMPLATE_HASH_ANNOTATION = 'mesh-admission.io/template-hash';

/** Default ConfigMap locations, matching Istio's chart. */
export const DEFAULT_INJECT_CONFIGMAP = { namespace: 'istio-system', name: 'istio-sidecar-injector' } as const;
export const DEFAULT_MESH_CONFIGMAP = { namespace: 'istio-system', name: 'istio', key: 'mesh' } as const;

/**
 * A short, stable identity for a set of raw inputs. Length-prefixed so moving bytes between `config` and
 * `values` changes the hash, and an absent mesh differs from an empty one.
 */
export function hashRawConfig(raw: RawInjectConfig): string {
  const h = createHash('sha256');
  const part = (name: string, value: string | undefined): void => {
    if (value === undefined) {
      h.update(`${name}:-\n`);
      return;
    }
    const buf = Buffer.from(value, 'utf8');
    h.update(`${name}:${buf.length}\n`);
    h.update(buf);
  };
  part('config', raw.config);
  part('values', raw.values);
  part('mesh', raw.mesh);
  return h.digest('hex').slice(0, 16);
}
