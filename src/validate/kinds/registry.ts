import type { KindValidator } from '../result.js';
import { validateAuthorizationPolicy } from './authorizationpolicy.js';
import { validateDestinationRule } from './destinationrule.js';
import { validateEnvoyFilter } from './envoyfilter.js';
import { validateGateway } from './gateway.js';
import { validatePeerAuthentication } from './peerauthentication.js';
import { validateProxyConfig } from './proxyconfig.js';
import { validateRequestAuthentication } from './requestauthentication.js';
import { validateServiceEntry } from './serviceentry.js';
import { validateSidecar } from './sidecar.js';
import { validateTelemetry } from './telemetry.js';
import { validateTrafficExtension } from './trafficextension.js';
import { validateVirtualService } from './virtualservice.js';
import { validateWasmPlugin } from './wasmplugin.js';
import { validateWorkloadEntry } from './workloadentry.js';
import { validateWorkloadGroup } from './workloadgroup.js';

export type { KindValidator, ObjectMetaLite } from '../result.js';

export interface IstioKindEntry {
  readonly group: string;
  readonly kind: string;
  /** Served versions; the first is Istio's canonical one. Lookup ignores versions (see findKind). */
  readonly versions: readonly string[];
  /** Lower-case plural, as in AdmissionRequest.resource.resource. */
  readonly plural: string;
  readonly validate: KindValidator;
  /** The proto message Istio decodes `spec` into (its v1alpha3/v1beta1/v1alpha1 type for every served version). */
  readonly proto: string;
}

const NET = 'networking.istio.io';
const NET_VERSIONS = ['v1', 'v1alpha3', 'v1beta1'] as const;

/** The 15 Istio kinds (33 served group/version/kinds) the webhook validates. */
export const ISTIO_KINDS: readonly IstioKindEntry[] = [
  { group: NET, kind: 'VirtualService', versions: NET_VERSIONS, plural: 'virtualservices', validate: validateVirtualService, proto: 'istio.networking.v1alpha3.VirtualService' },
  { group: NET, kind: 'DestinationRule', versions: NET_VERSIONS, plural: 'destinationrules', validate: validateDestinationRule, proto: 'istio.networking.v1alpha3.DestinationRule' },
  { group: NET, kind: 'Gateway', versions: NET_VERSIONS, plural: 'gateways', validate: validateGateway, proto: 'istio.networking.v1alpha3.Gateway' },
  { group: NET, kind: 'ServiceEntry', versions: NET_VERSIONS, plural: 'serviceentries', validate: validateServiceEntry, proto: 'istio.networking.v1alpha3.ServiceEntry' },
  { group: NET, kind: 'Sidecar', versions: NET_VERSIONS, plural: 'sidecars', validate: validateSidecar, proto: 'istio.networking.v1alpha3.Sidecar' },
  { group: NET, kind: 'WorkloadEntry', versions: NET_VERSIONS, plural: 'workloadentries', validate: validateWorkloadEntry, proto: 'istio.networking.v1alpha3.WorkloadEntry' },
  { group: NET, kind: 'WorkloadGroup', versions: NET_VERSIONS, plural: 'workloadgroups', validate: validateWorkloadGroup, proto: 'istio.networking.v1alpha3.WorkloadGroup' },
  { group: NET, kind: 'EnvoyFilter', versions: ['v1alpha3'], plural: 'envoyfilters', validate: validateEnvoyFilter, proto: 'istio.networking.v1alpha3.EnvoyFilter' },
  { group: NET, kind: 'ProxyConfig', versions: ['v1beta1'], plural: 'proxyconfigs', validate: validateProxyConfig, proto: 'istio.networking.v1beta1.ProxyConfig' },
  { group: 'security.istio.io', kind: 'AuthorizationPolicy', versions: ['v1', 'v1beta1'], plural: 'authorizationpolicies', validate: validateAuthorizationPolicy, proto: 'istio.security.v1beta1.AuthorizationPolicy' },
  { group: 'security.istio.io', kind: 'PeerAuthentication', versions: ['v1', 'v1beta1'], plural: 'peerauthentications', validate: validatePeerAuthentication, proto: 'istio.security.v1beta1.PeerAuthentication' },
  { group: 'security.istio.io', kind: 'RequestAuthentication', versions: ['v1', 'v1beta1'], plural: 'requestauthentications', validate: validateRequestAuthentication, proto: 'istio.security.v1beta1.RequestAuthentication' },
  { group: 'telemetry.istio.io', kind: 'Telemetry', versions: ['v1', 'v1alpha1'], plural: 'telemetries', validate: validateTelemetry, proto: 'istio.telemetry.v1alpha1.Telemetry' },
  { group: 'extensions.istio.io', kind: 'WasmPlugin', versions: ['v1alpha1'], plural: 'wasmplugins', validate: validateWasmPlugin, proto: 'istio.extensions.v1alpha1.WasmPlugin' },
  { group: 'extensions.istio.io', kind: 'TrafficExtension', versions: ['v1alpha1'], plural: 'trafficextensions', validate: validateTrafficExtension, proto: 'istio.extensions.v1alpha1.TrafficExtension' },
];

/**
 * Gateway API kinds are in Istio's webhook schema set with EmptyValidate: only the metadata
 * annotation checks apply (the alpha ones need PILOT_ENABLE_ALPHA_GATEWAY_API, which we do not model).
 */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
export const GATEWAY_API_KINDS: readonly string[] = [
  'Gateway',
  'GatewayClass',
  'HTTPRoute',
  'GRPCRoute',
  'TCPRoute',
  'TLSRoute',
  'ReferenceGrant',
  'ListenerSet',
  'BackendTLSPolicy',
];

export type KindLookup =
  | { readonly type: 'istio'; readonly entry: IstioKindEntry }
  | { readonly type: 'gateway-api'; readonly group: string; readonly kind: string };

/** FindByGroupKind: the version is deliberately ignored so a future version is still validated. */
export function findKind(group: string, kind: string): KindLookup | undefined {
  const entry = ISTIO_KINDS.find((e) => e.group === group && e.kind === kind);
  if (entry !== undefined) return { type: 'istio', entry };
  if (group === GATEWAY_API_GROUP && GATEWAY_API_KINDS.includes(kind)) return { type: 'gateway-api', group, kind };
  return undefined;
}

/** Every served Istio group/version/kind (33 of them). */
export function servedIstioGVKs(): { group: string; version: string; kind: string }[] {
  return ISTIO_KINDS.flatMap((e) => e.versions.map((version) => ({ group: e.group, version, kind: e.kind })));
}
