import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { answerReview } from '../../src/admission/answer.js';
import { hashRawConfig, type RawInjectConfig } from '../../src/config/types.js';
import { AdmissionWorkerPool } from '../../src/workers/pool.js';
import { buildInjectionSettings, createEngines, lookupsFromState, type EngineFeatures } from '../../src/workers/engines.js';
import { cpusFromCpuMax } from '../../src/workers/cpus.js';
import { announceSkip, conformanceAvailable } from '../conformance/corpus.js';
import { TESTDATA, caseSettings, loadInjectCases } from '../conformance/inject-cases.js';
import { objectToPod, workloadDocs } from '../conformance/inject-report.js';

const features: EngineFeatures = { revision: 'default', nativeSidecars: true, openshift: false, watchProxyConfigs: false, schemaValidation: false };
const pools: AdmissionWorkerPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});
function pool(size: number, deadlineMs?: number, configDeadlineMs?: number): AdmissionWorkerPool {
  const p = new AdmissionWorkerPool({ size, features, deadlineMs, configDeadlineMs });
  pools.push(p);
  return p;
}
async function load(p: AdmissionWorkerPool, raw: RawInjectConfig): Promise<void> {
  p.activate(await p.prepare(raw, hashRawConfig(raw)));
}

const review = (object: unknown, uid = 'u') =>
  JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid, kind: { group: '', version: 'v1', kind: 'Pod' }, operation: 'CREATE', namespace: 'shop', object } });
const pod = (annotations: Record<string, string> = {}) => ({
  metadata: { generateName: 'web-', namespace: 'shop', labels: { app: 'web' }, annotations },
  spec: { containers: [{ name: 'web', image: 'nginx' }] },
});
const oneTemplate = (tmpl: string): RawInjectConfig => ({
  config: `policy: enabled\ndefaultTemplates: [sidecar]\ntemplates:\n  sidecar: |\n${tmpl.split('\n').map((l) => `    ${l}`).join('\n')}\n`,
  values: '{}',
});
const patchOf = (body: string) => Buffer.from((JSON.parse(body) as { response: { patch?: string } }).response.patch ?? '', 'base64').toString();

describe('admission worker pool', () => {
  it.skipIf(!conformanceAvailable())('answers the webhook conformance corpus byte for byte as one worker and as the inline engine', async () => {
    const one = pool(1);
    const two = pool(2);
    let compared = 0;
    const answeredBy = new Set<number>();
    for (const c of loadInjectCases().filter((x) => x.webhook && x.golden)) {
      const s = caseSettings(c);
      const raw = { config: s.config, values: s.values, mesh: s.mesh };
      await Promise.all([load(one, raw), load(two, raw)]);
      const inline = createEngines(features, () => ({ value: buildInjectionSettings(raw, features), hash: hashRawConfig(raw) }), () => lookupsFromState(features, {}));
      const bodies = workloadDocs(readFileSync(join(TESTDATA, c.input), 'utf8')).map((doc, i) => review(objectToPod(doc), `${c.name}-${i}`));
      // Both workers of the pair get work: the requests are in flight together.
      const [a, b] = await Promise.all([Promise.all(bodies.map((x) => one.admit('inject', x, '/inject'))), Promise.all([...bodies, ...bodies].map((x) => two.admit('inject', x, '/inject')))]);
      for (const [i, body] of bodies.entries()) {
        const want = answerReview(inline, 'inject', body, '/inject').body;
        expect(a[i]!.body, c.name).toBe(want);
        expect(b[i]!.body, c.name).toBe(want);
        expect(b[i + bodies.length]!.body, c.name).toBe(want);
        compared++;
      }
      for (const x of b) answeredBy.add(x.worker);
    }
    expect(compared).toBeGreaterThan(100);
    expect(answeredBy.size).toBe(2);
  }, 240_000);

  it('a reload reaches every worker before it is acknowledged', async () => {
    const p = pool(2);
    await load(p, oneTemplate('metadata:\n  labels:\n    flavour: "one"'));
    const before = await Promise.all(Array.from({ length: 20 }, () => p.admit('inject', review(pod()), '/inject')));
    expect(before.every((a) => patchOf(a.body).includes('"one"'))).toBe(true);
    await load(p, oneTemplate('metadata:\n  labels:\n    flavour: "two"'));
    const after = await Promise.all(Array.from({ length: 20 }, () => p.admit('inject', review(pod()), '/inject')));
    expect(new Set(after.map((a) => a.worker)).size).toBe(2);
    expect(after.filter((a) => !patchOf(a.body).includes('"two"'))).toEqual([]);
  }, 60_000);

  it('refuses a reload that a worker cannot build with the builder\'s own error, keeping the previous generation', async () => {
    const p = pool(1);
    await load(p, oneTemplate('metadata:\n  labels:\n    flavour: "one"'));
    const bad: RawInjectConfig = { config: 'templates: [', values: '{}' };
    let inline: unknown;
    try {
      buildInjectionSettings(bad, features);
    } catch (e) {
      inline = e;
    }
    expect(inline).toMatchObject({ code: 'MA301_CONFIG_INVALID' });
    await expect(p.prepare(bad, 'bad')).rejects.toMatchObject({ code: 'MA301_CONFIG_INVALID', message: (inline as Error).message });
    expect(patchOf((await p.admit('inject', review(pod()), '/inject')).body)).toContain('"one"');
  }, 60_000);

  it('refuses a configuration whose canary injection fails in the workers (the HTTP thread compiles nothing)', async () => {
    const p = pool(2);
    await load(p, oneTemplate('metadata:\n  labels:\n    flavour: "one"'));
    await expect(p.prepare(oneTemplate('{{ fail "no sidecar for the canary" }}'), 'canary')).rejects.toMatchObject({
      code: 'MA302_CANARY_FAILED',
      message: expect.stringContaining('no sidecar for the canary'),
    });
    const after = await Promise.all(Array.from({ length: 10 }, () => p.admit('inject', review(pod()), '/inject')));
    expect(after.filter((a) => !patchOf(a.body).includes('"one"'))).toEqual([]);
  }, 60_000);

  it('refuses a configuration whose canary never finishes at the configuration deadline, and keeps serving', async () => {
    // Loose enough for a good configuration to load while the rest of the suite loads the machine.
    const p = pool(2, 9000, 6000);
    await load(p, oneTemplate('metadata:\n  labels:\n    flavour: "one"'));
    const hang = oneTemplate('{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}metadata: {}');
    const t0 = Date.now();
    await expect(p.prepare(hang, 'hang')).rejects.toMatchObject({ code: 'MA322_WORKER_CONFIG', message: expect.stringContaining('within 6000 ms') });
    // One period, or two when a worker was still starting.
    expect(Date.now() - t0).toBeLessThan(13_000);
    // Both workers were stuck in it; their replacements load only the generation that is live.
    expect(p.replacements).toBe(2);
    const after = await Promise.all(Array.from({ length: 10 }, () => p.admit('inject', review(pod()), '/inject')));
    expect(after.filter((a) => !patchOf(a.body).includes('"one"'))).toEqual([]);
    // And the next good reload goes through.
    await load(p, oneTemplate('metadata:\n  labels:\n    flavour: "two"'));
    expect(patchOf((await p.admit('inject', review(pod()), '/inject')).body)).toContain('"two"');
  }, 60_000);

  it('refuses a configuration that kills the worker loading it (out of memory), then serves the previous one', async () => {
    const p = pool(1, 9000, 20_000);
    await load(p, oneTemplate('metadata:\n  labels:\n    flavour: "one"'));
    // Every canary injection grows a list of 1 KB strings past the worker's heap cap: the worker dies, and so
    // does its replacement loading the same generation; only then is the configuration refused.
    const oom = oneTemplate('{{ $l := list }}{{ range until 10000000 }}{{ $l = append $l (printf "%01024d" .) }}{{ end }}metadata: {}');
    await expect(p.prepare(oom, 'oom')).rejects.toMatchObject({ code: 'MA322_WORKER_CONFIG', message: expect.stringContaining('exited') });
    const answer = await p.admit('inject', review(pod()), '/inject');
    expect(patchOf(answer.body)).toContain('"one"');
  }, 90_000);

  it('replaces a worker stuck past the deadline and answers the next request from its replacement', async () => {
    const p = pool(1, 1500);
    // ~10^10 template steps for an annotated pod: effectively forever, so only the deadline ends it.
    await load(p, oneTemplate('{{ if index .ObjectMeta.Annotations "hang" }}{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}{{ end }}metadata:\n  labels:\n    ok: "yes"'));
    const warm = await p.admit('inject', review(pod()), '/inject');
    const stuckThread = warm.worker;
    const stuck = p.admit('inject', review(pod({ hang: 'true' })), '/inject');
    const queued = p.admit('inject', review(pod(), 'behind'), '/inject');
    await expect(stuck).rejects.toMatchObject({ code: 'MA320_WORKER_DEADLINE' });
    const next = await queued;
    expect(JSON.parse(next.body).response).toMatchObject({ uid: 'behind', allowed: true });
    expect(next.worker).not.toBe(stuckThread);
    expect(p.replacements).toBe(1);
  }, 60_000);
});

describe('cpusFromCpuMax', () => {
  it('reads a cgroup v2 quota, rounding a fraction up, and no quota as undefined', () => {
    expect(cpusFromCpuMax('max 100000\n')).toBeUndefined();
    expect(cpusFromCpuMax('200000 100000\n')).toBe(2);
    expect(cpusFromCpuMax('150000 100000')).toBe(2);
    expect(cpusFromCpuMax('50000 100000')).toBe(1);
    expect(cpusFromCpuMax('garbage')).toBeUndefined();
  });
});

if (!conformanceAvailable()) announceSkip('worker pool vs inline on the webhook corpus');
