import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRawConfigDir } from '../../src/config/dir-source.js';
import { compileInjectionSettings } from '../../src/inject/engine.js';
import { applyPatch, createPatch, type PatchOperation } from '../../src/inject/patch.js';
import { injectAdmission } from '../../src/inject/webhook.js';
import type { JsonObject } from '../../src/k8s/json.js';
import { normalizeAs } from '../../src/k8s/normalize.js';
import { strategicMerge } from '../../src/k8s/smp.js';
import { printYaml } from '../../src/k8s/yaml-print.js';
import { parseYamlDocument } from '../../src/k8s/yaml-parse.js';
import { createFuncMap } from '../../src/gotemplate/funcs.js';
import { parseTemplate } from '../../src/gotemplate/template.js';
import * as gen from './gen.js';
import { LINEAR_BOUND, doublingRatio } from './growth.js';

const settings = compileInjectionSettings(readRawConfigDir(resolve(import.meta.dirname, '../../templates')));
const inject = (p: JsonObject) => injectAdmission(settings, gen.podRequest(p), '/inject');

const POD_CASES: Array<[string, (n: number) => JsonObject, number]> = [
  ['containers', (n) => gen.pod({ containers: n, env: 0, ports: 0 }) as JsonObject, 4000],
  ['env vars', (n) => gen.pod({ env: n }) as JsonObject, 8000],
  ['container ports', (n) => gen.pod({ ports: n }) as JsonObject, 4000],
  ['volumes', (n) => gen.pod({ volumes: n }) as JsonObject, 4000],
  ['annotations', (n) => gen.pod({ annotations: n }) as JsonObject, 4000],
];

describe('injection cost grows linearly with the size of the pod', () => {
  for (const [name, make, n] of POD_CASES) {
    it(name, () => {
      const small = make(50);
      const d = inject(small);
      expect(d.allowed, d.message).toBe(true);
      const injected = applyPatch(small, (d.patch ?? []) as PatchOperation[]) as { spec: { initContainers?: Array<{ name: string }> } };
      expect(injected.spec.initContainers?.map((c) => c.name)).toContain('istio-proxy');
      const ratio = doublingRatio(make, inject, n);
      expect(ratio, `doubling the input multiplied the time by ${ratio.toFixed(2)}`).toBeLessThan(LINEAR_BOUND);
    });
  }
});

describe('the engines under injection grow linearly', () => {
  const funcs = createFuncMap({ env: {} });

  it('template append loops ($l = append $l x over n items)', () => {
    const tmpl = parseTemplate('{{ $l := list }}{{ range .Items }}{{ $l = append $l .Name }}{{ end }}{{ len $l }} {{ last $l }}', { name: 't', funcs });
    const make = (n: number) => ({ Items: Array.from({ length: n }, (_, i) => ({ Name: `c${i}` })) });
    expect(tmpl.execute(make(3))).toBe('3 c2');
    expect(doublingRatio(make, (d) => tmpl.execute(d), 20000)).toBeLessThan(LINEAR_BOUND);
  });

  it('strategic merge of n containers, each with a merged env list', () => {
    const make = (n: number) => {
      const p = gen.pod({ containers: n, env: 4 }) as JsonObject;
      const patch: JsonObject = {
        spec: { containers: [{ name: 'istio-proxy', image: 'proxy' }, ...Array.from({ length: n }, (_, i) => ({ name: `app-${i}`, env: [{ name: 'NEW', value: '1' }] }))] },
      };
      return { p, patch };
    };
    const { p, patch } = make(2);
    const merged = strategicMerge(p, patch) as { spec: { containers: Array<{ name: string; env?: unknown[] }> } };
    expect(merged.spec.containers.map((c) => c.name)).toEqual(['istio-proxy', 'app-0', 'app-1']);
    expect(merged.spec.containers[1]?.env).toHaveLength(5);
    expect(doublingRatio(make, ({ p: o, patch: q }) => strategicMerge(o, q), 2000)).toBeLessThan(LINEAR_BOUND);
  });

  it('Go-typed normalisation of a pod with n containers', () => {
    const make = (n: number) => gen.pod({ containers: n, env: 4 });
    expect(doublingRatio(make, (p) => normalizeAs('Pod', p), 2000)).toBeLessThan(LINEAR_BOUND);
  });

  it('JSON patch diff with n changed containers (every operation checked against the received pod)', () => {
    const make = (n: number) => {
      const received = gen.pod({ containers: n, env: 4 }) as JsonObject;
      const typed = normalizeAs('Pod', received);
      const final = structuredClone(typed) as { spec: { containers: Array<{ env: Array<{ value: string }>; resources?: unknown }> } };
      for (const c of final.spec.containers) {
        for (const e of c.env) e.value += '-changed';
        c.resources = { limits: { cpu: '1' } };
      }
      return { received, typed, final: final as unknown as JsonObject };
    };
    const { received, typed, final } = make(2);
    const ops = createPatch(received, typed, final);
    const patched = applyPatch(received, ops) as { spec: { containers: Array<{ env: Array<{ value: string }>; resources: unknown }> } };
    expect(patched.spec.containers.map((c) => c.env[3]?.value)).toEqual(['value-3-changed', 'value-3-changed']);
    expect(patched.spec.containers[1]?.resources).toEqual({ limits: { cpu: '1' } });
    expect(doublingRatio(make, ({ received: r, typed: t, final: f }) => createPatch(r, t, f), 2000)).toBeLessThan(LINEAR_BOUND);
  });

  it('YAML printing and parsing of a pod with n containers', () => {
    const make = (n: number) => normalizeAs('Pod', gen.pod({ containers: n, env: 4 }));
    const small = make(3);
    expect(parseYamlDocument(printYaml(small))).toEqual(small);
    expect(doublingRatio(make, (p) => printYaml(p), 2000)).toBeLessThan(LINEAR_BOUND);
    expect(doublingRatio((n) => printYaml(make(n)), (y) => parseYamlDocument(y), 2000)).toBeLessThan(LINEAR_BOUND);
  });

  it('YAML parsing past 4 MiB (where the full parser, at about 1 MiB/s, used to take over)', () => {
    const yamlOf = (n: number) => printYaml(normalizeAs('Pod', gen.pod({ containers: n, env: 4 })));
    expect(yamlOf(12000).length).toBeGreaterThan(2 * 1024 * 1024);
    expect(doublingRatio(yamlOf, (y) => parseYamlDocument(y), 12000, 2)).toBeLessThan(LINEAR_BOUND);
  }, 120_000);
});
