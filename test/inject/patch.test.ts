import { describe, expect, it } from 'vitest';
import { applyPatch, createPatch } from '../../src/inject/patch.js';
import { normalizeAs } from '../../src/k8s/normalize.js';

const received = {
  metadata: { name: 'p', annotations: { keep: 'me' } },
  spec: {
    containers: [{ name: 'app', image: 'a', futureField: { x: 1 } }],
    initContainers: [{ name: 'init', image: 'i' }],
  },
};

describe('createPatch', () => {
  it('builds a patch that applies to the object the API server sent, not only to its typed form', () => {
    const typed = normalizeAs('Pod', received);
    // Typing adds `resources: {}`; the pipeline then fills limits into it.
    const final = structuredClone(typed) as { spec: { initContainers: Array<Record<string, unknown>> } };
    final.spec.initContainers[0]!.resources = { limits: { cpu: '2' } };
    const ops = createPatch(received, typed, final as never);
    const patched = applyPatch(received, ops);
    expect(patched.spec.initContainers[0]).toEqual({ name: 'init', image: 'i', resources: { limits: { cpu: '2' } } });
    expect(ops.some((o) => o.op === 'add' && o.path === '/spec/initContainers/0/resources' && JSON.stringify(o.value) === '{}')).toBe(true);
  });

  it('never touches fields the typed form does not know', () => {
    const typed = normalizeAs('Pod', received);
    const final = structuredClone(typed) as { metadata: { annotations: Record<string, string> } };
    final.metadata.annotations.added = 'yes';
    const ops = createPatch(received, typed, final as never);
    expect(ops).toEqual([{ op: 'add', path: '/metadata/annotations/added', value: 'yes' }]);
    expect(applyPatch(received, ops).spec.containers[0]!.futureField).toEqual({ x: 1 });
  });

  it('turns a replace of a key the received object lacks into an add, and drops removes of absent keys', () => {
    const typed = { metadata: { creationTimestamp: null, name: 'p' } };
    const final = { metadata: { creationTimestamp: 'now', name: 'p' } };
    const ops = createPatch({ metadata: { name: 'p' } }, typed as never, final as never);
    expect(ops).toEqual([{ op: 'add', path: '/metadata/creationTimestamp', value: 'now' }]);
    const gone = createPatch({ metadata: { name: 'p' } }, typed as never, { metadata: { name: 'p' } } as never);
    expect(gone).toEqual([]);
  });

  it('escapes annotation keys per RFC 6901', () => {
    const typed = { metadata: { annotations: { a: 'b' } } };
    const ops = createPatch(typed, typed, { metadata: { annotations: { a: 'b', 'sidecar.istio.io/status': '{}' } } });
    expect(ops).toEqual([{ op: 'add', path: '/metadata/annotations/sidecar.istio.io~1status', value: '{}' }]);
  });
});
