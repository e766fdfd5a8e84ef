import type { KindValidator } from '../result.js';
import { ISTIO_KIND_NAMES, type IstioKind, type IstioKindName } from './names.js';
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

export interface IstioKindEntry extends IstioKindName {
  readonly validate: KindValidator;
}

const VALIDATORS: Readonly<Record<IstioKind, KindValidator>> = {
  VirtualService: validateVirtualService,
  DestinationRule: validateDestinationRule,
  Gateway: validateGateway,
  ServiceEntry: validateServiceEntry,
  Sidecar: validateSidecar,
  WorkloadEntry: validateWorkloadEntry,
  WorkloadGroup: validateWorkloadGroup,
  EnvoyFilter: validateEnvoyFilter,
  ProxyConfig: validateProxyConfig,
  AuthorizationPolicy: validateAuthorizationPolicy,
  PeerAuthentication: validatePeerAuthentication,
  RequestAuthentication: validateRequestAuthentication,
  Telemetry: validateTelemetry,
  WasmPlugin: validateWasmPlugin,
  TrafficExtension: validateTrafficExtension,
};

/** The 15 Istio kinds (33 served group/version/kinds) the webhook validates, each with its validator. */
export const ISTIO_KINDS: readonly IstioKindEntry[] = ISTIO_KIND_NAMES.map((n) => ({ ...n, validate: VALIDATORS[n.kind] }));

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
