/** A realistic SidecarTemplateData built with the value model, for tests and the benchmark. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goEnum, goNil, goStringMap, goStruct, type GoStruct } from '../../src/gotemplate/values.js';

export interface PodShape {
  annotations?: Record<string, string> | null;
  labels?: Record<string, string>;
  nativeSidecars?: boolean;
  proxyMetadata?: Record<string, string>;
}

function containerPort(name: string, port: bigint, protocol: string): GoStruct {
  return goStruct(
    'v1.ContainerPort',
    { Name: name, HostPort: 0n, ContainerPort: port, Protocol: protocol, HostIP: '' },
    {
      json: [
        { field: 'Name', json: 'name', omitempty: true },
        { field: 'HostPort', json: 'hostPort', omitempty: true },
        { field: 'ContainerPort', json: 'containerPort' },
        { field: 'Protocol', json: 'protocol', omitempty: true },
        { field: 'HostIP', json: 'hostIP', omitempty: true },
      ],
    },
  );
}

export function loadValues(conformanceDir: string): unknown {
  return JSON.parse(readFileSync(join(conformanceDir, 'istio-inject/settings/default/values.json'), 'utf8')) as unknown;
}

export function sidecarTemplateData(values: unknown, pod: PodShape = {}): GoStruct {
  const boolValueNil = goNil('*wrapperspb.BoolValue', { GetValue: () => false });
  const tlsNil = goNil('*v1alpha3.ClientTLSSettings', { GetCaCertificates: () => '' });
  const tracingNil = goNil('*v1alpha1.Tracing', { GetTlsSettings: () => tlsNil });
  const proxyConfigJson = { discoveryAddress: 'istiod.istio-system.svc:15012', tracing: { zipkin: { address: 'zipkin.istio-system:9411' } } };
  const proxyConfig = goStruct(
    '*v1alpha1.ProxyConfig',
    {
      ConfigPath: './etc/istio/proxy',
      DiscoveryAddress: 'istiod.istio-system.svc:15012',
      InterceptionMode: goEnum('v1alpha1.ProxyConfig_InboundInterceptionMode', 0, 'REDIRECT'),
      ProxyMetadata: goStringMap(pod.proxyMetadata ?? {}),
      HoldApplicationUntilProxyStarts: boolValueNil,
    },
    { methods: { GetTracing: () => tracingNil, GetProxyMetadata: () => goStringMap(pod.proxyMetadata ?? {}) }, toJSON: () => proxyConfigJson },
  );
  const meshConfig = goStruct(
    '*v1alpha1.MeshConfig',
    { ProxyListenPort: 15001n, ProxyInboundListenPort: 15006n, TrustDomain: 'cluster.local', EnablePrometheusMerge: true },
    { methods: { GetExtensionProviders: () => [] } },
  );
  const containers = [
    goStruct('v1.Container', {
      Name: 'hello',
      Image: 'fake.docker.io/google-samples/hello-go-gke:1.0',
      Ports: [containerPort('http', 80n, 'TCP'), containerPort('dns', 53n, 'UDP')],
    }),
    goStruct('v1.Container', { Name: 'sidecar-helper', Image: 'busybox:1', Ports: [] }),
  ];
  return goStruct('*inject.SidecarTemplateData', {
    TypeMeta: goStruct('v1.TypeMeta', { Kind: 'Deployment', APIVersion: 'apps/v1' }),
    DeploymentMeta: goStruct('types.NamespacedName', { Namespace: 'default', Name: 'hello' }),
    ObjectMeta: goStruct('v1.ObjectMeta', {
      Name: 'hello-7d9c5',
      Namespace: 'default',
      Labels: goStringMap(pod.labels ?? { app: 'hello', version: 'v1' }),
      Annotations: goStringMap(pod.annotations === undefined ? null : pod.annotations),
    }),
    Spec: goStruct('v1.PodSpec', { Containers: containers, ServiceAccountName: 'default' }),
    ProxyConfig: proxyConfig,
    MeshConfig: meshConfig,
    Values: values,
    Revision: 'default',
    NativeSidecars: pod.nativeSidecars ?? false,
    ProxyImage: 'registry.istio.io/testing/proxyv2:latest',
    ProxyInitImage: 'registry.istio.io/testing/proxyv2:latest',
    ProxyUID: 1337n,
    ProxyGID: 1337n,
    InboundTrafficPolicyMode: 'passthrough',
    CompliancePolicy: '',
  });
}
