/**
 * The admission engines as the server runs them, built the same way on the main thread (`--workers 0`)
 * and in every worker thread, so both compute identical answers from the same inputs.
 */
import type { AdmissionDecision, AdmissionRequest } from '../admission/types.js';
import type { AdmissionEngines } from '../admission/answer.js';
import type { RawInjectConfig } from '../config/types.js';
import { compileInjectionSettings } from '../inject/engine.js';
import type { ProxyConfigResource } from '../inject/proxyconfig-crs.js';
import type { InjectionSettings } from '../inject/types.js';
import type { InjectionPolicy } from '../inject/policy/rules.js';
import { answerMemoFor } from '../admission/answer-memo.js';
import { allTemplatesPure } from '../inject/template-cache.js';
import { injectAdmission } from '../inject/webhook.js';
import { supportsNativeSidecars } from '../kube/native-sidecars.js';
import { createValidationEngine } from '../validate/engine.js';
import { defaultCrdFile, loadCrdValidatorFromFile, type CrdValidator } from '../validate/schema/index.js';

/** The server options that shape answers (everything else is transport). Plain data: it crosses to workers. */
export interface EngineFeatures {
  revision: string;
  nativeSidecars: boolean | 'auto';
  openshift: boolean;
  watchProxyConfigs: boolean;
  schemaValidation: boolean;
  crds?: string;
}

/** What the request path reads from the API-server watches, as plain data for worker threads. */
export interface CacheState {
  nodes?: Array<[string, string]>;
  proxyConfigs?: readonly ProxyConfigResource[];
  namespaces?: Array<[string, Record<string, string>]>;
  /** The active --injection-policy (plain data), absent without one. */
  policy?: InjectionPolicy;
}

/** Read the caches; the main thread passes its live caches, a worker its last pushed snapshot. */
export interface CacheLookups {
  nativeSidecars?: (nodeName: string | undefined) => boolean;
  proxyConfigs?: () => readonly ProxyConfigResource[];
  namespaceAnnotations?: (namespace: string) => Readonly<Record<string, string>> | undefined;
  policy?: () => InjectionPolicy | undefined;
}

export interface ActiveConfig {
  value: InjectionSettings;
  hash: string;
}

export function buildInjectionSettings(raw: RawInjectConfig, features: EngineFeatures): InjectionSettings {
  return compileInjectionSettings(raw, { revision: features.revision, nativeSidecars: features.nativeSidecars === true });
}

/** Lookups over a pushed snapshot; only the features that are on get one. */
export function lookupsFromState(features: EngineFeatures, state: CacheState): CacheLookups {
  const nodes = new Map(state.nodes ?? []);
  const namespaces = new Map(state.namespaces ?? []);
  const proxyConfigs = state.proxyConfigs ?? [];
  return {
    ...(features.nativeSidecars === 'auto' ? { nativeSidecars: (n: string | undefined) => supportsNativeSidecars(nodes, n) } : {}),
    ...(features.watchProxyConfigs ? { proxyConfigs: () => proxyConfigs } : {}),
    ...(features.openshift ? { namespaceAnnotations: (ns: string) => namespaces.get(ns) } : {}),
    ...(state.policy ? { policy: () => state.policy } : {}),
  };
}

/** The CRD schema layer when --schema-validation is on, compiled before the first request needs it. */
export function loadSchemaValidator(features: EngineFeatures): { validator: CrdValidator; compileMs: number; file: string } | undefined {
  if (!features.schemaValidation) return undefined;
  const file = features.crds ?? defaultCrdFile();
  const validator = loadCrdValidatorFromFile(file);
  return { validator, compileMs: validator.warmUp(), file };
}

export interface EngineOptions {
  /**
   * The lookups are snapshots (a new object whenever a watch changes, as in a worker), so whole answers can be
   * remembered per snapshot. Off for live lookups, whose content changes under the same object.
   */
  snapshotLookups?: boolean;
}

export function createEngines(features: EngineFeatures, current: () => ActiveConfig, lookups: () => CacheLookups, crdValidator?: CrdValidator, options: EngineOptions = {}): AdmissionEngines {
  const validate = createValidationEngine({ crdValidator });
  return {
    injectMemo: () => {
      if (options.snapshotLookups !== true) return undefined;
      let snap: ActiveConfig;
      try {
        snap = current();
      } catch {
        // No configuration for this request: inject() answers with why.
        return undefined;
      }
      return allTemplatesPure(snap.value) ? answerMemoFor(snap.value, lookups()) : undefined;
    },
    inject: (request: AdmissionRequest, path: string): AdmissionDecision => {
      // One snapshot per request: a reload mid-request cannot mix two configurations.
      const snap = current();
      const l = lookups();
      return injectAdmission(snap.value, request, path, {
        templateHash: snap.hash,
        openshift: features.openshift,
        nativeSidecars: l.nativeSidecars,
        proxyConfigs: l.proxyConfigs,
        namespaceAnnotations: l.namespaceAnnotations,
        policy: l.policy?.(),
      });
    },
    validate,
  };
}
