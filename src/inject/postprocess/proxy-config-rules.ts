import { splitHostPort } from '../../go/net.js';
import { goQuote, atoi } from '../../go/strconv.js';
import { parseGoDuration } from '../../go/time.js';
import { validateFQDN } from '../../validate/common/hosts.js';
import { isValidIP } from '../../validate/common/net.js';
import { validateClientTLS } from '../../validate/common/trafficpolicy.js';
import { errToList } from '../../validate/result.js';
import { defaultProxyConfig } from '../settings/mesh.js';
import { PROXY_CONFIG_FIELDS, canonicalProtoKeys, clearReplacedOneofMembers, enumNameOf, isPlainObject } from '../settings/proto-fields.js';

/**
 * agent.ValidateMeshConfigProxyConfig over a `proxy.istio.io/config` document applied on mesh.DefaultProxyConfig
 * (the annotation check istiod runs at injection): its errors in its order, each one line of the multierror.
 * The document has passed the jsonpb type check, so every value has its field's JSON type (numbers may be quoted).
 */
export function proxyConfigRuleErrors(doc: Record<string, unknown>): string[] {
  // jsonpb skips a null, so the default stays.
  const overlay = Object.fromEntries(Object.entries(canonicalProtoKeys(PROXY_CONFIG_FIELDS, doc)).filter(([, v]) => v !== null));
  const cfg: Record<string, unknown> = { ...defaultProxyConfig(), ...overlay };
  clearReplacedOneofMembers(PROXY_CONFIG_FIELDS, cfg, overlay);
  const errs: string[] = [];
  const str = (o: Record<string, unknown> | undefined, k: string): string => {
    const v = o?.[k];
    return typeof v === 'string' ? v : '';
  };
  if (str(cfg, 'configPath') === '') errs.push('config path must be set');
  if (str(cfg, 'binaryPath') === '') errs.push('binary path must be set');
  // The cluster_name oneof: a tracing service name needs no check.
  if (cfg.tracingServiceName === undefined && str(cfg, 'serviceCluster') === '') errs.push('service cluster must be specified');
  errs.push(...drainDurationErrors(str(cfg, 'drainDuration')));
  const discovery = str(cfg, 'discoveryAddress');
  if (discovery === '') errs.push('discovery address must be set to the proxy discovery service');
  else errs.push(...prefixed('invalid discovery address:', proxyAddressError(discovery)));

  const tracing = message(cfg.tracing);
  const lightstep = message(tracing?.lightstep);
  if (lightstep !== undefined) {
    const address = str(lightstep, 'address');
    const ls: string[] = [];
    if (address === '') ls.push('address is required');
    ls.push(...prefixed('invalid lightstep address:', proxyAddressError(address)));
    if (str(lightstep, 'accessToken') === '') ls.push('access token is required');
    errs.push(...ls.map((e) => `invalid lightstep config: ${e}`));
  }
  // Zipkin and Datadog addresses may name the node's IP, which the agent fills in.
  const zipkin = message(tracing?.zipkin);
  if (zipkin !== undefined) errs.push(...prefixed('invalid zipkin config:', proxyAddressError(str(zipkin, 'address').replace('$(HOST_IP)', '127.0.0.1'))));
  const datadog = message(tracing?.datadog);
  if (datadog !== undefined) errs.push(...prefixed('invalid datadog config:', proxyAddressError(str(datadog, 'address').replace('$(HOST_IP)', '127.0.0.1'))));
  const tls = message(tracing?.tlsSettings);
  // ValidateTLS outside any namespace.
  if (tls !== undefined) errs.push(...errToList(validateClientTLS('', tls).err).map((e) => `invalid tracing TLS config: ${e}`));

  const addressRule = (address: string, what: string): void => {
    if (address !== '') errs.push(...prefixed(`invalid ${what} ${goQuote(address)}:`, proxyAddressError(address)));
  };
  addressRule(str(cfg, 'statsdUdpAddress'), 'statsd udp address');
  addressRule(str(cfg, 'envoyMetricsServiceAddress'), 'envoy metrics service address');
  addressRule(str(message(cfg.envoyMetricsService), 'address'), 'envoy metrics service address');
  addressRule(str(message(cfg.envoyAccessLogService), 'address'), 'envoy access log service address');

  errs.push(...prefixed('invalid proxy admin port:', portError(numberOf(cfg.proxyAdminPort) ?? 0)));
  const policy = enumName('controlPlaneAuthPolicy', cfg.controlPlaneAuthPolicy) ?? 'NONE';
  if (policy !== 'NONE' && policy !== 'MUTUAL_TLS') errs.push(`invalid authentication policy: unrecognized control plane auth policy ${goQuote(policy)}`);
  errs.push(...prefixed('invalid status port:', portError(numberOf(cfg.statusPort) ?? 0)));

  const pkp = message(cfg.privateKeyProvider);
  if (pkp !== undefined) errs.push(...privateKeyProviderErrors(pkp).map((e) => `invalid private key provider configuration: ${e}`));
  const cs = message(cfg.connectionSettings);
  if (cs !== undefined) errs.push(...connectionSettingsErrors(cs).map((e) => `invalid connection settings: ${e}`));
  return errs;
}

const message = (v: unknown): Record<string, unknown> | undefined => (isPlainObject(v) ? v : undefined);
const prefixed = (prefix: string, err: string | undefined): string[] => (err === undefined ? [] : [`${prefix} ${err}`]);

function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v.trim());
  return undefined;
}

/** An enum value's name (a number is named by the field's enum, an unknown number by its digits, as Go's String()). */
function enumName(json: string, v: unknown, fields = PROXY_CONFIG_FIELDS): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v !== 'number') return undefined;
  const fd = fields.find((f) => f.json === json);
  return (fd !== undefined ? enumNameOf(fd, v) : undefined) ?? String(v);
}

function durationNanos(v: unknown): bigint | undefined {
  if (typeof v !== 'string') return undefined;
  try {
    return parseGoDuration(v);
  } catch {
    return undefined;
  }
}

const MS = 1_000_000n;
const SECOND = 1_000_000_000n;

/** ValidateDrainDuration (with ValidateDuration's checks first). */
function drainDurationErrors(text: string): string[] {
  const ns = durationNanos(text);
  if (ns === undefined) return [];
  if (ns < MS) return ['invalid drain duration: duration must be greater than 1ms'];
  if (ns % MS !== 0n) return ['invalid drain duration: only durations to ms precision are supported'];
  return ns % SECOND === 0n ? [] : ['drain time only supports durations to seconds precision'];
}

function portError(port: number): string | undefined {
  return port >= 1 && port <= 65535 ? undefined : `port number ${port} must be in the range 1..65535`;
}

/** ValidateProxyAddress: host:port, a port in range, a host that is an FQDN or an IP address. */
function proxyAddressError(hostAddr: string): string | undefined {
  const split = splitHostPort(hostAddr);
  if ('err' in split) return `unable to split ${goQuote(hostAddr)}: ${split.err}`;
  const port = atoi(split.port);
  if (!port.ok) return `port (${split.port}) is not a number: ${port.error}`;
  const pe = portError(port.value);
  if (pe !== undefined) return pe;
  if (validateFQDN(split.host) !== undefined && !isValidIP(split.host)) return `${goQuote(split.host)} is not a valid hostname or an IP address`;
  return undefined;
}

function privateKeyProviderErrors(pkp: Record<string, unknown>): string[] {
  // The provider oneof: canonicalProtoKeys kept the last member given.
  const provider = message(pkp.cryptomb) ?? message(pkp.qat);
  if (provider === undefined) return ['private key provider configuration is required', 'unknown private key provider'];
  const delay = durationNanos(provider.pollDelay);
  if (delay === undefined) return ['pollDelay is required'];
  return delay === 0n ? ['pollDelay must be non zero'] : [];
}

/** validateConnectionSettings, in its order. */
function connectionSettingsErrors(cs: Record<string, unknown>): string[] {
  const errs: string[] = [];
  const num = (k: string): number | undefined => numberOf(cs[k]);
  const negative = (k: string): boolean => (durationNanos(cs[k]) ?? 0n) < 0n;
  const rule = (bad: boolean, why: string): void => {
    if (bad) errs.push(why);
  };
  rule((num('listenerPerConnectionBufferLimitBytes') ?? 0) < 0, 'listener_per_connection_buffer_limit_bytes must be non-negative');
  rule((num('clusterPerConnectionBufferLimitBytes') ?? 0) < 0, 'cluster_per_connection_buffer_limit_bytes must be non-negative');
  for (const [k, name] of [
    ['httpIdleTimeout', 'http_idle_timeout'],
    ['httpMaxConnectionDuration', 'http_max_connection_duration'],
    ['httpDrainTimeout', 'http_drain_timeout'],
    ['httpRequestTimeout', 'http_request_timeout'],
    ['httpRequestHeadersTimeout', 'http_request_headers_timeout'],
    ['httpStreamIdleTimeout', 'http_stream_idle_timeout'],
    ['httpMaxStreamDuration', 'http_max_stream_duration'],
  ] as const) {
    rule(negative(k), `${name} must be non-negative`);
  }
  const atMost = (k: string, limit: number): boolean => {
    const v = num(k);
    return v !== undefined && v <= limit;
  };
  rule(atMost('httpMaxConcurrentStreams', 0), 'http_max_concurrent_streams must be positive');
  rule(atMost('http2InitialStreamWindowSize', 65534), 'http2_initial_stream_window_size must be at least 65535');
  rule(atMost('http2InitialConnectionWindowSize', 65534), 'http2_initial_connection_window_size must be at least 65535');
  rule(atMost('listenerConnectionLimit', 0), 'listener_connection_limit must be positive');
  rule(atMost('globalDownstreamConnectionLimit', 0), 'global_downstream_connection_limit must be positive');
  return errs;
}
