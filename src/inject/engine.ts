import { admissionError, describeError } from '../errors.js';
import type { RawInjectConfig } from '../config/types.js';
import { compileInjectionTemplate } from './templates.js';
import { parseInjectionConfig, parseValues } from './settings/injection-config.js';
import { applyMeshConfig, defaultMeshConfig } from './settings/mesh.js';
import type { CompiledTemplate, InjectionSettings } from './types.js';

export interface EngineOptions {
  /** istiod's REVISION (`default` in the chart). */
  revision?: string;
  /** ENABLE_NATIVE_SIDECARS; Kubernetes >= 1.33 nodes make Istio's `auto` true. Default true. */
  nativeSidecars?: boolean;
  compliancePolicy?: string;
  /** What the templates' `env` function sees (istiod's process environment). */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Parse and compile one configuration: the `config` key (every template parsed eagerly, as istiod
 * does), `values` and the mesh config. Throws with a message naming what is wrong; nothing is
 * half-applied because the caller only swaps in a fully built result.
 */
export function compileInjectionSettings(raw: RawInjectConfig, opts: EngineOptions = {}): InjectionSettings {
  let config;
  try {
    config = parseInjectionConfig(raw.config);
  } catch (e) {
    throw admissionError('MA301_CONFIG_INVALID', 'injection config', describeError(e));
  }
  let values;
  try {
    values = parseValues(raw.values);
  } catch (e) {
    throw admissionError('MA301_CONFIG_INVALID', 'injection values', describeError(e));
  }
  let mesh = defaultMeshConfig();
  if (raw.mesh !== undefined && raw.mesh.trim() !== '') {
    try {
      mesh = applyMeshConfig(raw.mesh, mesh);
    } catch (e) {
      throw admissionError('MA301_CONFIG_INVALID', 'mesh config', describeError(e));
    }
  }
  const templates = new Map<string, CompiledTemplate>();
  for (const [name, text] of Object.entries(config.templates)) {
    try {
      templates.set(name, compileInjectionTemplate(text, { env: opts.env ?? process.env, mesh }));
    } catch (e) {
      throw admissionError('MA301_CONFIG_INVALID', `template "${name}"`, describeError(e));
    }
  }
  return {
    config,
    templates,
    values,
    mesh,
    revision: opts.revision ?? 'default',
    nativeSidecars: opts.nativeSidecars ?? true,
    compliancePolicy: opts.compliancePolicy ?? '',
  };
}
