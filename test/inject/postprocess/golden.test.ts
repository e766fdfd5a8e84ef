import { describe, expect, it } from 'vitest';
import { announceSkip, conformanceAvailable } from '../../conformance/corpus.js';
import { applyProbeRewrite } from '../../../src/inject/postprocess/probes.js';
import { validateAnnotations } from '../../../src/inject/postprocess/validate-annotations.js';
import { reorderPod } from '../../../src/inject/postprocess/reorder.js';
import { applyPrometheusMerge, sanitizeLabelName } from '../../../src/inject/postprocess/prometheus.js';
import type { Container, Pod } from '../../../src/inject/postprocess/pod.js';
import { allContainers, allGoldens, goldenPairs, readPods } from './golden.js';

/**
 * Istio's goldens show the pod after the whole pipeline. To check one post-processing step in
 * isolation we take the golden pod, put back what that step consumed (the app's original probes,
 * the user's prometheus annotations) and remove what it produced (its env var), run the step, and
 * expect the golden again.
 */
const available = conformanceAvailable();
if (!available) announceSkip('inject/postprocess goldens');

const PROBE_FIELDS = ['readinessProbe', 'livenessProbe', 'startupProbe', 'lifecycle'] as const;
const STATUS = 'sidecar.istio.io/status';

function proxyOf(pod: Pod): Container | undefined {
  return allContainers(pod).find((c) => c.name === 'istio-proxy');
}

function envValue(c: Container | undefined, name: string): string | undefined {
  return c?.env?.find((e) => e.name === name)?.value;
}

interface Case {
  name: string;
  input: Pod;
  golden: Pod;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const { input, golden } of goldenPairs()) {
    const inPods = readPods(input);
    const goldPods = readPods(golden);
    // Skipped documents (hostNetwork, non-injectable kinds) make the lists differ; nothing to compare.
    if (inPods.length !== goldPods.length) continue;
    goldPods.forEach((g, i) => {
      if (proxyOf(g)) out.push({ name: `${golden}#${i}`, input: inPods[i]!, golden: g });
    });
  }
  return out;
}

function beforeProbeRewrite(c: Case): { pod: Pod; reinjected: boolean } {
  const pod = structuredClone(c.golden);
  const reinjected = Object.hasOwn(c.input.metadata?.annotations ?? {}, STATUS);
  const inputContainers = allContainers(c.input);
  for (const ctr of allContainers(pod)) {
    if (ctr.name === 'istio-proxy') {
      const previous = envValue(proxyOf(c.input), 'ISTIO_KUBE_APP_PROBERS');
      if (!ctr.env) continue;
      ctr.env = ctr.env.flatMap((e) => {
        if (e.name !== 'ISTIO_KUBE_APP_PROBERS') return [e];
        return reinjected && previous !== undefined ? [{ ...e, value: previous }] : [];
      });
      continue;
    }
    const original = inputContainers.find((x) => x.name === ctr.name);
    if (!original) continue;
    for (const f of PROBE_FIELDS) {
      if (original[f] === undefined) delete ctr[f];
      else ctr[f] = structuredClone(original[f]) as never;
    }
  }
  return { pod, reinjected };
}

function isPrometheusKey(k: string): boolean {
  return sanitizeLabelName(k).startsWith('prometheus_');
}

function beforePrometheusMerge(c: Case): Pod {
  const pod = structuredClone(c.golden);
  const kept = Object.entries(pod.metadata?.annotations ?? {}).filter(([k]) => !isPrometheusKey(k));
  const users = Object.entries(c.input.metadata?.annotations ?? {}).filter(([k]) => isPrometheusKey(k));
  pod.metadata = { ...pod.metadata, annotations: Object.fromEntries([...kept, ...users]) };
  const proxy = proxyOf(pod)!;
  if (proxy.env) proxy.env = proxy.env.filter((e) => e.name !== 'ISTIO_PROMETHEUS_ANNOTATIONS');
  return pod;
}

describe.skipIf(!available)('post-processing against Istio goldens', () => {
  const all = available ? cases() : [];

  it('finds golden pods to check', () => {
    expect(all.length).toBeGreaterThan(50);
    expect(all.filter((c) => envValue(proxyOf(c.golden), 'ISTIO_KUBE_APP_PROBERS') !== undefined).length).toBeGreaterThan(10);
  });

  it('probe rewrite reproduces every golden ISTIO_KUBE_APP_PROBERS and rewritten probe', () => {
    const failures: string[] = [];
    for (const c of all) {
      const { pod, reinjected } = beforeProbeRewrite(c);
      const got = applyProbeRewrite(pod, { statusPort: 15020, reinjected, rewriteAppHTTPProbe: true });
      try {
        expect(got.spec).toEqual(c.golden.spec);
      } catch (e) {
        failures.push(`${c.name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('prometheus merge reproduces every golden annotation set and ISTIO_PROMETHEUS_ANNOTATIONS', () => {
    const failures: string[] = [];
    for (const c of all) {
      const got = applyPrometheusMerge(beforePrometheusMerge(c), { statusPort: 15020, meshEnablePrometheusMerge: true });
      try {
        expect(got.metadata?.annotations).toEqual(c.golden.metadata?.annotations);
        expect(proxyOf(got)?.env).toEqual(proxyOf(c.golden)?.env);
      } catch (e) {
        failures.push(`${c.name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe.skipIf(!available)('annotation validation against Istio error cases', () => {
  // Istio's TestInjection only checks that the lowercased error names the file's subject.
  const subjects = ['includeipranges', 'excludeipranges', 'includeinboundports', 'excludeinboundports', 'excludeoutboundports'];
  it.each(subjects)('traffic-annotations-bad-%s.yaml is denied naming %s', (subject) => {
    const pods = readPods(`traffic-annotations-bad-${subject}.yaml`);
    expect(pods.length).toBeGreaterThan(0);
    for (const p of pods) {
      const errs = validateAnnotations(p.metadata?.annotations);
      expect(errs).toHaveLength(1);
      expect(errs[0]!.toLowerCase()).toContain(subject);
    }
  });

  it('accepts the annotations of every pod Istio injected successfully', () => {
    const rejected = goldenPairs().flatMap(({ input }) =>
      readPods(input).flatMap((p) => validateAnnotations(p.metadata?.annotations).map((e) => `${input}: ${e}`)),
    );
    expect(rejected).toEqual([]);
  });
});

describe.skipIf(!available)('container order against Istio goldens', () => {
  const INJECTED = new Set(['istio-init', 'istio-validation', 'istio-proxy', 'enable-core-dump']);
  // Scramble only Istio's containers (reversed, after the user's): the user's relative order is
  // something reorderPod must keep, not restore.
  const scramble = (list: Container[] | undefined) =>
    list && [...list.filter((c) => !INJECTED.has(c.name ?? '')), ...list.filter((c) => INJECTED.has(c.name ?? '')).reverse()];

  it('reorderPod restores the golden order of containers and init containers', () => {
    const failures: string[] = [];
    let checked = 0;
    let holdSeen = false;
    for (const golden of allGoldens()) {
      readPods(golden).forEach((g, i) => {
        if (!proxyOf(g)) return;
        checked++;
        if (g.spec?.containers?.[0]?.name === 'istio-proxy') holdSeen = true;
        const hold = g.spec?.containers?.[0]?.name === 'istio-proxy';
        const pod = structuredClone(g);
        pod.spec!.containers = scramble(pod.spec!.containers);
        if (pod.spec!.initContainers) pod.spec!.initContainers = scramble(pod.spec!.initContainers);
        const got = reorderPod(pod, { holdApplicationUntilProxyStarts: hold });
        const names = (p: Pod) => [p.spec?.containers?.map((c) => c.name), p.spec?.initContainers?.map((c) => c.name)];
        if (JSON.stringify(names(got)) !== JSON.stringify(names(g))) {
          failures.push(`${golden}#${i}: ${JSON.stringify(names(got))} != ${JSON.stringify(names(g))}`);
        }
      });
    }
    expect(checked).toBeGreaterThan(50);
    expect(holdSeen).toBe(true);
    expect(failures).toEqual([]);
  });
});
