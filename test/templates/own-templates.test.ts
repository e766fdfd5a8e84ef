import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { announceSkip, conformanceAvailable } from '../conformance/corpus.js';
import { applyRatchet, formatOutcome } from '../conformance/ratchet.js';
import type { InjectCase } from '../conformance/inject-cases.js';

/**
 * Istio's golden corpus run with OUR templates/config in place of Istio's templates (values and mesh stay
 * the corpus's, so hub/tag match the goldens). A case that passes with Istio's template but fails with ours
 * is a bug in ours: those are looked up only for our failures, which keeps the suite fast.
 */

const OWN_CONFIG = readFileSync(resolve(import.meta.dirname, '../../templates/config'), 'utf8');

const available = conformanceAvailable();
if (!available) announceSkip('own-templates (Istio golden corpus with templates/config)');

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function isDefaultSettings(c: InjectCase): boolean {
  return c.values === undefined && c.mesh === undefined && c.overlay === undefined && c.features === undefined && c.error === undefined;
}

/**
 * Overlay cases add user templates (values.sidecarInjectorWebhook.templates) to the ConfigMap, as the chart
 * does; add them to ours too so that those cases test our `sidecar` beside the user's template.
 */
function ownConfigFor(c: InjectCase, testdata: string): string {
  if (c.overlay === undefined) return OWN_CONFIG;
  const iop = parseYaml(readFileSync(join(testdata, c.overlay), 'utf8')) as unknown;
  const values = isObj(iop) && isObj(iop.spec) && isObj(iop.spec.values) ? iop.spec.values : {};
  const extra = isObj(values.sidecarInjectorWebhook) ? values.sidecarInjectorWebhook.templates : undefined;
  if (!isObj(extra)) return OWN_CONFIG;
  const doc = parseYaml(OWN_CONFIG) as Obj;
  doc.templates = { ...(isObj(doc.templates) ? doc.templates : {}), ...extra };
  return toYaml(doc, { lineWidth: 0 });
}

type Path = 'webhook' | 'kube-inject';

interface PathRun {
  results: Map<string, boolean>;
  details: Map<string, string>;
  /** Cases Istio's own template passes and ours fails. */
  worseThanIstio: string[];
}

async function runPath(path: Path, cases: InjectCase[]): Promise<PathRun> {
  const { runKubeInjectCase, runWebhookCase } = await import('../conformance/inject-report.js');
  const { TESTDATA } = await import('../conformance/inject-cases.js');
  const run = async (c: InjectCase, config?: string) => {
    const override = config === undefined ? {} : { config };
    return path === 'webhook' ? runWebhookCase(c, override) : runKubeInjectCase(c, override);
  };
  const out: PathRun = { results: new Map(), details: new Map(), worseThanIstio: [] };
  for (const c of cases) {
    if (path === 'webhook' ? !c.webhook : !c.kubeInject) continue;
    const ours = await run(c, ownConfigFor(c, TESTDATA));
    out.results.set(c.name, ours.ok);
    if (ours.ok) continue;
    out.details.set(c.name, ours.detail ?? '');
    if ((await run(c)).ok) out.worseThanIstio.push(c.name);
  }
  return out;
}

function report(suite: string, r: PathRun): string[] {
  const outcome = applyRatchet(suite, r.results);
  console.log(formatOutcome(suite, outcome));
  for (const name of [...outcome.regressions, ...r.worseThanIstio]) console.log(`  ${name}: ${r.details.get(name)?.slice(0, 400)}`);
  return outcome.regressions;
}

describe.skipIf(!available)("Istio's golden corpus with our own templates", () => {
  const load = async () => (await import('../conformance/inject-cases.js')).loadInjectCases();

  for (const path of ['webhook', 'kube-inject'] as const) {
    it(`default-settings cases (${path}): no regression, and nothing Istio's template passes fails with ours`, async () => {
      const cases = (await load()).filter(isDefaultSettings);
      expect(cases.length).toBeGreaterThan(50);
      const r = await runPath(path, cases);
      const regressions = report(`own-templates-${path}`, r);
      expect(regressions).toEqual([]);
      expect(r.worseThanIstio).toEqual([]);
    }, 120_000);
  }

  it('special-settings and error cases (values, mesh, overlays, feature flags, bad annotations): ours does as well as Istio\'s template', async () => {
    const cases = (await load()).filter((c) => !isDefaultSettings(c));
    expect(cases.length).toBeGreaterThan(20);
    const webhook = await runPath('webhook', cases);
    const kube = await runPath('kube-inject', cases);
    const regressions = [...report('own-templates-special-webhook', webhook), ...report('own-templates-special-kube-inject', kube)];
    expect(regressions).toEqual([]);
    expect([...webhook.worseThanIstio, ...kube.worseThanIstio]).toEqual([]);
  }, 120_000);
});
