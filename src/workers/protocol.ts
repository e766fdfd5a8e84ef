/** Messages between the HTTP thread and the admission worker threads (structured-clone plain data only). */
import type { AdmissionSummary, WebhookKind } from '../admission/answer.js';
import type { RawInjectConfig } from '../config/types.js';
import type { CacheState, EngineFeatures } from './engines.js';

/** One configuration generation: built and validated on the main thread, rebuilt from the raw text in each worker. */
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

export type FromWorker =
  | { t: 'ready' }
  | { t: 'config'; gen: number; error?: string }
  | { t: 'answer'; id: number; body: string; summary: AdmissionSummary };
