/** Messages between the HTTP thread and the admission worker threads (structured-clone plain data only). */
import type { AdmissionSummary, WebhookKind } from '../admission/answer.js';
import type { RawInjectConfig } from '../config/types.js';
import type { ErrorCode } from '../errors.js';
import type { CacheState, EngineFeatures } from './engines.js';

/** One configuration generation: the raw text, compiled and canary-checked in each worker. */
export interface ConfigGeneration {
  gen: number;
  raw: RawInjectConfig;
  hash: string;
}

export interface WorkerInit {
  features: EngineFeatures;
  /** The active generation and, during a reload, the one being prepared. */
  configs: ConfigGeneration[];
  caches: CacheState;
}

export type ToWorker =
  | ({ t: 'config' } & ConfigGeneration)
  | { t: 'caches'; caches: CacheState }
  /** `gen`: the configuration generation this request must be answered with. */
  | { t: 'admit'; id: number; gen: number; kind: WebhookKind; body: string; path: string };

/** Why a worker refused a configuration: the builder's message and, when it has one, its catalogue code. */
export interface ConfigRefusal {
  error: string;
  code?: ErrorCode;
}

export type FromWorker =
  | { t: 'ready' }
  | ({ t: 'config'; gen: number } & Partial<ConfigRefusal>)
  | { t: 'answer'; id: number; body: string; summary: AdmissionSummary };
