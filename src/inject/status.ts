import type { JsonObject } from '../k8s/json.js';
import { isPlainObject } from './settings/proto-fields.js';

export const STATUS_ANNOTATION = 'sidecar.istio.io/status';
export const OVERRIDES_ANNOTATION = 'proxy.istio.io/overrides';

export interface InjectionStatus {
  initContainers: string[] | null;
  containers: string[] | null;
  volumes: string[] | null;
  imagePullSecrets: string[] | null;
  revision: string;
}

function names(list: unknown): string[] | null {
  if (!Array.isArray(list) || list.length === 0) return null;
  return list.map((c) => (isPlainObject(c) && typeof c.name === 'string' ? c.name : ''));
}

/**
 * The `sidecar.istio.io/status` value, computed from what the templates alone produced. Key order
 * and `null` for empty lists are Istio's (a Go struct marshalled with nil slices).
 */
export function injectionStatusValue(templateSpec: JsonObject, revision: string): string {
  const status: InjectionStatus = {
    initContainers: names(templateSpec.initContainers),
    containers: names(templateSpec.containers),
    volumes: names(templateSpec.volumes),
    imagePullSecrets: names(templateSpec.imagePullSecrets),
    revision: revision === '' ? 'default' : revision,
  };
  return JSON.stringify(status);
}

/** A parsed status annotation: the names it lists (empty when null) and the revision ('' when absent). */
export interface ParsedInjectionStatus {
  initContainers: string[];
  containers: string[];
  volumes: string[];
  imagePullSecrets: string[];
  revision: string;
}

/** The previous injection's status, or undefined if absent or not JSON (Istio then treats the pod as new). */
export function parseInjectionStatus(annotations: Readonly<Record<string, string>> | undefined): ParsedInjectionStatus | undefined {
  const raw = annotations?.[STATUS_ANNOTATION];
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed)) return undefined;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    initContainers: list(parsed.initContainers),
    containers: list(parsed.containers),
    volumes: list(parsed.volumes),
    imagePullSecrets: list(parsed.imagePullSecrets),
    revision: typeof parsed.revision === 'string' ? parsed.revision : '',
  };
}
