import {
  readBool, readDuration, readEnum, readMessage, readMessageList, readNumber, readNumberMap, readString, readStringList,
  type JsonObject,
} from '../decode.js';
import { goQuote } from '../../go/strconv.js';
import { ValidationResult } from '../result.js';
import { durationNanos, validateDuration } from './duration.js';
import { validateFQDN } from './hosts.js';
import { validateIPAddress } from './net.js';
import { validatePort } from './ports.js';

const TOPOLOGY_LABELS = new Set(['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone']);

export function validatePercent(val: number): string | undefined {
  if (val < 0 || val > 100) return `percentage ${val} is not in range 0..100`;
  return undefined;
}

/** A google.protobuf wrapper (UInt32Value etc.): jsonpb accepts the bare value. */
function readWrapped(o: JsonObject, key: string, kind: 'uint32' | 'int32' | 'float64'): number | undefined {
  return readNumber(o, key, kind);
}

function durationErr(o: JsonObject, key: string): string | undefined {
  const d = readDuration(o, key);
  return d === undefined ? undefined : validateDuration(d);
}

export function validateOutlierDetection(outlier: JsonObject | undefined): ValidationResult {
  const v = new ValidationResult();
  if (outlier === undefined) return v;
  v.addError(durationErr(outlier, 'baseEjectionTime'));
  if ((readWrapped(outlier, 'consecutiveErrors', 'int32') ?? 0) !== 0) {
    v.addWarning('outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead');
  }
  if (!(readBool(outlier, 'splitExternalLocalOriginErrors') ?? false) && (readWrapped(outlier, 'consecutiveLocalOriginFailures', 'uint32') ?? 0) > 0) {
    v.addError('outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false');
  }
  v.addError(durationErr(outlier, 'interval'));
  v.addError(validatePercent(readNumber(outlier, 'maxEjectionPercent', 'int32') ?? 0));
  v.addError(validatePercent(readNumber(outlier, 'minHealthPercent', 'int32') ?? 0));
  return v;
}

const H2_UPGRADE = ['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE'] as const;

/** validateConnectionPool (DestinationRule and Sidecar). Errors only. */
export function validateConnectionPool(settings: JsonObject | undefined): ValidationResult {
  const v = new ValidationResult();
  if (settings === undefined) return v;
  const http = readMessage(settings, 'http');
  const tcp = readMessage(settings, 'tcp');
  if (http === undefined && tcp === undefined) return v.addError('connection pool must have at least one field');
  if (http !== undefined) {
    if ((readNumber(http, 'http1MaxPendingRequests', 'int32') ?? 0) < 0) v.addError('http1 max pending requests must be non-negative');
    if ((readNumber(http, 'http2MaxRequests', 'int32') ?? 0) < 0) v.addError('http2 max requests must be non-negative');
    if ((readNumber(http, 'maxRequestsPerConnection', 'int32') ?? 0) < 0) v.addError('max requests per connection must be non-negative');
    if ((readNumber(http, 'maxRetries', 'int32') ?? 0) < 0) v.addError('max retries must be non-negative');
    v.addError(durationErr(http, 'idleTimeout'));
    const policy = readEnum(http, 'h2UpgradePolicy', 'istio.networking.v1alpha3.ConnectionPoolSettings.HTTPSettings.H2UpgradePolicy', H2_UPGRADE);
    if (policy === 'UPGRADE' && (readBool(http, 'useClientProtocol') ?? false)) {
      v.addError('use client protocol must not be true when H2UpgradePolicy is UPGRADE');
    }
    if ((readNumber(http, 'maxConcurrentStreams', 'int32') ?? 0) < 0) v.addError('max concurrent streams must be non-negative');
    const ka = readMessage(http, 'http2KeepAlive');
    if (ka !== undefined) {
      if (readDuration(ka, 'interval') === undefined) v.addError('http2 keepalive interval is required');
      else v.addError(durationErr(ka, 'interval'));
      if (readDuration(ka, 'timeout') === undefined) v.addError('http2 keepalive timeout is required');
      else v.addError(durationErr(ka, 'timeout'));
    }
  }
  if (tcp !== undefined) {
    if ((readNumber(tcp, 'maxConnections', 'int32') ?? 0) < 0) v.addError('max connections must be non-negative');
    v.addError(durationErr(tcp, 'connectTimeout'));
    v.addError(durationErr(tcp, 'maxConnectionDuration'));
    const idle = readDuration(tcp, 'idleTimeout');
    // 0s disables the idle timeout entirely, so it is allowed here.
    if (idle !== undefined && durationNanos(idle) / 1000000n !== 0n) v.addError(validateDuration(idle));
    const ka = readMessage(tcp, 'tcpKeepalive');
    if (ka !== undefined) {
      v.addError(durationErr(ka, 'time'));
      v.addError(durationErr(ka, 'interval'));
    }
  }
  return v;
}

/** Envoy's primality test, so we agree with it on every table size. */
export function isPrime(x: number): boolean {
  if (x !== 0 && x < 4) return true;
  if (x % 2 === 0) return false;
  const limit = Math.floor(Math.sqrt(x));
  for (let f = 3; f <= limit; f += 2) if (x % f === 0) return false;
  return true;
}

function localityParams(locality: string): { region: string; zone: string; subZone: string; index: number } | undefined {
  const items: string[] = [];
  let rest = locality;
  for (let i = 0; i < 2; i++) {
    const at = rest.indexOf('/');
    if (at < 0) break;
    items.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  items.push(rest);
  if (items.some((i) => i === '')) return undefined;
  return { region: items[0] ?? '', zone: items[1] ?? '', subZone: items[2] ?? '', index: items.length - 1 };
}

export function validateLocalities(localities: readonly string[]): string | undefined {
  const m = new Map<string, Map<string, Map<string, boolean>>>();
  for (const locality of localities) {
    const n = (locality.match(/\*/g) ?? []).length;
    if (n > 0 && (n > 1 || !locality.endsWith('*'))) return `locality ${locality} wildcard '*' number can not exceed 1 and must be in the end`;
    const overlap = `locality ${locality} overlap with previous specified ones`;
    if (m.has('*')) return overlap;
    const p = localityParams(locality);
    if (p === undefined) return `locality ${locality} must not contain empty region/zone/subzone info`;
    const region = m.get(p.region);
    if (p.index === 0) {
      if (region !== undefined) return overlap;
      m.set(p.region, new Map([['*', new Map([['*', true]])]]));
    } else if (p.index === 1) {
      if (region !== undefined) {
        if (region.has('*') || region.has(p.zone)) return overlap;
        region.set(p.zone, new Map([['*', true]]));
      } else {
        m.set(p.region, new Map([[p.zone, new Map([['*', true]])]]));
      }
    } else if (region !== undefined) {
      if (region.has('*')) return overlap;
      const zone = region.get(p.zone);
      if (zone !== undefined) {
        if (zone.get('*') === true || zone.get(p.subZone) === true) return overlap;
        zone.set(p.subZone, true);
      } else {
        region.set(p.zone, new Map([[p.subZone, true]]));
      }
    } else {
      m.set(p.region, new Map([[p.zone, new Map([[p.subZone, true]])]]));
    }
  }
  return undefined;
}

function validateLocalityLbSetting(lb: JsonObject | undefined, hasOutlier: boolean): ValidationResult {
  const v = new ValidationResult();
  if (lb === undefined) return v;
  const distribute = readMessageList(lb, 'distribute') ?? [];
  const failover = readMessageList(lb, 'failover') ?? [];
  const priority = readStringList(lb, 'failoverPriority') ?? [];
  if (distribute.length > 0 && failover.length > 0) return v.addError("can not simultaneously specify 'distribute' and 'failover'");
  if (failover.length > 0 && priority.length > 0) {
    for (const label of priority) {
      if (TOPOLOGY_LABELS.has(label)) {
        return v.addError(`can not simultaneously set 'failover' and topology label '${label}' in 'failover_priority'`);
      }
    }
  }
  const src: string[] = [];
  for (const d of distribute) {
    src.push(readString(d, 'from') ?? '');
    const to = readNumberMap(d, 'to', 'uint32') ?? {};
    let total = 0;
    for (const w of Object.values(to)) {
      if (w <= 0 || w > 100) return v.addError('locality weight must be in range [1, 100]');
      total += w;
    }
    if (total !== 100) return v.addError(`total locality weight ${total} != 100`);
    v.addError(validateLocalities(Object.keys(to)));
  }
  v.addError(validateLocalities(src));
  if ((failover.length > 0 || priority.length > 0) && !hasOutlier) v.addWarning('outlier detection policy must be provided for failover');
  for (const f of failover) {
    const from = readString(f, 'from') ?? '';
    const to = readString(f, 'to') ?? '';
    if (from === to) v.addError('locality lb failover settings must specify different regions');
    if (from.includes('/') || to.includes('/')) v.addError('locality lb failover only specify region');
    if (to.includes('*') || from.includes('*')) v.addError("locality lb failover region should not contain '*' wildcard");
  }
  return v;
}

function validateZoneAwareLbSetting(lb: JsonObject | undefined, hasOutlier: boolean): ValidationResult {
  const v = new ValidationResult();
  if (lb === undefined) return v;
  const failover = readMessageList(lb, 'failover') ?? [];
  const priority = readStringList(lb, 'failoverPriority') ?? [];
  for (const label of priority) {
    if (TOPOLOGY_LABELS.has(label)) {
      v.addError(`'failover_priority' for zone aware lb must not use topology label '${label}'; region- and zone-level routing are handled automatically`);
    }
  }
  if ((failover.length > 0 || priority.length > 0) && !hasOutlier) v.addWarning('outlier detection policy must be provided for failover');
  for (const f of failover) {
    const from = readString(f, 'from') ?? '';
    const to = readString(f, 'to') ?? '';
    if (from === to) v.addError('zone aware lb failover settings must specify different regions');
    if (from.includes('/') || to.includes('/')) v.addError('zone aware lb failover only specifies region; zone and subzone failover are handled automatically');
    if (to.includes('*') || from.includes('*')) v.addError("zone aware lb failover region should not contain '*' wildcard");
  }
  return v;
}

export function validateLoadBalancer(settings: JsonObject | undefined, hasOutlier: boolean): ValidationResult {
  const v = new ValidationResult();
  if (settings === undefined) return v;
  // Decoded for jsonpb's enum check even though no rule looks at it.
  readEnum(settings, 'simple', 'istio.networking.v1alpha3.LoadBalancerSettings.SimpleLB', SIMPLE_LB);
  const ch = readMessage(settings, 'consistentHash');
  if (ch !== undefined) {
    const cookie = readMessage(ch, 'httpCookie');
    if (cookie !== undefined && (readString(cookie, 'name') ?? '') === '') v.addError('name required for HttpCookie');
    if (cookie !== undefined) {
      const seen = new Set<string>();
      for (const attr of readMessageList(cookie, 'attributes') ?? []) {
        const name = readString(attr, 'name') ?? '';
        if (name === '') {
          v.addError('cookie attribute name cannot be empty');
          continue;
        }
        if (seen.has(name)) v.addError(`duplicate cookie attribute name: ${name}`);
        else seen.add(name);
      }
    }
    const minRing = readNumber(ch, 'minimumRingSize', 'uint64') ?? 0;
    if (minRing !== 0) v.addWarning("consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead");
    const ringHash = readMessage(ch, 'ringHash');
    const maglev = readMessage(ch, 'maglev');
    if (minRing !== 0 && (ringHash !== undefined || maglev !== undefined)) {
      v.addError('only one of MinimumRingSize or Maglev/Ringhash can be specified');
    }
    if (maglev !== undefined) {
      const size = readNumber(maglev, 'tableSize', 'uint64') ?? 0;
      if (size === 0) v.addError('tableSize must be set for maglev');
      if (size >= 5000011) v.addError('tableSize must be less than 5000011 for maglev');
      if (!isPrime(size)) v.addError('tableSize must be a prime number for maglev');
    }
  }
  const locality = readMessage(settings, 'localityLbSetting');
  const zoneAware = readMessage(settings, 'zoneAwareLbSetting');
  if (locality !== undefined && zoneAware !== undefined) v.addError('only one of localityLbSetting and zoneAwareLbSetting can be set');
  v.merge(validateLocalityLbSetting(locality, hasOutlier));
  v.merge(validateZoneAwareLbSetting(zoneAware, hasOutlier));
  const warm = readMessage(settings, 'warmup');
  if (warm !== undefined) {
    const d = readDuration(warm, 'duration');
    if (d === undefined) v.addError('duration is required');
    else v.addError(validateDuration(d));
    if ((readNumber(warm, 'minimumPercent', 'float64') ?? 0) > 100) v.addError('minimumPercent value should be less than or equal to 100');
    const aggression = readNumber(warm, 'aggression', 'float64');
    if (aggression !== undefined && aggression <= 0) v.addError('aggression should be greater than 0');
  }
  return v;
}

const SIMPLE_LB = ['UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST'] as const;
const CLIENT_TLS_MODES = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'] as const;
const CONFIGMAP_PREFIX = 'configmap://';

/** agent.ValidateTLS for ClientTLSSettings. */
export function validateClientTLS(configNamespace: string, tls: JsonObject | undefined): ValidationResult {
  const v = new ValidationResult();
  if (tls === undefined) return v;
  const credentialName = readString(tls, 'credentialName') ?? '';
  const mode = readEnum(tls, 'mode', 'istio.networking.v1alpha3.ClientTLSSettings.TLSmode', CLIENT_TLS_MODES) ?? 'DISABLE';
  const caCertificates = readString(tls, 'caCertificates') ?? '';
  const clientCertificate = readString(tls, 'clientCertificate') ?? '';
  const privateKey = readString(tls, 'privateKey') ?? '';
  const caCrl = readString(tls, 'caCrl') ?? '';
  const sans = readStringList(tls, 'subjectAltNames');
  if (credentialName.startsWith(CONFIGMAP_PREFIX)) {
    // credentials.ParseResourceName: configmap://<namespace>/<name>, anything after a second '/' ignored.
    const parts = credentialName.slice(CONFIGMAP_PREFIX.length).split('/');
    const [ns = '', name = ''] = parts;
    const bad = (why: string): string => `invalid configmap:// credentialName: invalid resource name ${goQuote(credentialName)}. ${why}`;
    if (parts.length <= 1) v.addError(bad('Expected namespace and name'));
    else if (ns === '') v.addError(bad('Expected namespace'));
    else if (name === '') v.addError(bad('Expected name'));
    else if (ns !== configNamespace || configNamespace === '') {
      v.addError(`invalid configmap:// credentialName: namespace must match the configuration namespace ${goQuote(configNamespace)}`);
    }
  }
  if (readBool(tls, 'insecureSkipVerify') === true) {
    if (mode === 'SIMPLE' && (caCertificates !== '' || credentialName !== '' || sans !== undefined)) {
      v.addError('cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true');
    }
    if (mode === 'MUTUAL' && (caCertificates !== '' || sans !== undefined)) {
      v.addError('cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true');
    }
  }
  if ((mode === 'SIMPLE' || mode === 'MUTUAL') && credentialName !== '') {
    if (clientCertificate !== '' || caCertificates !== '' || privateKey !== '' || caCrl !== '') {
      v.addError('cannot specify client certificates or CA certificate or CA CRL If credentialName is set');
    }
    return v;
  }
  if (mode === 'MUTUAL') {
    if (clientCertificate === '') v.addError('client certificate required for mutual tls');
    if (privateKey === '') v.addError('private key required for mutual tls');
  }
  return v;
}

function validatePortTrafficPolicies(configNamespace: string, pls: JsonObject[] | undefined): ValidationResult {
  const v = new ValidationResult();
  for (const t of pls ?? []) {
    if (readMessage(t, 'port') === undefined) v.addError('portTrafficPolicy must have valid port');
    const od = readMessage(t, 'outlierDetection');
    const cp = readMessage(t, 'connectionPool');
    const lb = readMessage(t, 'loadBalancer');
    const tls = readMessage(t, 'tls');
    if (od === undefined && cp === undefined && lb === undefined && tls === undefined) {
      v.addError('port traffic policy must have at least one field');
    } else {
      // appendErrors: the warnings of port-level settings are lost in Istio.
      v.mergeErrorsOnly(validateOutlierDetection(od));
      v.mergeErrorsOnly(validateConnectionPool(cp));
      v.mergeErrorsOnly(validateLoadBalancer(lb, od !== undefined));
      v.mergeErrorsOnly(validateClientTLS(configNamespace, tls));
    }
  }
  return v;
}

function validateTunnelSettings(tunnel: JsonObject | undefined): ValidationResult {
  const v = new ValidationResult();
  if (tunnel === undefined) return v;
  const protocol = readString(tunnel, 'protocol') ?? '';
  if (protocol !== '' && protocol !== 'CONNECT' && protocol !== 'POST') v.addError('tunnel protocol must be "CONNECT" or "POST"');
  const host = readString(tunnel, 'targetHost') ?? '';
  const fqdnErr = validateFQDN(host);
  const ipErr = validateIPAddress(host);
  if (fqdnErr !== undefined && ipErr !== undefined) v.addError(`tunnel target host must be valid FQDN or IP address: ${fqdnErr}; ${ipErr}`);
  const portErr = validatePort(readNumber(tunnel, 'targetPort', 'uint32') ?? 0);
  if (portErr !== undefined) v.addError(`tunnel target port is invalid: ${portErr}`);
  return v;
}

const PROXY_PROTOCOL_VERSIONS = ['V1', 'V2'] as const;

export function validateTrafficPolicy(configNamespace: string, policy: JsonObject | undefined): ValidationResult {
  const v = new ValidationResult();
  if (policy === undefined) return v;
  const od = readMessage(policy, 'outlierDetection');
  const cp = readMessage(policy, 'connectionPool');
  const lb = readMessage(policy, 'loadBalancer');
  const tls = readMessage(policy, 'tls');
  const pls = readMessageList(policy, 'portLevelSettings');
  const tunnel = readMessage(policy, 'tunnel');
  const pp = readMessage(policy, 'proxyProtocol');
  const retryBudget = readMessage(policy, 'retryBudget');
  if (od === undefined && cp === undefined && lb === undefined && tls === undefined && pls === undefined &&
    tunnel === undefined && pp === undefined && retryBudget === undefined) {
    return v.addError('traffic policy must have at least one field');
  }
  if (tunnel !== undefined && pp !== undefined) return v.addError('tunnel and proxyProtocol must not be set together');
  v.merge(validateOutlierDetection(od));
  v.merge(validateConnectionPool(cp));
  v.merge(validateLoadBalancer(lb, od !== undefined));
  v.merge(validateClientTLS(configNamespace, tls));
  v.merge(validatePortTrafficPolicies(configNamespace, pls));
  v.merge(validateTunnelSettings(tunnel));
  if (pp !== undefined) {
    const version = readEnum(pp, 'version', 'istio.networking.v1alpha3.TrafficPolicy.ProxyProtocol.VERSION', PROXY_PROTOCOL_VERSIONS) ?? 'V1';
    if (version !== 'V1' && version !== 'V2') v.addError(`proxy protocol version is invalid: ${version}`);
  }
  return v;
}
