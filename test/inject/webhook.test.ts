import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { readRawConfigDir } from '../../src/config/dir-source.js';
import { compileInjectionSettings } from '../../src/inject/engine.js';
import { applyPatch } from '../../src/inject/patch.js';
import { injectAdmission } from '../../src/inject/webhook.js';

const settings = compileInjectionSettings(readRawConfigDir(resolve(import.meta.dirname, '../../templates')));
const pod = (extra: Record<string, unknown> = {}) => ({
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'nginx' }], ...extra },
});

type Pod = { metadata: { annotations?: Record<string, string> }; spec: { containers: Array<{ name: string; securityContext?: { runAsUser?: number } }>; initContainers?: Array<{ name: string; args?: string[] }> } };

function inject(object: unknown, opts: Parameters<typeof injectAdmission>[3] = {}): Pod {
  const d = injectAdmission(settings, { uid: 'u', namespace: 'shop', object }, '/inject', opts);
  expect(d.allowed).toBe(true);
  return applyPatch(object as object, (d.patch ?? []) as never) as Pod;
}

describe('injectAdmission options', () => {
  it('decides native sidecars per pod from the node cache (auto), using the scheduled node when there is one', () => {
    const seen: Array<string | undefined> = [];
    const nativeFor = (nodeName: string | undefined) => {
      seen.push(nodeName);
      return nodeName !== 'old-node';
    };
    const native = inject(pod(), { nativeSidecars: nativeFor });
    expect(native.spec.initContainers?.map((c) => c.name)).toContain('istio-proxy');
    const classic = inject(pod({ nodeName: 'old-node' }), { nativeSidecars: nativeFor });
    expect(classic.spec.containers.map((c) => c.name)).toContain('istio-proxy');
    expect(classic.spec.initContainers?.map((c) => c.name)).not.toContain('istio-proxy');
    expect(seen).toEqual([undefined, 'old-node']);
  });

  it('stamps the active configuration hash on injected pods', () => {
    const p = inject(pod(), { templateHash: 'abc123' });
    expect(p.metadata.annotations?.['mesh-admission.io/template-hash']).toBe('abc123');
  });

  it('on OpenShift runs the proxy as the top of the namespace uid range', () => {
    const p = inject(pod(), {
      openshift: true,
      nativeSidecars: () => false,
      namespaceAnnotations: (ns) => (ns === 'shop' ? { 'openshift.io/sa.scc.uid-range': '1000620000/10000' } : undefined),
    });
    const proxy = p.spec.containers.find((c) => c.name === 'istio-proxy');
    expect(proxy?.securityContext?.runAsUser).toBe(1000629999);
    const init = p.spec.initContainers?.find((c) => c.name === 'istio-init');
    expect(init?.args?.[init.args.indexOf('-u') + 1]).toBe('1000629999');
  });

  it('skips hostNetwork pods and says why', () => {
    const d = injectAdmission(settings, { uid: 'u', namespace: 'shop', object: pod({ hostNetwork: true }) }, '/inject');
    expect(d).toMatchObject({ allowed: true, reason: 'skipped:hostNetwork' });
    expect(d.patch).toBeUndefined();
  });

  it("denies a pod with an invalid traffic annotation with Istio's message", () => {
    const bad = { ...pod(), metadata: { name: 'web', annotations: { 'traffic.sidecar.istio.io/includeOutboundIPRanges': 'bad' } } };
    const d = injectAdmission(settings, { uid: 'u', namespace: 'shop', object: bad }, '/inject');
    expect(d.allowed).toBe(false);
    expect(d.message).toContain("invalid value 'bad' for annotation 'traffic.sidecar.istio.io/includeOutboundIPRanges'");
    expect(d.message).toMatch(/^failed to run injection template: 1 error occurred:/);
  });

  it('answers a non-object with a clear unmarshal error', () => {
    const d = injectAdmission(settings, { uid: 'u', object: 'not a pod' }, '/inject');
    expect(d).toMatchObject({ allowed: false, reason: 'error:unmarshal' });
    expect(d.message).toContain('could not unmarshal raw object');
  });
});
