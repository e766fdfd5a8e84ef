import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { readRawConfigDir } from '../../src/config/dir-source.js';
import { TEMPLATE_HASH_ANNOTATION } from '../../src/config/types.js';
import { compileInjectionSettings } from '../../src/inject/engine.js';
import { parseInjectionPolicy } from '../../src/inject/policy/rules.js';
import type { JsonObject } from '../../src/k8s/json.js';
import { compareOutcomes, podChanges, unifiedDiff, type Outcome } from '../../src/cli/preview-diff.js';
import {
  countLine,
  formatPreview,
  groupWorkloads,
  outcomeOf,
  podFromInjected,
  podFromTemplate,
  previewCommand,
  previewWorkload,
} from '../../src/cli/preview.js';

const proxy = (over: JsonObject = {}): JsonObject => ({
  name: 'istio-proxy',
  image: 'docker.io/istio/proxyv2:1.28.0',
  env: [
    { name: 'A', value: '1' },
    { name: 'B', value: '2' },
  ],
  resources: { limits: { cpu: '2', memory: '1Gi' } },
  ...over,
});
const pod = (containers: JsonObject[], init: JsonObject[] = [], meta: JsonObject = {}): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', ...meta },
  spec: { ...(init.length ? { initContainers: init } : {}), containers },
});
const app: JsonObject = { name: 'app', image: 'nginx' };

describe('podChanges', () => {
  it('is empty for equal pods whatever their key order', () => {
    const a = pod([app, proxy()]);
    const reversed = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reversed) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)])) : v;
    const b = reversed(a) as JsonObject;
    expect(JSON.stringify(b)).not.toBe(JSON.stringify(a));
    expect(podChanges(a, b)).toEqual([]);
  });

  it('names image, env entries and resource leaves of a container, with short values', () => {
    const b = pod([
      app,
      proxy({
        image: 'example.io/proxyv2:1.29.0',
        env: [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'ISTIO_META_X', value: 'y' }],
        resources: { limits: { cpu: '1', memory: '1Gi' } },
      }),
    ]);
    expect(podChanges(pod([app, proxy()]), b)).toEqual([
      'istio-proxy env B changed 2 → 3',
      'istio-proxy env ISTIO_META_X added',
      'istio-proxy image docker.io/istio/proxyv2:1.28.0 → example.io/proxyv2:1.29.0',
      'istio-proxy resources.limits.cpu 2 → 1',
    ]);
  });

  it('reports an env order change only when no entry changed', () => {
    const b = pod([app, proxy({ env: [{ name: 'B', value: '2' }, { name: 'A', value: '1' }] })]);
    expect(podChanges(pod([app, proxy()]), b)).toEqual(['istio-proxy env order']);
    const fromField = pod([app, proxy({ env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'x' } } }, { name: 'B', value: '2' }] })]);
    expect(podChanges(pod([app, proxy()]), fromField)).toEqual(['istio-proxy env A changed 1 → (none)']);
    const otherField = pod([app, proxy({ env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'y' } } }, { name: 'B', value: '2' }] })]);
    expect(podChanges(fromField, otherField)).toEqual(['istio-proxy env A changed']);
  });

  it('shows a sidecar moving between native and classic as a move, and added or removed containers', () => {
    const classic = pod([app, proxy()], [{ name: 'istio-init', image: 'x' }]);
    const native = pod([app], [{ name: 'istio-init', image: 'x' }, proxy()]);
    expect(podChanges(classic, native)).toEqual(['istio-proxy moved from containers to initContainers']);
    expect(podChanges(pod([app, proxy()]), pod([app, proxy()], [{ name: 'istio-init', image: 'x' }]))).toEqual(['initContainer istio-init added']);
    expect(podChanges(pod([app, proxy()]), pod([app]))).toEqual(['container istio-proxy removed']);
  });

  it('names labels, annotations, volumes and other spec fields', () => {
    const a = pod([app], [], { labels: { l: '1' }, annotations: { x: 'a' } });
    a.spec = { ...(a.spec as JsonObject), volumes: [{ name: 'v1', emptyDir: {} }], dnsPolicy: 'ClusterFirst' };
    const b = pod([app], [], { labels: { l: '2', m: '1' }, annotations: {} });
    b.spec = { ...(b.spec as JsonObject), volumes: [{ name: 'v2', emptyDir: {} }], dnsPolicy: 'None' };
    expect(podChanges(a, b)).toEqual(['label l changed', 'label m added', 'annotation x removed', 'spec.dnsPolicy ClusterFirst → None', 'volume v1 removed', 'volume v2 added']);
  });
});

describe('compareOutcomes', () => {
  const injected = (p: JsonObject): Outcome => ({ kind: 'injected', pod: p });
  it('unchanged, counted changes, and a change of outcome', () => {
    expect(compareOutcomes(injected(pod([app, proxy()])), injected(pod([app, proxy()])))).toEqual({ changed: false, summary: 'unchanged', changes: [] });
    const one = compareOutcomes(injected(pod([app, proxy()])), injected(pod([app, proxy({ image: 'i:2' })])));
    expect(one.changed).toBe(true);
    expect(one.summary).toBe('1 change (istio-proxy image docker.io/istio/proxyv2:1.28.0 → i:2)');
    const off = compareOutcomes(injected(pod([app, proxy()])), { kind: 'skipped', reason: 'policy is disabled', pod: pod([app]) });
    expect(off).toMatchObject({ changed: true, summary: 'injected → not injected (policy is disabled)' });
    const denied = compareOutcomes(injected(pod([app])), { kind: 'denied', message: 'failed to run injection template: boom\nmore' });
    expect(denied.summary).toBe('injected → denied (failed to run injection template: boom)');
    const same = compareOutcomes({ kind: 'skipped', reason: 'r', pod: pod([app]) }, { kind: 'skipped', reason: 'r', pod: pod([app]) });
    expect(same).toMatchObject({ changed: false, summary: 'unchanged: not injected (r)' });
  });
});

/** Applies a unified diff to `a`'s lines, checking every context and removed line against it. */
function applyUnified(a: string[], diff: string): string[] {
  const lines = diff.split('\n').slice(2);
  if (lines[lines.length - 1] === '') lines.pop();
  const out: string[] = [];
  let pos = 0;
  for (let i = 0; i < lines.length; ) {
    const m = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(lines[i]!);
    if (!m) throw new Error(`bad hunk header ${lines[i]}`);
    const aStart = Number(m[2]) === 0 ? Number(m[1]) : Number(m[1]) - 1;
    while (pos < aStart) out.push(a[pos++]!);
    let aSeen = 0;
    let bSeen = 0;
    for (i++; i < lines.length && !lines[i]!.startsWith('@@'); i++) {
      const op = lines[i]![0];
      const text = lines[i]!.slice(1);
      if (op === '+') {
        out.push(text);
        bSeen++;
        continue;
      }
      if (a[pos] !== text) throw new Error(`line ${pos + 1}: expected ${JSON.stringify(a[pos])}, diff has ${JSON.stringify(text)}`);
      pos++;
      aSeen++;
      if (op === ' ') {
        out.push(text);
        bSeen++;
      }
    }
    expect([aSeen, bSeen]).toEqual([Number(m[2]), Number(m[4])]);
  }
  while (pos < a.length) out.push(a[pos++]!);
  return out;
}

function lcs(a: string[], b: string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) t[i]![j] = a[i - 1] === b[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
  return t[a.length]![b.length]!;
}

describe('unifiedDiff', () => {
  it('prints diff -u hunks with three lines of context, merging close changes', () => {
    const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16'];
    const b = [...a];
    b[1] = 'two';
    b.splice(14, 1);
    expect(unifiedDiff(`${a.join('\n')}\n`, `${b.join('\n')}\n`, 'old', 'new')).toBe(
      ['--- old', '+++ new', '@@ -1,5 +1,5 @@', ' 1', '-2', '+two', ' 3', ' 4', ' 5', '@@ -12,5 +12,4 @@', ' 12', ' 13', ' 14', '-15', ' 16', ''].join('\n'),
    );
    // As diff -u: hunks 7 unchanged lines apart stay apart, 6 apart merge.
    const c = [...a];
    c[1] = 'two';
    c[9] = 'ten';
    expect(unifiedDiff(a.join('\n'), c.join('\n'), 'old', 'new').match(/^@@.*/gm)).toEqual(['@@ -1,5 +1,5 @@', '@@ -7,7 +7,7 @@']);
    c[9] = '10';
    c[8] = 'nine';
    expect(unifiedDiff(a.join('\n'), c.join('\n'), 'old', 'new').match(/^@@.*/gm)).toEqual(['@@ -1,12 +1,12 @@']);
  });

  it('is empty for equal texts and handles empty sides', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', 'x', 'y')).toBe('');
    expect(unifiedDiff('', 'a\n', 'x', 'y')).toBe('--- x\n+++ y\n@@ -0,0 +1,1 @@\n+a\n');
    expect(unifiedDiff('a\n', '', 'x', 'y')).toBe('--- x\n+++ y\n@@ -1,1 +0,0 @@\n-a\n');
  });

  it('on random inputs: applying the diff gives the new text, and the edit is minimal', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const a = Array.from({ length: rnd(25) }, () => 'abcde'[rnd(5)]!);
      const b = a.flatMap((x) => (rnd(4) === 0 ? [] : rnd(5) === 0 ? [x, 'abcde'[rnd(5)]!] : [x]));
      if (rnd(3) === 0) b.unshift('z');
      const d = unifiedDiff(a.map((x) => `${x}\n`).join(''), b.map((x) => `${x}\n`).join(''), 'a', 'b');
      expect(applyUnified(a, d)).toEqual(b);
      const edits = d.split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l)).length;
      expect(edits).toBe(a.length + b.length - 2 * lcs(a, b));
    }
  });
});

describe('pre-injection pods and grouping', () => {
  const status = (rev = 'default'): string =>
    JSON.stringify({ initContainers: ['istio-init'], containers: ['istio-proxy'], volumes: ['istio-envoy'], imagePullSecrets: null, revision: rev });
  const live = (name: string, meta: JsonObject, created = '2026-01-01T00:00:00Z'): JsonObject => ({
    kind: 'Pod',
    metadata: { name, namespace: 'shop', creationTimestamp: created, annotations: { 'sidecar.istio.io/status': status() }, ...meta },
    spec: { initContainers: [{ name: 'istio-init' }], containers: [app, { name: 'istio-proxy' }], volumes: [{ name: 'istio-envoy' }, { name: 'data' }] },
  });
  const rsRef = (name: string) => ({ ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid: 'u', controller: true }] });

  it('groups pods by workload, keeps the newest pod, and leaves out uninjected, finished and other revisions', () => {
    const pods: JsonObject[] = [
      live('web-aaa-1', { generateName: 'web-aaa-', labels: { 'pod-template-hash': 'aaa' }, ...rsRef('web-aaa') }, '2026-01-01T00:00:00Z'),
      live('web-bbb-1', { generateName: 'web-bbb-', labels: { 'pod-template-hash': 'bbb' }, ...rsRef('web-bbb') }, '2026-01-02T00:00:00Z'),
      live('db-0', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true }] }),
      live('solo', {}),
      { kind: 'Pod', metadata: { name: 'plain', namespace: 'shop' }, spec: { containers: [app] } },
      { ...live('done', {}), status: { phase: 'Succeeded' } },
      live('canary', { annotations: { 'sidecar.istio.io/status': status('canary') } }),
    ];
    const w = groupWorkloads(pods, 'default');
    expect(w.map((x) => `${x.kind} ${x.namespace}/${x.name} ${String((x.pod.metadata as JsonObject).name)}`)).toEqual([
      'Deployment shop/web web-bbb-1',
      'Pod shop/solo solo',
      'StatefulSet shop/db db-0',
    ]);
    expect(groupWorkloads(pods, 'canary').map((x) => x.name)).toEqual(['canary']);
  });

  it('a pod from its template takes the template spec and the pod identity the controller gives it', () => {
    const l = live('db-0', {
      labels: { app: 'db', 'controller-revision-hash': 'db-123', 'security.istio.io/tlsMode': 'istio' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true }],
    });
    const p = podFromTemplate(l, { metadata: { labels: { app: 'db' }, creationTimestamp: null }, spec: { containers: [app] } });
    expect(p).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'db-0',
        namespace: 'shop',
        labels: { app: 'db', 'controller-revision-hash': 'db-123' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true }],
      },
      spec: { containers: [app] },
    });
  });

  it('a bare pod is rebuilt without what its status annotation lists', () => {
    const p = podFromInjected(live('solo', { annotations: { 'sidecar.istio.io/status': status(), keep: 'me' } }));
    expect(p.spec).toEqual({ containers: [app], volumes: [{ name: 'data' }] });
    expect((p.metadata as JsonObject).annotations).toEqual({ keep: 'me' });
  });
});

describe('previewWorkload through the engine', () => {
  const raw = readRawConfigDir(resolve(import.meta.dirname, '../../templates'));
  const current = compileInjectionSettings(raw);
  const values = JSON.parse(raw.values) as { global: { proxy: { resources: { limits: { cpu: string } } } } };
  values.global.proxy.resources.limits.cpu = '1500m';
  const proposed = compileInjectionSettings({ ...raw, values: JSON.stringify(values) });
  const submitted: JsonObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: 'web-abc-', namespace: 'shop', labels: { app: 'web', 'pod-template-hash': 'abc' } },
    spec: { containers: [app] },
  };
  const w = { kind: 'Deployment', namespace: 'shop', name: 'web', pod: { spec: { initContainers: [{ name: 'istio-proxy' }] } } };

  it('the same configuration is unchanged; a proxy resource edit is one change, with its diff under -v', () => {
    expect(formatPreview(previewWorkload(current, current, w, submitted), true)).toBe('Deployment shop/web: unchanged\n');
    const p = previewWorkload(current, proposed, w, submitted);
    expect(p.comparison.changes).toContain('istio-proxy resources.limits.cpu 2 → 1500m');
    expect(p.diff).toMatch(/^-\s+cpu: "2"$/m);
    expect(p.diff).toMatch(/^\+\s+cpu: 1500m$/m);
    expect(formatPreview(p, false)).not.toContain('@@');
    expect(formatPreview(p, true)).toContain('+++ proposed/Deployment/shop/web\n');
    expect(countLine([p], 'in namespace shop')).toBe('1 injected workload in namespace shop: 1 changed, 0 unchanged\n');
  });

  it('the injection policy applies to both sides: a proposal above its cap shows as denied', () => {
    const higher = structuredClone(values);
    higher.global.proxy.resources.limits.cpu = '3';
    const above = compileInjectionSettings({ ...raw, values: JSON.stringify(higher) });
    const policy = parseInjectionPolicy('maxProxyResources: {cpu: 2500m}\n', 'policy.yaml');
    const p = previewWorkload(current, above, w, submitted, { policy });
    expect(p.comparison.summary).toMatch(/^injected → denied \(denied by the injection policy: .*resources\.limits\.cpu to 3, above maxProxyResources cpu 2500m/);
    expect(previewWorkload(current, above, w, submitted).comparison.summary).toContain('istio-proxy resources.limits.cpu 2 → 3');
  });

  it('notes a running pod stamped with another configuration hash, and how a pod was approximated', () => {
    const stale = { ...w, pod: { ...w.pod, metadata: { annotations: { [TEMPLATE_HASH_ANNOTATION]: 'aaaa' } } } };
    expect(previewWorkload(current, current, stale, submitted, { currentHash: 'aaaa' }).notes).toEqual([]);
    const line = formatPreview(previewWorkload(current, current, stale, submitted, { currentHash: 'bbbb', approximate: 'bare pod' }), false);
    expect(line).toBe('Deployment shop/web: unchanged [approximate: bare pod] [stale: running pod injected with configuration aaaa, the current one is bbbb]\n');
  });

  it('the native-sidecar choice comes from the running pod', () => {
    const native = outcomeOf(current, submitted, true);
    const classic = outcomeOf(current, submitted, false);
    expect(native.kind === 'injected' && podChanges(native.pod, classic.kind === 'injected' ? classic.pod : {})).toContain(
      'istio-proxy moved from initContainers to containers',
    );
  });
});

describe('previewCommand arguments', () => {
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await previewCommand(argv, { stdout: (s) => out.push(s), stderr: (s) => err.push(s), readFile: () => '', readStdin: async () => '' });
    return { code, out: out.join(''), err: err.join('') };
  };
  it('--help exits 0 with the usage; missing or both sources and unknown flags exit 2', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: mesh-admission preview \(--config DIR \| --configmap NS\/NAME\)/);
    for (const argv of [[], ['--config', 'd', '--configmap', 'a/b'], ['--bogus']]) {
      const r = await run(argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain('usage:');
    }
  });
});
