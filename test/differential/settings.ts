import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify as toYaml, parse as parseYaml } from 'yaml';
import { compileInjectionSettings } from '../../src/inject/engine.js';
import { parseInjectConfigFile } from '../../src/inject/settings/injection-config.js';
import type { InjectionSettings } from '../../src/inject/types.js';
import { caseSettings, setPath } from '../conformance/inject-cases.js';
import { conformanceAvailable } from '../conformance/corpus.js';
import type { OracleSettings } from '../oracle/oracle.js';
import { SETTINGS_VARIANTS } from './gen-inject.js';

/**
 * The settings both sides inject with: Istio's corpus settings (its shipped templates, values and
 * mesh) when the corpus is beside the project, else the project's own templates/. A variant sets
 * values and mesh fields by dotted path over that base. Both sides get the same texts.
 */
export interface SettingsTexts {
  source: string;
  config: string;
  values: string;
  mesh: string;
}


let base: SettingsTexts | undefined;

export function baseSettings(): SettingsTexts {
  if (base) return base;
  if (conformanceAvailable()) {
    const s = caseSettings({ name: 'differential', input: '', kubeInject: true, webhook: true });
    base = { source: 'Istio corpus settings (istio-inject/settings/default + templates/)', config: s.config, values: s.values, mesh: s.mesh };
  } else {
    const dir = resolve(import.meta.dirname, '../../templates');
    base = { source: 'project templates/', config: readFileSync(join(dir, 'config'), 'utf8'), values: readFileSync(join(dir, 'values'), 'utf8'), mesh: '' };
    if (!existsSync(join(dir, 'config'))) throw new Error('no settings: neither the corpus nor templates/ found');
  }
  return base;
}

const variantTexts = new Map<number, SettingsTexts>();

export function variantSettings(index: number): SettingsTexts {
  const hit = variantTexts.get(index);
  if (hit) return hit;
  const b = baseSettings();
  const v = SETTINGS_VARIANTS[index]!;
  const values = JSON.parse(b.values) as Record<string, unknown>;
  const mesh = (parseYaml(b.mesh) ?? {}) as Record<string, unknown>;
  for (const [p, x] of Object.entries(v.values ?? {})) setPath(values, p, x);
  for (const [p, x] of Object.entries(v.mesh ?? {})) setPath(mesh, p, x);
  const out = { source: `${b.source}, variant ${v.name}`, config: b.config, values: JSON.stringify(values), mesh: Object.keys(mesh).length ? toYaml(mesh) : '' };
  variantTexts.set(index, out);
  return out;
}

export function oracleSettings(t: SettingsTexts, revision: string, native: boolean): OracleSettings {
  return { config: t.config, values: t.values, mesh: t.mesh, revision, native };
}

const compiled = new Map<string, InjectionSettings>();

/** Our engine's settings: for kube-inject the policy forced to enabled as our CLI does. */
export function ourSettings(index: number, mode: 'kube-inject' | 'webhook', native: boolean): InjectionSettings {
  const key = `${index}/${mode}/${native}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  const t = variantSettings(index);
  const config = mode === 'kube-inject' ? toYaml({ ...parseInjectConfigFile(t.config), policy: 'enabled' }) : t.config;
  const s = compileInjectionSettings(
    { config, values: t.values, ...(t.mesh ? { mesh: t.mesh } : {}) },
    { revision: mode === 'kube-inject' ? '' : 'default', nativeSidecars: native, env: {} },
  );
  compiled.set(key, s);
  return s;
}
