import { describe, expect, it } from 'vitest';
import { K8sError } from '../../src/k8s/errors.js';
import { goTypeForKind } from '../../src/k8s/gotypes.js';
import { normalizeAs } from '../../src/k8s/normalize.js';

describe('normalizeAs: json.Marshal(json.Unmarshal(v)) for Go types', () => {
  it('drops unknown fields, adds non-pointer structs and honours omitempty', () => {
    const pod = normalizeAs('Pod', {
      apiVersion: 'v1',
      kind: 'Pod',
      bogus: 1,
      metadata: { name: 'p', creationTimestamp: null, labels: {}, extra: 'x' },
      spec: {
        containers: [{ name: 'c', image: 'i', stdin: false, unknown: true, ports: [{ containerPort: 80, name: '' }] }],
        hostNetwork: false,
      },
    });
    expect(pod).toEqual({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }], resources: {} }] },
      status: {},
    });
  });

  it('keeps zero values behind pointers and fields without omitempty', () => {
    const spec = normalizeAs('PodSpec', {
      containers: [{ name: '', securityContext: { runAsUser: 0, privileged: false, readOnlyRootFilesystem: true } }],
    });
    expect(spec).toEqual({
      containers: [{ name: '', resources: {}, securityContext: { runAsUser: 0, privileged: false, readOnlyRootFilesystem: true } }],
    });
  });

  it('turns a null volume source into a volume with only its name', () => {
    const spec = normalizeAs('PodSpec', {
      containers: [],
      volumes: [{ name: 'a', emptyDir: null }, { name: 'b', emptyDir: {} }, { name: 'c', emptyDir: { medium: 'Memory' } }],
    });
    expect(spec.volumes).toEqual([{ name: 'a' }, { name: 'b', emptyDir: {} }, { name: 'c', emptyDir: { medium: 'Memory' } }]);
    // containers: [] is kept because the field has no omitempty
    expect(spec.containers).toEqual([]);
    expect(normalizeAs('PodSpec', {})).toEqual({ containers: null });
  });

  it('canonicalises quantities and keeps IntOrString as int or string', () => {
    const c = normalizeAs('Container', {
      name: 'c',
      resources: { limits: { cpu: '2000m', memory: '1024Mi' }, requests: { cpu: 0.1, memory: null } },
      readinessProbe: { httpGet: { port: 15021, path: '/healthz' } },
      livenessProbe: { httpGet: { port: 'http' } },
    });
    expect(c.resources).toEqual({ limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '0' } });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/healthz', port: 15021 } });
    expect(c.livenessProbe).toEqual({ httpGet: { port: 'http' } });
  });

  it('emits workload wrapper structs the way kube-inject output shows them', () => {
    const d = normalizeAs('Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'x' } }, template: { spec: { containers: [{ name: 'x' }] } } },
    });
    expect(d).toEqual({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'd' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'x' } },
        template: { metadata: {}, spec: { containers: [{ name: 'x', resources: {} }] } },
        strategy: {},
      },
      status: {},
    });
    const dc = normalizeAs('DeploymentConfig', { spec: { template: null, strategy: { type: 'Rolling' } } });
    expect(dc.spec).toEqual({ strategy: { type: 'Rolling', resources: {} }, triggers: null, replicas: 0, test: false });
    expect(dc.status).toEqual({
      latestVersion: 0,
      observedGeneration: 0,
      replicas: 0,
      updatedReplicas: 0,
      availableReplicas: 0,
      unavailableReplicas: 0,
    });
  });

  it('keeps creationTimestamp when set, reformatted in UTC at second precision', () => {
    const m = normalizeAs('ObjectMeta', { creationTimestamp: '2024-05-06T07:08:09.123+02:00' });
    expect(m).toEqual({ creationTimestamp: '2024-05-06T05:08:09Z' });
  });

  it('matches JSON field names case-insensitively as a fallback, last key winning', () => {
    expect(normalizeAs('EnvVar', { NAME: 'a', value: 'x', Value: 'y' })).toEqual({ name: 'a', value: 'y' });
  });

  it('does not mutate its input', () => {
    const input = { spec: { containers: [{ name: 'c', resources: { limits: { cpu: '2000m' } } }] } };
    const before = JSON.stringify(input);
    normalizeAs('Pod', input);
    expect(JSON.stringify(input)).toBe(before);
  });

  it.each([
    [
      { spec: { containers: [{ name: 'c', ports: [{ containerPort: '80' }] }] } },
      'json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
    ],
    [{ spec: { containers: [{ name: 5 }] } }, 'json: cannot unmarshal number into Go struct field Container.spec.containers.name of type string'],
    [{ spec: { containers: {} } }, 'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container'],
    [{ spec: 'x' }, 'json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec'],
    [{ spec: { hostNetwork: 'true' } }, 'json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool'],
    [
      { spec: { containers: [{ name: 'c', ports: [{ containerPort: 1.5 }] }] } },
      'json: cannot unmarshal number 1.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
    ],
    [{ metadata: { labels: { a: 1 } } }, 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
    [[], 'json: cannot unmarshal array into Go value of type v1.Pod'],
  ])('reports type errors like encoding/json (%#)', (input, message) => {
    expect(() => normalizeAs('Pod', input)).toThrow(message);
    expect(() => normalizeAs('Pod', input)).toThrow(K8sError);
  });

  it('reports a bad quantity with the Quantity parser message', () => {
    expect(() => normalizeAs('ResourceRequirements', { limits: { cpu: 'lots' } })).toThrow(/quantities must match/);
    expect(() => normalizeAs('ResourceRequirements', { limits: { cpu: true } })).toThrow(/quantities must match/);
  });

  it('rejects unknown type names', () => {
    expect(() => normalizeAs('Nope', {})).toThrow(/unknown Go type Nope/);
  });

  it('maps kube-inject document kinds to Go types', () => {
    expect(goTypeForKind('apps/v1', 'Deployment')).toBe('Deployment');
    expect(goTypeForKind('apps.openshift.io/v1', 'DeploymentConfig')).toBe('OsDeploymentConfig');
    expect(goTypeForKind('v1', 'DeploymentConfig')).toBe('OsDeploymentConfig');
    expect(goTypeForKind('batch/v1', 'CronJob')).toBe('CronJob');
    expect(goTypeForKind('v1', 'List')).toBe('List');
    expect(goTypeForKind('apps/v1beta1', 'Deployment')).toBeUndefined();
    expect(goTypeForKind('v1', 'Service')).toBeUndefined();
  });
});

describe('printAsGoType', () => {
  it('prints a workload the way kube-inject re-serialises handled kinds', async () => {
    const { printAsGoType } = await import('../../src/k8s/index.js');
    const text = printAsGoType('Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'hello' },
      spec: { selector: { matchLabels: { app: 'hello' } }, template: { spec: { containers: [{ name: 'hello' }] } } },
    });
    expect(text).toBe(
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: hello',
        'spec:',
        '  selector:',
        '    matchLabels:',
        '      app: hello',
        '  strategy: {}',
        '  template:',
        '    metadata: {}',
        '    spec:',
        '      containers:',
        '      - name: hello',
        '        resources: {}',
        'status: {}',
        '',
      ].join('\n'),
    );
  });
});

describe('the key "__proto__"', () => {
  it('is kept as an ordinary key by every stage, like JSON.parse does', async () => {
    const { parseYamlDocument } = await import('../../src/k8s/yaml-parse.js');
    const { printYaml } = await import('../../src/k8s/yaml-print.js');
    const { strategicMerge } = await import('../../src/k8s/smp.js');
    const parsed = parseYamlDocument('metadata:\n  labels:\n    __proto__: x\n    a: b\n') as unknown as JsonObjectLike;
    expect(Object.keys(parsed.metadata.labels)).toEqual(['__proto__', 'a']);
    const viaJson = JSON.parse('{"metadata":{"labels":{"__proto__":"x","a":"b"}}}') as JsonObjectLike;
    const pod = normalizeAs('Pod', viaJson) as unknown as JsonObjectLike;
    expect(Object.keys(pod.metadata.labels)).toEqual(['__proto__', 'a']);
    const merged = strategicMerge({}, JSON.parse('{"metadata":{"labels":{"__proto__":"y"}}}')) as unknown as JsonObjectLike;
    expect(Object.keys(merged.metadata.labels)).toEqual(['__proto__']);
    expect(printYaml(viaJson)).toBe('metadata:\n  labels:\n    __proto__: x\n    a: b\n');
  });
});

interface JsonObjectLike {
  metadata: { labels: Record<string, string> };
}

describe('a sharing decode', () => {
  const deepFreeze = <T>(v: T): T => {
    if (v && typeof v === 'object') {
      for (const x of Object.values(v)) deepFreeze(x);
      Object.freeze(v);
    }
    return v;
  };

  it('returns parts already in Go form as they are, and decodes them again only when they differ', () => {
    const container = { name: 'app', image: 'i', resources: {} };
    const first = normalizeAs('Pod', { spec: { containers: [container] } }, { share: true });
    const c = (first.spec as { containers: unknown[] }).containers[0];
    expect(c).toBe(container);
    // The same object in a new pod is not decoded again (it is returned as it is); a changed one is.
    const second = normalizeAs('Pod', { spec: { containers: [container, { image: 'j', name: 'b' }] } }, { share: true });
    const [a, b] = (second.spec as { containers: unknown[] }).containers;
    expect(a).toBe(container);
    expect(b).toEqual({ name: 'b', image: 'j', resources: {} });
  });

  it('hands back an all-scalar object in Go form without decoding it, and decodes every other one as Go does', () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ['EnvVar', { name: 'A', value: 'x' }],
      ['EnvVar', { value: 'x', name: 'A' }], // out of Go's order
      ['EnvVar', { name: 'A', value: '' }], // omitted empty string
      ['EnvVar', { name: '', value: 'x' }], // name is not omitempty: kept
      ['EnvVar', { name: 'A', value: null }],
      ['EnvVar', { name: 'A', value: 5 }], // type error
      ['EnvVar', { name: 'A', Value: 'x' }], // case-insensitive key
      ['EnvVar', { name: 'A', other: 'x' }], // unknown key
      ['EnvVar', {}], // name is always emitted
      ['ContainerPort', { name: 'http', containerPort: 8080, protocol: 'TCP' }],
      ['ContainerPort', { containerPort: 0 }], // containerPort is always emitted, even at zero
      ['ContainerPort', { containerPort: 8080.5 }],
      ['ContainerPort', { containerPort: 2 ** 31 }],
      ['ContainerPort', { hostPort: 0, containerPort: 1 }], // omitted zero
      ['SecurityContext', { privileged: false }], // a *bool keeps false
      ['Container', { name: 'c', image: 'i', resources: {} }], // a struct field: the full decode
    ];
    for (const [type, input] of cases) {
      let plain: unknown;
      let shared: unknown;
      try {
        plain = normalizeAs(type, input);
      } catch (e) {
        plain = (e as Error).message;
      }
      try {
        shared = normalizeAs(type, input, { share: true });
      } catch (e) {
        shared = (e as Error).message;
      }
      expect(JSON.stringify(shared), `${type} ${JSON.stringify(input)}`).toBe(JSON.stringify(plain));
      // Shared exactly when Go's form is the input's own.
      const same = typeof plain === 'object' && JSON.stringify(plain) === JSON.stringify(input);
      expect(shared === input, `${type} ${JSON.stringify(input)}`).toBe(same);
    }
  });

  it('decodes a frozen part that is not in Go form once, and hands out that decoding again', () => {
    const volume = deepFreeze({ emptyDir: { medium: 'Memory' }, name: 'istio-envoy' });
    const expected = normalizeAs('Volume', { name: 'istio-envoy', emptyDir: { medium: 'Memory' } });
    const one = normalizeAs('Pod', { spec: { volumes: [volume] } }, { share: true });
    const two = normalizeAs('Pod', { spec: { volumes: [volume] } }, { share: true });
    const v1 = (one.spec as { volumes: unknown[] }).volumes[0];
    const v2 = (two.spec as { volumes: unknown[] }).volumes[0];
    expect(v1).toEqual(expected);
    expect(Object.keys(v1 as object)).toEqual(['name', 'emptyDir']);
    expect(v2).toBe(v1);
    // Without sharing, every decode is a fresh object.
    expect(normalizeAs('Volume', volume)).not.toBe(v1);
  });
});
