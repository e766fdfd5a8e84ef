import { atoi } from '../../go/strconv.js';
import { readEnum, readMessage, readMessageList, readNumber, readString, readStringList, type JsonObject } from '../decode.js';
import { validateDestination } from '../common/destination.js';
import { validateFQDN, validateNamespaceSlashWildcardHostname } from '../common/hosts.js';
import { validateIPAddress, validateUnixAddress } from '../common/net.js';
import { isHTTPProtocol, isTLSProtocol, parseProtocol, validatePort, validatePortName, validateProtocol } from '../common/ports.js';
import { validateAlphaWorkloadSelector } from '../common/selector.js';
import { decodeServerTLS, validateTLSOptions } from '../common/tls.js';
import { validateConnectionPool } from '../common/trafficpolicy.js';
import { ValidationResult, type ObjectMetaLite } from '../result.js';
import { splitHostPort } from '../../go/net.js';

const UNIX_PREFIX = 'unix://';
const CAPTURE_MODES = ['DEFAULT', 'IPTABLES', 'NONE'] as const;
// ALLOW_ANY_DYNAMIC_DNS exists only in MeshConfig's enum (value 3, per Istio's own sidecar test);
// here it can only arrive as a number.
const OUTBOUND_MODES = ['REGISTRY_ONLY', 'ALLOW_ANY'] as const;

interface SidecarPort {
  number: number;
  protocol: string;
  name: string;
  targetPort: number;
}

function decodeSidecarPort(p: JsonObject): SidecarPort {
  return {
    number: readNumber(p, 'number', 'uint32') ?? 0,
    protocol: readString(p, 'protocol') ?? '',
    name: readString(p, 'name') ?? '',
    targetPort: readNumber(p, 'targetPort', 'uint32') ?? 0,
  };
}

function validateDefaultEndpoint(ep: string, v: ValidationResult): void {
  if (ep.startsWith(UNIX_PREFIX)) {
    v.addError(validateUnixAddress(ep.slice(UNIX_PREFIX.length)));
    return;
  }
  const split = splitHostPort(ep);
  let host = '';
  let port = '';
  if ('err' in split) v.addError(split.err);
  else ({ host, port } = split);
  if (host !== '' && !['127.0.0.1', '0.0.0.0', '::1', '::'].includes(host)) {
    v.addError('sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset');
  }
  const n = atoi(port);
  if (!n.ok) {
    v.addError(`sidecar: defaultEndpoint port (${port}) is not a number: ${n.error}`);
  } else {
    v.addError(validatePort(n.value));
  }
}

function validateIngress(ingress: JsonObject[], v: ValidationResult): void {
  const ports = new Set<number>();
  for (const i of ingress) {
    const portMsg = readMessage(i, 'port');
    if (portMsg === undefined) {
      v.addError('sidecar: port is required for ingress listeners');
      continue;
    }
    const port = decodeSidecarPort(portMsg);
    if (port.targetPort > 0) v.addError('targetPort has no impact on Sidecars');
    const bind = readString(i, 'bind') ?? '';
    if (port.name.length > 0) v.addError(validatePortName(port.name));
    v.addError(validateProtocol(port.protocol));
    v.addError(validatePort(port.number));
    if (bind.length !== 0) v.addError(validateIPAddress(bind));
    if (ports.has(port.number)) v.addError('sidecar: ports on IP bound listeners must be unique');
    ports.add(port.number);
    const ep = readString(i, 'defaultEndpoint') ?? '';
    if (ep.length !== 0) validateDefaultEndpoint(ep, v);
    const tlsMsg = readMessage(i, 'tls');
    if (tlsMsg !== undefined) {
      const tls = decodeServerTLS(tlsMsg);
      if (tls.subjectAltNames.length > 0) v.addError('sidecar: subjectAltNames is not supported in ingress tls');
      if (tls.httpsRedirect) v.addError('sidecar: httpsRedirect is not supported');
      if (tls.credentialName !== '') v.addError('sidecar: credentialName is not currently supported');
      if (tls.credentialNames.length > 0) v.addError('sidecar: credentialNames is not currently supported');
      if (tls.tlsCertificates.length > 0) v.addError('sidecar: tls_certificates is not currently supported');
      if (tls.mode === 'ISTIO_MUTUAL' || tls.mode === 'AUTO_PASSTHROUGH') {
        v.addError(`configuration is invalid: cannot set mode to ${tls.mode} in sidecar ingress tls`);
      }
      if (!isTLSProtocol(parseProtocol(port.protocol))) v.addError('server cannot have TLS settings for non HTTPS/TLS ports');
      v.merge(validateTLSOptions(tls));
    }
    const pool = readMessage(i, 'connectionPool');
    v.merge(validateConnectionPool(pool));
    if (pool !== undefined && readMessage(pool, 'http') !== undefined && !isHTTPProtocol(parseProtocol(port.protocol))) {
      v.addWarning(
        `sidecar: HTTP connection pool settings are configured for port ${port.number} (${JSON.stringify(port.name)}) but its protocol is not HTTP (${port.protocol}); only TCP settings will apply`,
      );
    }
  }
}

function validateEgressPort(port: SidecarPort, bind: string, captureMode: string, v: ValidationResult): void {
  if (port.name.length > 0) v.addError(validatePortName(port.name));
  if (port.number === 0) {
    v.addError(validateProtocol(port.protocol));
    if (!bind.startsWith(UNIX_PREFIX)) v.addError('sidecar: ports with 0 value must have a unix domain socket bind address');
    else v.addError(validateUnixAddress(bind.slice(UNIX_PREFIX.length)));
    if (captureMode !== 'DEFAULT' && captureMode !== 'NONE') {
      v.addError('sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners');
    }
  } else {
    v.addError(validateProtocol(port.protocol));
    v.addError(validatePort(port.number));
    if (bind.length !== 0) v.addError(validateIPAddress(bind));
  }
}

function validateEgress(egress: JsonObject[], namespace: string, v: ValidationResult): void {
  const ports = new Set<number>();
  const uds = new Set<string>();
  let catchAll = false;
  egress.forEach((e, index) => {
    const portMsg = readMessage(e, 'port');
    if (portMsg === undefined) {
      if (!catchAll) {
        if (index === egress.length - 1) catchAll = true;
        else v.addError('sidecar: the egress listener with empty port should be the last listener in the list');
      } else {
        v.addError('sidecar: egress can have only one listener with empty port');
        return;
      }
    } else {
      const port = decodeSidecarPort(portMsg);
      if (port.targetPort > 0) v.addError('targetPort has no impact on Sidecars');
      const bind = readString(e, 'bind') ?? '';
      const captureMode = readEnum(e, 'captureMode', 'istio.networking.v1alpha3.CaptureMode', CAPTURE_MODES) ?? 'DEFAULT';
      validateEgressPort(port, bind, captureMode, v);
      if (port.number === 0) {
        if (uds.has(bind)) v.addError('sidecar: unix domain socket values for listeners must be unique');
        uds.add(bind);
      } else {
        if (ports.has(port.number)) v.addError('sidecar: ports on IP bound listeners must be unique');
        ports.add(port.number);
      }
    }
    const hosts = readStringList(e, 'hosts') ?? [];
    if (hosts.length === 0) {
      v.addError('sidecar: egress listener must contain at least one host');
      return;
    }
    const seen = new Map<string, Set<string>>();
    for (const hostname of hosts) {
      const slash = hostname.indexOf('/');
      if (slash >= 0 && !hostname.startsWith('~')) {
        let ns = hostname.slice(0, slash);
        const svc = hostname.slice(slash + 1);
        if (ns === '.') ns = namespace;
        const svcs = seen.get(ns) ?? new Set<string>();
        seen.set(ns, svcs);
        if (svc !== '*') {
          if (svcs.has(svc) || svcs.has('*')) v.addWarning(`duplicated egress host: ${hostname}`);
        } else if (svcs.size !== 0) {
          v.addWarning(`duplicated egress host: ${hostname}`);
        }
        svcs.add(svc);
      }
      for (const err of validateNamespaceSlashWildcardHostname(hostname, false, false)) v.addError(err);
    }
    if (seen.get('*')?.has('*') === true && seen.size !== 1) {
      v.addWarning('`*/*` host select all resources, no other hosts can be added');
    }
  });
}

function validateOutboundTrafficPolicy(tp: JsonObject | undefined, v: ValidationResult): void {
  if (tp === undefined) return;
  const mode = readEnum(tp, 'mode', 'istio.networking.v1alpha3.OutboundTrafficPolicy.Mode', OUTBOUND_MODES) ?? 'REGISTRY_ONLY';
  if (mode === '3') {
    v.addError('sidecar: ALLOW_ANY_DYNAMIC_DNS mode is only supported in MeshConfig, not in Sidecar resource');
    return;
  }
  const proxy = readMessage(tp, 'egressProxy');
  if (proxy === undefined) return;
  if (mode !== 'ALLOW_ANY') {
    v.addError('sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode');
    return;
  }
  v.addError(validateFQDN(readString(proxy, 'host') ?? ''));
  if (readMessage(proxy, 'port') === undefined) {
    v.addError('sidecar: egress_proxy port must be non-nil');
    return;
  }
  for (const e of validateDestination(proxy)) v.addError(e);
}

/** ValidateSidecar (validation.go). */
export function validateSidecar(spec: Record<string, unknown>, meta: ObjectMetaLite): ValidationResult {
  const v = new ValidationResult();
  const sel = validateAlphaWorkloadSelector(readMessage(spec, 'workloadSelector'));
  if (!sel.ok) return new ValidationResult(sel.err);
  if (sel.warn !== undefined) v.addWarning('sidecar: workload selector specified without labels, will be applied to all services in namespace');
  const ingress = readMessageList(spec, 'ingress') ?? [];
  const egress = readMessageList(spec, 'egress') ?? [];
  const outbound = readMessage(spec, 'outboundTrafficPolicy');
  const inboundPool = readMessage(spec, 'inboundConnectionPool');
  if (ingress.length === 0 && egress.length === 0 && outbound === undefined && inboundPool === undefined) {
    return ValidationResult.error('sidecar: empty configuration provided');
  }
  validateIngress(ingress, v);
  v.merge(validateConnectionPool(inboundPool));
  validateEgress(egress, meta.namespace, v);
  validateOutboundTrafficPolicy(outbound, v);
  return v;
}
