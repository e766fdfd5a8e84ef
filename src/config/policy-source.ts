/**
 * The injection policy file (`--injection-policy`), kept live like the injection configuration: watched
 * (a mounted ConfigMap's `..data` swap included), parsed completely before it replaces the active policy, and
 * never replaced by a file that does not parse. Reloads are counted in
 * `mesh_admission_policy_reload_total{result}`; `mesh_admission_policy_info{hash,source}` shows the active one.
 */
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import type { Registry } from 'prom-client';
import { parseInjectionPolicy, type InjectionPolicy } from '../inject/policy/rules.js';
import { readMountedFile, watchFileSource, type DirSource, type WatchTiming } from './dir-source.js';
import { ConfigHolder } from './holder.js';

export interface RawPolicy {
  text: string;
}

export interface PolicySourceOptions extends WatchTiming {
  file: string;
  registry?: Registry;
}

export interface PolicySource extends DirSource {
  readonly holder: ConfigHolder<InjectionPolicy, RawPolicy>;
}

export const POLICY_METRICS = {
  reload: 'mesh_admission_policy_reload_total',
  reloadHelp: 'Injection policy reload attempts by result (success, failure, unchanged).',
  info: 'mesh_admission_policy_info',
  infoHelp: 'The active injection policy: value 1, labelled with its hash and source.',
} as const;

export function watchInjectionPolicy(opts: PolicySourceOptions): PolicySource {
  const file = resolve(opts.file);
  const holder = new ConfigHolder<InjectionPolicy, RawPolicy>({
    build: (raw) => parseInjectionPolicy(raw.text, file),
    hash: (raw) => createHash('sha256').update(raw.text).digest('hex').slice(0, 16),
    registry: opts.registry,
    metrics: POLICY_METRICS,
  });
  const source = watchFileSource(holder, `file:${file}`, [dirname(file)], () => ({ text: readMountedFile(file, 'injection policy') }), opts);
  return { ...source, holder };
}
