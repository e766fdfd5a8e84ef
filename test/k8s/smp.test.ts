import { describe, expect, it } from 'vitest';
import { K8sError } from '../../src/k8s/errors.js';
import type { JsonObject } from '../../src/k8s/json.js';
import { strategicMerge } from '../../src/k8s/smp.js';
import { parseYamlDocument } from '../../src/k8s/yaml-parse.js';

const y = (text: string) => parseYamlDocument(text) as JsonObject;

describe('strategicMerge with corev1.Pod patch metadata', () => {
  it('applies map-level $patch: replace and puts new containers before existing ones (Istio TestStrategicMerge)', () => {
    const original = y(`
metadata:
  name: hello
  labels: {key: value}
spec:
  containers:
  - name: hello
    image: app:1.0
`);
    const patch = y(`
metadata:
  labels:
    $patch: replace
    foo: bar
spec:
  containers:
  - name: injected
    image: app:1.1
`);
    expect(strategicMerge(original, patch)).toEqual(
      y(`
metadata:
  name: hello
  labels: {foo: bar}
spec:
  containers:
  - name: injected
    image: app:1.1
  - name: hello
    image: app:1.0
`),
    );
  });

  it('merges list items in place by their merge keys (containers/env by name, ports by containerPort, mounts by mountPath)', () => {
    const original = y(`
spec:
  containers:
  - name: app
    image: app
    env: [{name: A, value: "1"}, {name: B, value: "2"}]
    ports: [{containerPort: 80, name: http}]
    volumeMounts: [{mountPath: /data, name: data}]
  - name: istio-proxy
    image: user-proxy
    args: [a, b]
`);
    const patch = y(`
spec:
  containers:
  - name: istio-proxy
    image: proxy
    args: [c]
    env: [{name: X, value: x}]
  - name: app
    env: [{name: B, value: changed}, {name: C, value: "3"}]
    ports: [{containerPort: 80, protocol: TCP}, {containerPort: 9090}]
    volumeMounts: [{mountPath: /data, readOnly: true}]
`);
    const merged = strategicMerge(original, patch);
    expect(merged).toEqual(
      y(`
spec:
  containers:
  - name: istio-proxy
    image: proxy
    args: [c]
    env: [{name: X, value: x}]
  - name: app
    image: app
    env: [{name: A, value: "1"}, {name: B, value: changed}, {name: C, value: "3"}]
    ports: [{containerPort: 80, name: http, protocol: TCP}, {containerPort: 9090}]
    volumeMounts: [{mountPath: /data, name: data, readOnly: true}]
`),
    );
  });

  it('orders like Go: patch order for patched items, server order for the rest, interleaved by server position', () => {
    const original = y(`spec: {volumes: [{name: "1"}, {name: "2", hostPath: {path: b}}, {name: "3"}]}`);
    const patch = y(`spec: {volumes: [{name: "3", emptyDir: {}}, {name: "1", emptyDir: {medium: a}}]}`);
    const names = (strategicMerge(original, patch).spec as JsonObject).volumes as JsonObject[];
    expect(names.map((v) => v.name)).toEqual(['2', '3', '1']);
  });

  it('deletes keys set to null and ignores unmatched nulls', () => {
    const out = strategicMerge(y(`metadata: {labels: {a: "1", b: "2"}}`), y(`metadata: {labels: {a: null, z: null}}`));
    expect(out).toEqual(y(`metadata: {labels: {b: "2"}}`));
    const added = strategicMerge({}, y(`spec: {securityContext: {runAsUser: 1, fsGroup: null}}`));
    expect(added).toEqual(y(`spec: {securityContext: {runAsUser: 1}}`));
  });

  it('keeps the original list when the patch list is empty', () => {
    const original = y(`spec: {initContainers: [{name: a}], containers: [{name: b}]}`);
    expect(strategicMerge(original, y(`spec: {initContainers: []}`))).toEqual(original);
  });

  it('replaces lists that have no merge strategy (args, tolerations) and merges primitive merge lists', () => {
    const original = y(`
metadata: {finalizers: [a, b]}
spec:
  tolerations: [{key: k1}, {key: k2}]
  containers: [{name: c, args: [x, y]}]
`);
    const patch = y(`
metadata: {finalizers: [b, c]}
spec:
  tolerations: [{key: k3}]
  containers: [{name: c, args: [z]}]
`);
    expect(strategicMerge(original, patch)).toEqual(
      y(`
metadata: {finalizers: [a, b, c]}
spec:
  tolerations: [{key: k3}]
  containers: [{name: c, args: [z]}]
`),
    );
  });

  it('supports list-level $patch: replace and item-level $patch: delete', () => {
    const original = y(`spec: {containers: [{name: a}, {name: b}], volumes: [{name: v1}, {name: v2}]}`);
    const patch = y(`
spec:
  containers: [{$patch: replace}, {name: only}]
  volumes: [{name: v1, $patch: delete}]
`);
    expect(strategicMerge(original, patch)).toEqual(y(`spec: {containers: [{name: only}], volumes: [{name: v2}]}`));
  });

  it('drops directive-marked items when the field is new, and $patch: delete empties a map', () => {
    const out = strategicMerge(
      y(`spec: {securityContext: {runAsUser: 1}}`),
      y(`spec: {initContainers: [{$patch: replace}, {name: i}], securityContext: {$patch: delete}}`),
    );
    expect(out).toEqual(y(`spec: {initContainers: [{name: i}], securityContext: {}}`));
  });

  it('honours $retainKeys, $deleteFromPrimitiveList and $setElementOrder', () => {
    const retained = strategicMerge(
      y(`spec: {volumes: [{name: v, hostPath: {path: /x}}]}`),
      y(`spec: {volumes: [{name: v, emptyDir: {}, $retainKeys: [emptyDir, name]}]}`),
    );
    expect(retained).toEqual(y(`spec: {volumes: [{name: v, emptyDir: {}}]}`));

    const deleted = strategicMerge(
      y(`metadata: {finalizers: [a, b, c]}`),
      y(`metadata: {$deleteFromPrimitiveList/finalizers: [b]}`),
    );
    expect(deleted).toEqual(y(`metadata: {finalizers: [a, c]}`));

    const ordered = strategicMerge(
      y(`spec: {containers: [{name: a}, {name: b}, {name: c}]}`),
      y(`spec: {$setElementOrder/containers: [{name: c}, {name: b}, {name: a}], containers: [{name: b, image: x}]}`),
    );
    expect(((ordered.spec as JsonObject).containers as JsonObject[]).map((c) => c.name)).toEqual(['c', 'b', 'a']);
  });

  it('replaces a value whose JSON type differs', () => {
    expect(strategicMerge(y(`spec: {containers: [{name: a, ports: {x: 1}}]}`), y(`spec: {containers: [{name: a, ports: [{containerPort: 1}]}]}`))).toEqual(
      y(`spec: {containers: [{name: a, ports: [{containerPort: 1}]}]}`),
    );
  });

  it('does not mutate its inputs', () => {
    const original = y(`spec: {containers: [{name: a, env: [{name: X}]}]}`);
    const patch = y(`spec: {containers: [{name: a, env: [{name: Y}], $retainKeys: [name, env]}]}`);
    const before = JSON.stringify([original, patch]);
    strategicMerge(original, patch);
    expect(JSON.stringify([original, patch])).toBe(before);
  });

  it('merges workload types with their own metadata (Deployment template)', () => {
    const out = strategicMerge(
      y(`spec: {template: {spec: {containers: [{name: a, image: old}]}}}`),
      y(`spec: {template: {spec: {containers: [{name: a, image: new}]}}}`),
      'Deployment',
    );
    expect(out).toEqual(y(`spec: {template: {spec: {containers: [{name: a, image: new}]}}}`));
  });

  it.each([
    [`spec: {containers: [{image: x}]}`, /does not contain declared merge key: name/],
    [`metadata: {labels: {$patch: explode}}`, /unknown patch type: explode/],
    [`spec: {containers: [{name: a, $patch: merge}]}`, /merging lists cannot yet be specified/],
    [`spec: {nope: {a: 1}}`, /unable to find api field in struct PodSpec for the json field "nope"/],
    [`spec: {volumes: [{name: a}, "b"]}`, /list element types are not identical|is not a map/],
  ])('rejects malformed patch %s', (patch, message) => {
    const original = y(`metadata: {labels: {x: "1"}}\nspec: {containers: [{name: a}], nope: {b: 2}, volumes: [{name: z}]}`);
    expect(() => strategicMerge(original, y(patch))).toThrow(message);
    expect(() => strategicMerge(original, y(patch))).toThrow(K8sError);
  });
});

describe('hostile depth', () => {
  it('refuses JSON nested deeper than 1000 levels in any entry point with a K8sError', async () => {
    const { normalizeAs } = await import('../../src/k8s/normalize.js');
    const { printYaml } = await import('../../src/k8s/yaml-print.js');
    let deep: JsonObject = {};
    for (let i = 0; i < 5000; i++) deep = { x: deep };
    expect(() => strategicMerge({}, { spec: { affinity: deep } })).toThrow(/deeper than 1000/);
    expect(() => normalizeAs('List', { items: [deep] })).toThrow(/max depth/);
    expect(() => printYaml(deep)).toThrow(K8sError);
  });
});
