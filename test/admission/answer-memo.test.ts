import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnswerMemo } from '../../src/admission/answer-memo.js';
import { answerReview, type AdmissionEngines } from '../../src/admission/answer.js';
import { readRawConfigDir } from '../../src/config/dir-source.js';
import type { RawInjectConfig } from '../../src/config/types.js';
import { buildInjectionSettings, createEngines, lookupsFromState, type CacheLookups, type EngineFeatures } from '../../src/workers/engines.js';

const RAW = readRawConfigDir(resolve(import.meta.dirname, '../../templates'));
const FEATURES: EngineFeatures = { revision: 'default', nativeSidecars: 'auto', openshift: false, watchProxyConfigs: false, schemaValidation: false };

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { generateName: 'web-5d8f-', namespace: 'shop', labels: { app: 'web', 'pod-template-hash': '5d8f' } },
  spec: { nodeName: 'n1', containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 8080 }] }] },
};
const body = (uid: string, object: unknown = pod) =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid, kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, operation: 'CREATE', namespace: 'shop', object },
  });

function engines(raw: RawInjectConfig, lookups: () => CacheLookups, snapshotLookups: boolean): AdmissionEngines {
  const value = buildInjectionSettings(raw, FEATURES);
  return createEngines(FEATURES, () => ({ value, hash: 'h' }), lookups, undefined, { snapshotLookups });
}

const nodes = (kubelet: string) => lookupsFromState(FEATURES, { nodes: [['n1', kubelet]] });

describe('remembered injection answers', () => {
  it('answers a repeated pod from the memo, byte for byte what the engine computes, with its own uid', () => {
    const l = nodes('v1.33.1');
    const memoised = engines(RAW, () => l, true);
    const computed = engines(RAW, () => l, false);
    const first = answerReview(memoised, 'inject', body('uid-1'), '/inject');
    const memo = memoised.injectMemo!()!;
    expect(memo.misses).toBe(1);
    const second = answerReview(memoised, 'inject', body('uid-2'), '/inject');
    expect(memo.hits).toBe(1);
    expect(second.body).toBe(answerReview(computed, 'inject', body('uid-2'), '/inject').body);
    expect(second.body).toBe(first.body.replace('"uid":"uid-1"', '"uid":"uid-2"'));
    expect(JSON.parse(second.body).response.patch.length).toBeGreaterThan(1000);
    expect(first.summary).toMatchObject({ memo: 'miss' });
    expect(second.summary).toEqual({ ...first.summary, uid: 'uid-2', memo: 'hit' });
    expect(answerReview(computed, 'inject', body('uid-3'), '/inject').summary).not.toHaveProperty('memo');
  });

  it('computes again for another path, another pod, new watch snapshots and a new configuration', () => {
    let l = nodes('v1.33.1');
    const e = engines(RAW, () => l, true);
    const native = answerReview(e, 'inject', body('a'), '/inject');
    const memo = e.injectMemo!()!;
    answerReview(e, 'inject', body('b'), '/inject/cluster/c2/net/n2');
    answerReview(e, 'inject', body('c', { ...pod, metadata: { ...pod.metadata, labels: { app: 'other' } } }), '/inject');
    expect(memo.misses).toBe(3);
    // The node cache now says the kubelet is too old for native sidecars: the same request must see it.
    l = nodes('v1.28.0');
    expect(e.injectMemo!()).not.toBe(memo);
    const classic = answerReview(e, 'inject', body('a'), '/inject');
    expect(classic.body).not.toBe(native.body);
    const fresh = engines(RAW, () => l, false);
    expect(classic.body).toBe(answerReview(fresh, 'inject', body('a'), '/inject').body);
    const reloaded = engines(RAW, () => l, true);
    expect(reloaded.injectMemo!()).not.toBe(e.injectMemo!());
  });

  it('remembers nothing for live lookups, templates that call impure functions, or bodies over 1 MiB', () => {
    const l = nodes('v1.33.1');
    expect(engines(RAW, () => l, false).injectMemo!()).toBeUndefined();
    const anchor = '    {{- $ann := .ObjectMeta.Annotations }}';
    expect(RAW.config).toContain(anchor);
    const impure = { ...RAW, config: RAW.config.replace(anchor, `    {{- if false }}{{ now }}{{ end }}\n${anchor}`) };
    expect(engines(impure, () => l, true).injectMemo!()).toBeUndefined();
    const e = engines(RAW, () => l, true);
    const big = { ...pod, metadata: { ...pod.metadata, annotations: { filler: 'x'.repeat(1024 * 1024) } } };
    answerReview(e, 'inject', body('big', big), '/inject');
    expect(e.injectMemo!()!.misses + e.injectMemo!()!.hits).toBe(0);
  });
});

describe('AnswerMemo', () => {
  const value = (n: number) => ({ decision: { allowed: true, reason: 'injected' }, patchBase64: 'p'.repeat(n) });
  it('evicts the least recently used entry past its entry and byte limits', () => {
    const m = new AnswerMemo(2, 100_000);
    m.set('a', value(10));
    m.set('b', value(10));
    m.get('a');
    m.set('c', value(10));
    expect([m.get('a') !== undefined, m.get('b') !== undefined, m.get('c') !== undefined]).toEqual([true, false, true]);
    // 2,257 bytes an entry (text, key, overhead): ten fit in 24,000, the eleventh pushes the first out.
    const small = new AnswerMemo(100, 24_000);
    for (let k = 0; k < 11; k++) small.set(`k${k}`, value(2_000));
    expect(small.size).toBe(10);
    expect(small.get('k0')).toBeUndefined();
    // One entry may take an eighth of the budget at most.
    small.set('huge', value(5_000));
    expect(small.get('huge')).toBeUndefined();
  });
});
