/**
 * Just enough of Istio's mesh protos (istio.io/api mesh/v1alpha1) to decode them the way jsonpb does
 * (camelCase or snake_case names) and to print them the way jsonpb does (declaration order,
 * zero scalars omitted, wrappers printed when set). Only fields listed here are known; the rest of a
 * document is kept as given and printed after the known fields.
 */
export type ProtoKind =
  | 'string'
  | 'int' // int32/uint32/int64 as a JSON number (int64 would print as a string; none are used here)
  | 'bool'
  | 'enum'
  | 'duration'
  | 'wrapper' // google.protobuf.{Bool,Int32,...}Value: printed even when zero, if set
  | 'message'
  | 'map'
  | 'repeated';

export interface ProtoField {
  json: string;
  /** snake_case proto name, also accepted on input */
  proto: string;
  kind: ProtoKind;
  /** zero value of an enum: its name */
  enumZero?: string;
  /** nested message descriptor, by name in PROTO_MESSAGES */
  message?: string;
}

function f(proto: string, kind: ProtoKind, extra: Partial<ProtoField> = {}): ProtoField {
  const json = proto.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  return { json, proto, kind, ...extra };
}

/** ProxyConfig in declaration order (the oneof cluster_name sits where service_cluster is declared). */
export const PROXY_CONFIG_FIELDS: readonly ProtoField[] = [
  f('config_path', 'string'),
  f('binary_path', 'string'),
  f('service_cluster', 'string'),
  f('tracing_service_name', 'enum', { enumZero: 'APP_LABEL_AND_NAMESPACE' }),
  f('drain_duration', 'duration'),
  f('discovery_address', 'string'),
  f('discovery_refresh_delay', 'duration'),
  f('zipkin_address', 'string'),
  f('statsd_udp_address', 'string'),
  f('envoy_metrics_service_address', 'string'),
  f('proxy_admin_port', 'int'),
  f('availability_zone', 'string'),
  f('control_plane_auth_policy', 'enum', { enumZero: 'NONE' }),
  f('custom_config_file', 'string'),
  f('stat_name_length', 'int'),
  f('concurrency', 'wrapper'),
  f('proxy_bootstrap_template_path', 'string'),
  f('interception_mode', 'enum', { enumZero: 'REDIRECT' }),
  f('tracing', 'message', { message: 'Tracing' }),
  f('sds', 'message'),
  f('envoy_access_log_service', 'message'),
  f('envoy_metrics_service', 'message'),
  f('proxy_metadata', 'map'),
  f('runtime_values', 'map'),
  f('status_port', 'int'),
  f('extra_stat_tags', 'repeated'),
  f('gateway_topology', 'message'),
  f('termination_drain_duration', 'duration'),
  f('mesh_id', 'string'),
  f('readiness_probe', 'message'),
  f('proxy_stats_matcher', 'message'),
  f('hold_application_until_proxy_starts', 'wrapper'),
  f('ca_certificates_pem', 'repeated'),
  f('image', 'message'),
  f('private_key_provider', 'message'),
  f('proxy_headers', 'message'),
  f('file_flush_interval', 'duration'),
  f('file_flush_min_size_kb', 'int'),
  f('stats_compression', 'wrapper'),
  f('connection_settings', 'message'),
];

export const TRACING_FIELDS: readonly ProtoField[] = [
  f('zipkin', 'message'),
  f('lightstep', 'message'),
  f('datadog', 'message'),
  f('stackdriver', 'message'),
  f('open_census_agent', 'message'),
  f('custom_tags', 'map'),
  f('max_path_tag_length', 'int'),
  f('sampling', 'int'),
  f('tls_settings', 'message', { message: 'ClientTLSSettings' }),
  f('enable_istio_tags', 'wrapper'),
];

export const CLIENT_TLS_FIELDS: readonly ProtoField[] = [
  f('mode', 'enum', { enumZero: 'DISABLE' }),
  f('client_certificate', 'string'),
  f('private_key', 'string'),
  f('ca_certificates', 'string'),
  f('credential_name', 'string'),
  f('subject_alt_names', 'repeated'),
  f('sni', 'string'),
  f('insecure_skip_verify', 'wrapper'),
  f('ca_crl', 'string'),
];

export const PROTO_MESSAGES: Readonly<Record<string, readonly ProtoField[]>> = {
  ProxyConfig: PROXY_CONFIG_FIELDS,
  Tracing: TRACING_FIELDS,
  ClientTLSSettings: CLIENT_TLS_FIELDS,
};

const BY_NAME = new Map<readonly ProtoField[], Map<string, ProtoField>>();
export function fieldByName(fields: readonly ProtoField[], name: string): ProtoField | undefined {
  let m = BY_NAME.get(fields);
  if (!m) {
    m = new Map();
    for (const fd of fields) {
      m.set(fd.json, fd);
      m.set(fd.proto, fd);
    }
    BY_NAME.set(fields, m);
  }
  return m.get(name);
}

/**
 * A message as jsonpb with AllowUnknownFields decodes it (Istio's protomarshal.ApplyJSON retries that
 * way when the strict decode fails): snake_case keys renamed to camelCase, and keys that are no field
 * of the message dropped, recursively through the messages this file describes.
 */
export function canonicalProtoKeys(fields: readonly ProtoField[], value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const fd = fieldByName(fields, k);
    if (!fd) continue;
    const nested = fd.message ? PROTO_MESSAGES[fd.message] : undefined;
    out[fd.json] = nested && isPlainObject(v) ? canonicalProtoKeys(nested, v) : v;
  }
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * jsonpb output: known fields in declaration order, proto3 zero scalars omitted, `null` omitted,
 * wrappers printed when present, map keys sorted; unknown extras after, as given.
 */
export function protoJson(fields: readonly ProtoField[], value: Record<string, unknown>): string {
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const fd of fields) {
    seen.add(fd.json);
    const v = value[fd.json];
    if (v === undefined || v === null) continue;
    switch (fd.kind) {
      case 'string':
        if (v === '') continue;
        break;
      case 'int':
        if (v === 0) continue;
        break;
      case 'bool':
        if (v === false) continue;
        break;
      case 'enum':
        if (v === fd.enumZero || v === 0) continue;
        break;
      case 'map':
      case 'repeated':
        if ((Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0)) continue;
        break;
      default:
        break;
    }
    let rendered: string;
    const nested = fd.message ? PROTO_MESSAGES[fd.message] : undefined;
    if (nested && isPlainObject(v)) rendered = protoJson(nested, v);
    else if (fd.kind === 'map' && isPlainObject(v)) rendered = sortedJson(v);
    else rendered = JSON.stringify(v);
    parts.push(`${JSON.stringify(fd.json)}:${rendered}`);
  }
  for (const [k, v] of Object.entries(value)) {
    if (seen.has(k) || v === undefined || v === null) continue;
    parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
  }
  return `{${parts.join(',')}}`;
}

function sortedJson(v: Record<string, unknown>): string {
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(v[k])}`)
    .join(',')}}`;
}
