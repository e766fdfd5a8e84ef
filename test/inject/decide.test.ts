import { describe, expect, it } from 'vitest';
import { decideInjection, matchLabelSelector } from '../../src/inject/decide.js';
import type { LabelSelector } from '../../src/inject/settings/injection-config.js';

const base = { namespace: 'app', labels: {}, annotations: {}, hostNetwork: false };
const cfg = (policy: string, never: LabelSelector[] = [], always: LabelSelector[] = []) => ({
  policy,
  neverInjectSelector: never,
  alwaysInjectSelector: always,
});

describe('decideInjection follows istiod injectRequired order', () => {
  it.each([
    ['enabled policy injects by default', cfg('enabled'), base, true, 'policy'],
    ['disabled policy skips by default', cfg('disabled'), base, false, 'policy'],
    ['an unknown policy never injects', cfg('on'), base, false, 'policy'],
    ['hostNetwork wins over an explicit true', cfg('enabled'), { ...base, hostNetwork: true, labels: { 'sidecar.istio.io/inject': 'true' } }, false, 'hostNetwork'],
    ['kube-system is ignored even when asked', cfg('enabled'), { ...base, namespace: 'kube-system', labels: { 'sidecar.istio.io/inject': 'true' } }, false, 'ignoredNamespace'],
    ['local-path-storage is ignored', cfg('enabled'), { ...base, namespace: 'local-path-storage' }, false, 'ignoredNamespace'],
    ['annotation true under disabled policy injects', cfg('disabled'), { ...base, annotations: { 'sidecar.istio.io/inject': 'true' } }, true, 'annotation'],
    ['annotation false under enabled policy skips', cfg('enabled'), { ...base, annotations: { 'sidecar.istio.io/inject': 'false' } }, false, 'annotation'],
    ['label wins over annotation', cfg('enabled'), { ...base, labels: { 'sidecar.istio.io/inject': 'false' }, annotations: { 'sidecar.istio.io/inject': 'true' } }, false, 'label'],
    ['an empty label still wins and means default', cfg('disabled'), { ...base, labels: { 'sidecar.istio.io/inject': '' }, annotations: { 'sidecar.istio.io/inject': 'true' } }, false, 'policy'],
    ['"True" is not true: default policy applies', cfg('disabled'), { ...base, labels: { 'sidecar.istio.io/inject': 'True' } }, false, 'policy'],
    ['neverInjectSelector beats the enabled policy', cfg('enabled', [{ matchLabels: { team: 'x' } }]), { ...base, labels: { team: 'x' } }, false, 'neverInjectSelector'],
    ['alwaysInjectSelector beats the disabled policy', cfg('disabled', [], [{ matchLabels: { team: 'x' } }]), { ...base, labels: { team: 'x' } }, true, 'alwaysInjectSelector'],
    ['never beats always', cfg('disabled', [{ matchLabels: { team: 'x' } }], [{ matchLabels: { team: 'x' } }]), { ...base, labels: { team: 'x' } }, false, 'neverInjectSelector'],
    ['an explicit annotation beats the selectors', cfg('enabled', [{ matchLabels: { team: 'x' } }]), { ...base, labels: { team: 'x' }, annotations: { 'sidecar.istio.io/inject': 'true' } }, true, 'annotation'],
    ['an empty selector matches nothing', cfg('disabled', [], [{}]), base, false, 'policy'],
  ])('%s', (_n, config, pod, inject, reason) => {
    const d = decideInjection(config, pod);
    expect(d.inject).toBe(inject);
    expect(d.reason).toBe(reason);
  });

  it('warns about an invalid inject value and an invalid selector, then carries on', () => {
    const d = decideInjection(cfg('enabled', [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }]), {
      ...base,
      labels: { 'sidecar.istio.io/inject': 'yes', a: 'b' },
    });
    expect(d.inject).toBe(true);
    expect(d.warnings.join('\n')).toContain('Invalid value for sidecar.istio.io/inject: "yes"');
    expect(d.warnings.join('\n')).toContain('Invalid selector for NeverInjectSelector[0]');
  });
});

describe('matchLabelSelector', () => {
  const labels = { app: 'web', tier: 'fe' };
  it.each([
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'db' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['fe'] }] }, false],
    [{ matchExpressions: [{ key: 'missing', operator: 'NotIn', values: ['x'] }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, false],
  ] as Array<[LabelSelector, boolean]>)('%j → %s', (sel, want) => {
    const r = matchLabelSelector(sel, labels);
    expect(r.ok && r.matches).toBe(want);
  });

  it('rejects an unknown operator', () => {
    const r = matchLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Near' }] }, labels);
    expect(r.ok).toBe(false);
  });
});
