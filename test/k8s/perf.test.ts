import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/k8s/json.js';
import { normalizeAs } from '../../src/k8s/normalize.js';
import { strategicMerge } from '../../src/k8s/smp.js';
import { printYaml } from '../../src/k8s/yaml-print.js';

function bigPod(envCount: number): JsonObject {
  const env = Array.from({ length: envCount }, (_, i) => ({ name: `VAR_${i}`, value: `value-${i}` }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'big', labels: { app: 'big' } },
    spec: {
      containers: [
        { name: 'app', image: 'app:1', env, resources: { limits: { cpu: '2000m', memory: '1024Mi' } } },
      ],
    },
  };
}

const template: JsonObject = {
  metadata: { labels: { 'security.istio.io/tlsMode': 'istio' } },
  spec: {
    initContainers: [{ name: 'istio-init', image: 'proxy', args: ['istio-iptables'] }],
    containers: [
      {
        name: 'istio-proxy',
        image: 'proxy',
        env: Array.from({ length: 30 }, (_, i) => ({ name: `ISTIO_${i}`, value: String(i) })),
        resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
      },
    ],
    volumes: [{ name: 'istio-envoy', emptyDir: { medium: 'Memory' } }],
  },
};

describe('throughput on a pod with 2000 env vars', () => {
  it('merges, normalises and prints in a few milliseconds', () => {
    const pod = bigPod(2000);
    // The overrides step merges the user's own container (all 2000 env vars) back over the pod.
    const userOverride: JsonObject = { spec: { containers: [(pod.spec as { containers: JsonObject[] }).containers[0]!] } };
    const run = () => {
      const merged = strategicMerge(pod, template);
      const again = strategicMerge(merged, userOverride);
      return normalizeAs('Pod', again);
    };
    for (let i = 0; i < 5; i++) run(); // warm-up
    const n = 20;
    const t0 = performance.now();
    let last: JsonObject = {};
    for (let i = 0; i < n; i++) last = run();
    const perRun = (performance.now() - t0) / n;
    let text = '';
    for (let i = 0; i < 5; i++) text = printYaml(last);
    const t1 = performance.now();
    for (let i = 0; i < 10; i++) text = printYaml(last);
    const printMs = (performance.now() - t1) / 10;
    console.log(`perf: merge x2 + normalize of a 2000-env pod: ${perRun.toFixed(2)} ms/run; printYaml: ${printMs.toFixed(2)} ms/run`);
    const containers = (last.spec as { containers: JsonObject[] }).containers;
    expect(containers.map((c) => c.name)).toEqual(['istio-proxy', 'app']);
    expect((containers[1]!.env as unknown[]).length).toBe(2000);
    expect(text.length).toBeGreaterThan(50_000);
    expect(perRun).toBeLessThan(50); // generous for slow CI; measured value is printed above
    expect(printMs).toBeLessThan(100);
  });
});
