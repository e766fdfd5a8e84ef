import { createHash } from 'node:crypto';
import { BoundedLru } from '../bounded-lru.js';
import type { AdmissionDecision, AdmissionRequest } from './types.js';

/**
 * Whole injection decisions remembered per (configuration snapshot, cache snapshot): the pods of one ReplicaSet
 * reach the webhook as identical requests but for their uid, so a rollout or scale-up computes each pod shape
 * once and every further pod costs a parse, a hash and the answer text. The engines decide when answers are
 * memoisable at all (pure templates, snapshot lookups); a new snapshot gets a new memo.
 */
export const ANSWER_MEMO_MAX_ENTRIES = 512;
export const ANSWER_MEMO_MAX_BYTES = 16 * 1024 * 1024;
/** Larger bodies are computed every time: hashing them costs about what it would save, and they are rare. */
export const ANSWER_MEMO_MAX_BODY = 1024 * 1024;

export interface MemoisedDecision {
  /** Without its `patch` operations: the answer is built from `patchBase64`. */
  decision: Omit<AdmissionDecision, 'patch'>;
  /** The patch as the answer carries it (base64 of its JSON), encoded once. */
  patchBase64: string | undefined;
}

export class AnswerMemo extends BoundedLru<MemoisedDecision> {
  constructor(maxEntries = ANSWER_MEMO_MAX_ENTRIES, maxBytes = ANSWER_MEMO_MAX_BYTES) {
    super(maxEntries, maxBytes, maxBytes / 8);
  }

  override set(key: string, value: MemoisedDecision): void {
    const d = value.decision;
    super.set(key, value, key.length + (value.patchBase64?.length ?? 0) + (d.detail?.length ?? 0) + (d.message?.length ?? 0) + 256);
  }
}

const byConfig = new WeakMap<object, WeakMap<object, AnswerMemo>>();

/** The memo of one (configuration snapshot, watch snapshot) pair; either object replaced means a fresh memo. */
export function answerMemoFor(config: object, lookups: object): AnswerMemo {
  let inner = byConfig.get(config);
  if (inner === undefined) byConfig.set(config, (inner = new WeakMap()));
  let m = inner.get(lookups);
  if (m === undefined) inner.set(lookups, (m = new AnswerMemo()));
  return m;
}

/**
 * Everything of the request but its uid, with the webhook path (revision, cluster and network live there);
 * undefined when the request cannot be written back as JSON (the ingress limits make that unreachable).
 */
export function answerMemoKey(request: AdmissionRequest, path: string): string | undefined {
  try {
    return createHash('sha256').update(path).update('\0').update(JSON.stringify({ ...request, uid: '' })).digest('base64');
  } catch {
    return undefined;
  }
}

export function patchBase64(decision: AdmissionDecision): string | undefined {
  return decision.patch !== undefined && decision.patch.length > 0 ? Buffer.from(JSON.stringify(decision.patch)).toString('base64') : undefined;
}
