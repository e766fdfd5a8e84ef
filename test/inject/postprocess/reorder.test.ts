import { describe, expect, it } from 'vitest';
import { moveContainer, reorderPod } from '../../../src/inject/postprocess/reorder.js';
import type { Pod } from '../../../src/inject/postprocess/pod.js';

const names = (list: { name?: string }[] | undefined) => (list ?? []).map((c) => c.name);
const pod = (containers: string[], inits?: string[]): Pod => ({
  spec: {
    containers: containers.map((name) => ({ name, image: `${name}:1` })),
    ...(inits ? { initContainers: inits.map((name) => ({ name })) } : {}),
  },
});

describe('reorderPod', () => {
  it('puts istio-proxy last by default and first when the app waits for it', () => {
    const p = pod(['a', 'istio-proxy', 'b']);
    expect(names(reorderPod(p, { holdApplicationUntilProxyStarts: false }).spec?.containers)).toEqual(['a', 'b', 'istio-proxy']);
    expect(names(reorderPod(p, { holdApplicationUntilProxyStarts: true }).spec?.containers)).toEqual(['istio-proxy', 'a', 'b']);
    expect(names(p.spec?.containers)).toEqual(['a', 'istio-proxy', 'b']);
  });

  it('native sidecar: istio-init, istio-validation, istio-proxy, enable-core-dump, then user inits', () => {
    const p = pod(['app'], ['user1', 'enable-core-dump', 'istio-proxy', 'user2', 'istio-validation', 'istio-init']);
    const out = reorderPod(p, { holdApplicationUntilProxyStarts: false });
    expect(names(out.spec?.initContainers)).toEqual([
      'istio-init',
      'istio-validation',
      'istio-proxy',
      'enable-core-dump',
      'user1',
      'user2',
    ]);
    // contents travel with the names
    expect(out.spec?.containers?.[0]).toEqual({ name: 'app', image: 'app:1' });
  });

  it('classic sidecar: istio-validation first, user inits, istio-init, enable-core-dump last', () => {
    const p = pod(['app', 'istio-proxy'], ['enable-core-dump', 'istio-init', 'user1', 'istio-validation', 'user2']);
    const out = reorderPod(p, { holdApplicationUntilProxyStarts: false });
    expect(names(out.spec?.initContainers)).toEqual(['istio-validation', 'user1', 'user2', 'istio-init', 'enable-core-dump']);
  });

  it('leaves absent lists absent and tolerates a pod without spec', () => {
    const out = reorderPod(pod(['app']), { holdApplicationUntilProxyStarts: true });
    expect(out.spec && 'initContainers' in out.spec).toBe(false);
    expect(reorderPod({ metadata: { name: 'x' } }, { holdApplicationUntilProxyStarts: false })).toEqual({ metadata: { name: 'x' } });
  });
});

describe('moveContainer', () => {
  it('keeps only the last of duplicated names, like Istio', () => {
    const list = [{ name: 'x', v: 1 }, { name: 'y' }, { name: 'x', v: 2 }];
    expect(moveContainer(list, 'x', 'first')).toEqual([{ name: 'x', v: 2 }, { name: 'y' }]);
    expect(moveContainer(list, 'z', 'last')).toEqual(list);
  });
});
