/**
 * Memoised template stage: for one configuration snapshot, the rendered overlays and the
 * template-only pod depend only on the template inputs (the stripped pod and the few per-pod values
 * of SidecarTemplateData). Pods of one ReplicaSet are identical at CREATE, so a rollout or a
 * scale-up renders each template once and every further pod reuses the parsed overlays.
 *
 * Safe because: the key covers everything `.` carries that is not fixed by the snapshot; templates
 * that call an impure function are never cached; cached objects are deep-frozen, so a later stage
 * that tried to edit one in place would throw instead of corrupting the next answer.
 */
import { createHash } from 'node:crypto';
import { BoundedLru } from '../bounded-lru.js';
import type { JsonObject } from '../k8s/json.js';
import type { InjectionParams, InjectionSettings } from './types.js';

/** One rendered template: its overlay and the template-only pod after merging it. */
export interface RenderedStep {
  readonly name: string;
  readonly patch: JsonObject;
  readonly templatePod: JsonObject;
}

/** The templates of one pod, rendered; `error` is thrown by the caller after the steps before it are applied. */
export interface Rendered {
  readonly steps: readonly RenderedStep[];
  readonly error?: Error;
}

/** Bounds per configuration snapshot; estimated bytes are the rendered text length times a parse factor. */
export const TEMPLATE_CACHE_MAX_ENTRIES = 512;
export const TEMPLATE_CACHE_MAX_BYTES = 32 * 1024 * 1024;
// Parsed JSON objects take several times the bytes of their YAML text (measured ~6-10x for the sidecar overlay).
const PARSED_BYTES_PER_TEXT_BYTE = 8;

/**
 * Functions whose result changes from call to call (time, randomness, fresh keys). Found by a text scan of
 * the template's actions: a false positive only disables caching, and Go templates can call a function
 * only by naming it, so no impure call goes unnoticed.
 */
const IMPURE_CALL = /\b(?:now|ago|unixEpoch|rand[A-Za-z0-9]*|uuid[A-Za-z0-9]*|shuffle|htpasswd|encryptAES|decryptAES|gen[A-Z][A-Za-z0-9]*)\b/;
const ACTION = /\{\{([\s\S]*?)\}\}/g;
// Comments and string literals name no function; dropping them keeps prose like "drain now" from disabling the cache.
const COMMENT_OR_STRING = /\/\*[\s\S]*?\*\/|"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'/g;

export function templateIsPure(text: string): boolean {
  // A comment may contain "}}"; strip comments from the whole text before splitting into actions.
  const code = text.replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, '');
  for (const m of code.matchAll(ACTION)) if (IMPURE_CALL.test(m[1]!.replace(COMMENT_OR_STRING, ' '))) return false;
  return true;
}

/** Rendered steps per template-input hash; the bytes are estimated from the rendered text's size. */
export class TemplateCache extends BoundedLru<readonly RenderedStep[]> {
  constructor(maxEntries = TEMPLATE_CACHE_MAX_ENTRIES, maxBytes = TEMPLATE_CACHE_MAX_BYTES) {
    super(maxEntries, maxBytes);
  }

  override set(key: string, steps: readonly RenderedStep[], textBytes: number): void {
    super.set(key, steps, textBytes * PARSED_BYTES_PER_TEXT_BYTE);
  }
}

interface SnapshotCache {
  cache: TemplateCache;
  pure: Map<string, boolean>;
}

// Keyed by the settings object: a reload builds new settings, so the old cache goes with the old snapshot.
const bySettings = new WeakMap<InjectionSettings, SnapshotCache>();

function snapshotCache(settings: InjectionSettings): SnapshotCache {
  let c = bySettings.get(settings);
  if (!c) {
    c = { cache: new TemplateCache(), pure: new Map() };
    bySettings.set(settings, c);
  }
  return c;
}

/** The cache of one configuration snapshot (for tests and the bench's hit/miss counts). */
export function templateCacheOf(settings: InjectionSettings): TemplateCache {
  return snapshotCache(settings).cache;
}

/** Whether every template of the configuration is pure (what whole-answer memoisation needs). */
export function allTemplatesPure(settings: InjectionSettings): boolean {
  return allPure(settings, Object.keys(settings.config.templates));
}

function allPure(settings: InjectionSettings, names: readonly string[]): boolean {
  const sc = snapshotCache(settings);
  for (const n of names) {
    let p = sc.pure.get(n);
    if (p === undefined) {
      const text = settings.config.templates[n];
      p = typeof text === 'string' && templateIsPure(text);
      sc.pure.set(n, p);
    }
    if (!p) return false;
  }
  return true;
}

function bigintSafe(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${v}n` : v;
}

/**
 * Everything SidecarTemplateData holds that the snapshot does not fix. The mesh, values, revision and
 * compliance policy belong to the snapshot; the images derive from values, ProxyConfig and annotations.
 */
function cacheKey(settings: InjectionSettings, names: readonly string[], params: InjectionParams, stripped: JsonObject): string {
  const h = createHash('sha256');
  h.update(names.join(','));
  h.update('\0');
  h.update(JSON.stringify([params.typeMeta.kind, params.typeMeta.apiVersion, params.deployMeta.namespace, params.deployMeta.name]));
  h.update('\0');
  h.update(params.proxyConfig === settings.mesh.defaultConfig ? '-' : JSON.stringify(params.proxyConfig, bigintSafe));
  h.update('\0');
  h.update(`${params.nativeSidecars ?? settings.nativeSidecars} ${params.proxyUID} ${params.proxyGID}\0`);
  h.update(JSON.stringify([stripped.metadata ?? null, stripped.spec ?? null]));
  return h.digest('base64');
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const c of Object.values(v)) deepFreeze(c);
  }
  return v;
}

/**
 * Render `names` in order through `render` (which executes, parses and merges one template), reusing a
 * cached result for identical inputs under the same snapshot.
 */
export function renderTemplatesCached(
  settings: InjectionSettings,
  names: readonly string[],
  params: InjectionParams,
  stripped: JsonObject,
  render: (name: string, templatePodSoFar: JsonObject) => { patch: JsonObject; templatePod: JsonObject; textBytes: number },
): Rendered {
  const cacheable = allPure(settings, names);
  const cache = snapshotCache(settings).cache;
  const key = cacheable ? cacheKey(settings, names, params, stripped) : '';
  if (cacheable) {
    const hit = cache.get(key);
    if (hit) return { steps: hit };
  }
  const steps: RenderedStep[] = [];
  let templatePod: JsonObject = {};
  let textBytes = 0;
  for (const name of names) {
    try {
      const r = render(name, templatePod);
      templatePod = r.templatePod;
      textBytes += r.textBytes;
      steps.push({ name, patch: r.patch, templatePod });
    } catch (e) {
      return { steps, error: e instanceof Error ? e : new Error(String(e)) };
    }
  }
  if (cacheable) {
    deepFreeze(steps);
    cache.set(key, steps, textBytes);
  }
  return { steps };
}
