/**
 * The Istio kinds the validating webhook serves, by name only. Kept apart from the validators so the HTTP
 * thread can bound its metric labels without loading the validation engine (the workers load it).
 */
export interface IstioKindName {
  readonly group: string;
  readonly kind: string;
  /** Served versions; the first is Istio's canonical one. Lookup ignores versions (see findKind). */
  readonly versions: readonly string[];
  /** Lower-case plural, as in AdmissionRequest.resource.resource. */
  readonly plural: string;
  /** The proto message Istio decodes `spec` into (its v1alpha3/v1beta1/v1alpha1 type for every served version). */
  readonly proto: string;
}

const NET = 'networking.istio.io';
const NET_VERSIONS = ['v1', 'v1alpha3', 'v1beta1'] as const;

/** The 15 Istio kinds (33 served group/version/kinds). */
export const ISTIO_KIND_NAMES = [
  { group: NET, kind: 'VirtualService', versions: NET_VERSIONS, plural: 'virtualservices', proto: 'istio.networking.v1alpha3.VirtualService' },
  { group: NET, kind: 'DestinationRule', versions: NET_VERSIONS, plural: 'destinationrules', proto: 'istio.networking.v1alpha3.DestinationRule' },
  { group: NET, kind: 'Gateway', versions: NET_VERSIONS, plural: 'gateways', proto: 'istio.networking.v1alpha3.Gateway' },
  { group: NET, kind: 'ServiceEntry', versions: NET_VERSIONS, plural: 'serviceentries', proto: 'istio.networking.v1alpha3.ServiceEntry' },
  { group: NET, kind: 'Sidecar', versions: NET_VERSIONS, plural: 'sidecars', proto: 'istio.networking.v1alpha3.Sidecar' },
  { group: NET, kind: 'WorkloadEntry', versions: NET_VERSIONS, plural: 'workloadentries', proto: 'istio.networking.v1alpha3.WorkloadEntry' },
  { group: NET, kind: 'WorkloadGroup', versions: NET_VERSIONS, plural: 'workloadgroups', proto: 'istio.networking.v1alpha3.WorkloadGroup' },
  { group: NET, kind: 'EnvoyFilter', versions: ['v1alpha3'], plural: 'envoyfilters', proto: 'istio.networking.v1alpha3.EnvoyFilter' },
  { group: NET, kind: 'ProxyConfig', versions: ['v1beta1'], plural: 'proxyconfigs', proto: 'istio.networking.v1beta1.ProxyConfig' },
  { group: 'security.istio.io', kind: 'AuthorizationPolicy', versions: ['v1', 'v1beta1'], plural: 'authorizationpolicies', proto: 'istio.security.v1beta1.AuthorizationPolicy' },
  { group: 'security.istio.io', kind: 'PeerAuthentication', versions: ['v1', 'v1beta1'], plural: 'peerauthentications', proto: 'istio.security.v1beta1.PeerAuthentication' },
  { group: 'security.istio.io', kind: 'RequestAuthentication', versions: ['v1', 'v1beta1'], plural: 'requestauthentications', proto: 'istio.security.v1beta1.RequestAuthentication' },
  { group: 'telemetry.istio.io', kind: 'Telemetry', versions: ['v1', 'v1alpha1'], plural: 'telemetries', proto: 'istio.telemetry.v1alpha1.Telemetry' },
  { group: 'extensions.istio.io', kind: 'WasmPlugin', versions: ['v1alpha1'], plural: 'wasmplugins', proto: 'istio.extensions.v1alpha1.WasmPlugin' },
  { group: 'extensions.istio.io', kind: 'TrafficExtension', versions: ['v1alpha1'], plural: 'trafficextensions', proto: 'istio.extensions.v1alpha1.TrafficExtension' },
] as const satisfies readonly IstioKindName[];

export type IstioKind = (typeof ISTIO_KIND_NAMES)[number]['kind'];
