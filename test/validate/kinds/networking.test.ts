import { describe, expect, it } from 'vitest';
import { check, errorOf } from '../helpers.js';

const server = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  port: { number: 80, protocol: 'HTTP', name: 'http' },
  hosts: ['*/example.com'],
  ...extra,
});

describe('Gateway', () => {
  it('accepts a plain HTTP server and an HTTPS server with a credential', () => {
    const spec = { servers: [server(), { port: { number: 443, protocol: 'HTTPS', name: 'https' }, hosts: ['a.com'], tls: { mode: 'SIMPLE', credentialName: 'c' } }] };
    expect(check('Gateway', spec)).toEqual({ allowed: true, warnings: [] });
  });

  it('rejects duplicate port names, missing TLS and short host names', () => {
    expect(errorOf(check('Gateway', { servers: [server(), server()] }))).toBe('port names in servers must be unique: duplicate name http');
    expect(errorOf(check('Gateway', { servers: [{ port: { number: 443, protocol: 'HTTPS', name: 'h' }, hosts: ['a.com'] }] }))).toBe(
      'server must have TLS settings for HTTPS/TLS protocols',
    );
    expect(errorOf(check('Gateway', { servers: [server({ hosts: ['foo'] })] }))).toBe('short names (non FQDN) are not allowed');
    expect(errorOf(check('Gateway', { servers: [server({ hosts: [] })] }))).toBe('server config must contain at least one host');
  });

  it('checks ports, protocols and binds', () => {
    expect(errorOf(check('Gateway', { servers: [server({ port: { number: 80, protocol: 'FOO', name: 'x' } })] }))).toBe(
      'invalid protocol "FOO", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP',
    );
    expect(errorOf(check('Gateway', { servers: [server({ port: { number: 80, protocol: 'HTTP', name: 'x', targetPort: 8080 } })] }))).toBe(
      'targetPort has no impact on Gateways',
    );
    expect(errorOf(check('Gateway', { servers: [server({ bind: 'not-an-ip' })] }))).toBe('not-an-ip is not a valid IP');
    expect(check('Gateway', { servers: [server({ port: { number: 0, protocol: 'HTTP', name: 'uds' }, bind: 'unix:///var/run/gw.sock' })] }).allowed).toBe(true);
  });

  it('rejects TLS on plain HTTP unless passthrough without certificates (httpsRedirect)', () => {
    expect(check('Gateway', { servers: [server({ tls: { httpsRedirect: true } })] })).toEqual({ allowed: true, warnings: [] });
    expect(errorOf(check('Gateway', { servers: [server({ tls: { mode: 'SIMPLE', credentialName: 'x' } })] }))).toBe(
      'server cannot have TLS settings for plain text HTTP ports',
    );
  });

  it('implements the server TLS option rules and warnings', () => {
    const tlsServer = (tls: Record<string, unknown>): Record<string, unknown> => ({
      servers: [{ port: { number: 443, protocol: 'HTTPS', name: 'https' }, hosts: ['a.com'], tls }],
    });
    expect(errorOf(check('Gateway', tlsServer({ mode: 'MUTUAL', serverCertificate: 'c', privateKey: 'k' })))).toBe(
      'MUTUAL TLS requires a client CA bundle',
    );
    expect(errorOf(check('Gateway', tlsServer({ mode: 'SIMPLE' })))).toBe(
      '2 errors occurred:\n\t* SIMPLE TLS requires a server certificate\n\t* SIMPLE TLS requires a private key\n\n',
    );
    expect(errorOf(check('Gateway', tlsServer({ mode: 'ISTIO_MUTUAL', credentialName: 'x' })))).toBe(
      'ISTIO_MUTUAL TLS cannot have associated credentialName',
    );
    expect(errorOf(check('Gateway', tlsServer({ mode: 'SIMPLE', credentialName: 'a', credentialNames: ['b'] })))).toBe(
      'only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified',
    );
    expect(check('Gateway', tlsServer({ mode: 'PASSTHROUGH', credentialName: 'a' })).warnings).toEqual([
      'PASSTHROUGH mode does not use certificates, they will be ignored',
    ]);
    expect(check('Gateway', tlsServer({ mode: 'SIMPLE', credentialName: 'a', minProtocolVersion: 'TLSV1_1', cipherSuites: [] })).warnings).toEqual([
      'TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.',
    ]);
    expect(check('Gateway', tlsServer({ mode: 'SIMPLE', credentialName: 'a', cipherSuites: ['FOO', 'AES128-SHA', 'AES128-SHA'] })).warnings).toEqual([
      'ignoring invalid cipher suites: [FOO]',
      'ignoring duplicate cipher suites: [AES128-SHA]',
    ]);
    expect(errorOf(check('Gateway', tlsServer({ mode: 'SIMPLE', serverCertificate: 'c', privateKey: 'k', caCrl: 'crl' })))).toBe(
      'CRL is not supported with SIMPLE TLS',
    );
  });

  it('skips the name check under gateway semantics', () => {
    const spec = { servers: [server()] };
    expect(errorOf(check('Gateway', spec, { name: 'a.b' }))).toBe('invalid gateway name: "a.b"');
    expect(check('Gateway', spec, { name: 'a.b', annotations: { 'internal.istio.io/gateway-semantics': 'gateway' } }).allowed).toBe(true);
  });
});

describe('DestinationRule', () => {
  it('accepts a rule with subsets and traffic policy', () => {
    const spec = {
      host: 'reviews',
      trafficPolicy: { connectionPool: { tcp: { maxConnections: 10, connectTimeout: '1.5s' } }, loadBalancer: { simple: 'ROUND_ROBIN' } },
      subsets: [{ name: 'v1', labels: { version: 'v1' } }],
    };
    expect(check('DestinationRule', spec)).toEqual({ allowed: true, warnings: [] });
  });

  it('rejects empty traffic policies, duplicate and bad subsets', () => {
    expect(errorOf(check('DestinationRule', { host: 'r', trafficPolicy: {} }))).toBe('traffic policy must have at least one field');
    expect(errorOf(check('DestinationRule', { host: 'r', subsets: [{ name: 'a' }, { name: 'a' }] }))).toBe('duplicate subset names: a');
    expect(errorOf(check('DestinationRule', { host: 'r', subsets: [{ name: 'Bad_Name' }] }))).toBe('subset name is invalid: Bad_Name');
    expect(errorOf(check('DestinationRule', { host: 'r', subsets: [{ name: 'a', labels: { k: 'bad value' } }] }))).toBe(
      '1 error occurred:\n\t* invalid tag value: "bad value"\n\n',
    );
  });

  it('checks connection pool, outlier detection and durations', () => {
    expect(errorOf(check('DestinationRule', { host: 'r', trafficPolicy: { connectionPool: {} } }))).toBe('connection pool must have at least one field');
    expect(errorOf(check('DestinationRule', { host: 'r', trafficPolicy: { connectionPool: { http: { maxRetries: -1 } } } }))).toBe(
      'max retries must be non-negative',
    );
    expect(errorOf(check('DestinationRule', { host: 'r', trafficPolicy: { outlierDetection: { interval: '500us' } } }))).toBe(
      'duration must be greater than 1ms',
    );
    expect(errorOf(check('DestinationRule', { host: 'r', trafficPolicy: { outlierDetection: { maxEjectionPercent: 101 } } }))).toBe(
      'percentage 101 is not in range 0..100',
    );
    expect(check('DestinationRule', { host: 'r', trafficPolicy: { outlierDetection: { consecutiveErrors: 5 } } }).warnings).toEqual([
      'outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead',
    ]);
    expect(check('DestinationRule', { host: 'r', trafficPolicy: { connectionPool: { tcp: { idleTimeout: '0s' } } } }).allowed).toBe(true);
  });

  it('checks load balancer settings', () => {
    const lb = (loadBalancer: unknown): unknown => ({ host: 'r', trafficPolicy: { loadBalancer } });
    expect(errorOf(check('DestinationRule', lb({ consistentHash: { maglev: { tableSize: 65535 } } })))).toBe('tableSize must be a prime number for maglev');
    expect(errorOf(check('DestinationRule', lb({ consistentHash: { httpCookie: { ttl: '1s' } } })))).toBe('name required for HttpCookie');
    expect(errorOf(check('DestinationRule', lb({ localityLbSetting: { distribute: [{ from: 'a', to: { 'b/*': 50 } }] } })))).toBe(
      'total locality weight 50 != 100',
    );
    expect(check('DestinationRule', lb({ localityLbSetting: { failover: [{ from: 'a', to: 'b' }] } })).warnings).toEqual([
      'outlier detection policy must be provided for failover',
    ]);
    expect(errorOf(check('DestinationRule', lb({ localityLbSetting: { failover: [{ from: 'a', to: 'a' }] } })))).toBe(
      'locality lb failover settings must specify different regions',
    );
    expect(errorOf(check('DestinationRule', lb({ warmup: { minimumPercent: 101 } })))).toBe(
      '2 errors occurred:\n\t* duration is required\n\t* minimumPercent value should be less than or equal to 100\n\n',
    );
  });

  it('sees an empty list as unset, like Istio after jsonpb decoding', () => {
    expect(errorOf(check('DestinationRule', { host: 'r', trafficPolicy: { portLevelSettings: [] } }))).toBe('traffic policy must have at least one field');
    expect(check('ServiceEntry', { hosts: ['a.com'], workloadSelector: { labels: { a: 'b' } }, endpoints: [], resolution: 'DNS' }).allowed).toBe(true);
  });

  it('decodes enum fields no rule reads, as jsonpb would', () => {
    expect(check('DestinationRule', { host: 'r', trafficPolicy: { loadBalancer: { simple: 'FASTEST' } } }).reason).toBe('crd_conversion_error');
    expect(check('DestinationRule', { host: 'r', trafficPolicy: { loadBalancer: { simple: 4 } } }).allowed).toBe(true);
    expect(check('ServiceEntry', { hosts: ['a.com'], location: 'NOWHERE' }).reason).toBe('crd_conversion_error');
  });

  it('checks client TLS and tunnel settings', () => {
    const tls = (t: unknown): unknown => ({ host: 'r', trafficPolicy: { tls: t } });
    expect(errorOf(check('DestinationRule', tls({ mode: 'MUTUAL' })))).toBe(
      '2 errors occurred:\n\t* client certificate required for mutual tls\n\t* private key required for mutual tls\n\n',
    );
    expect(errorOf(check('DestinationRule', tls({ mode: 'SIMPLE', credentialName: 'c', caCertificates: 'x' })))).toBe(
      'cannot specify client certificates or CA certificate or CA CRL If credentialName is set',
    );
    expect(errorOf(check('DestinationRule', tls({ mode: 'SIMPLE', credentialName: 'configmap://other/x' })))).toBe(
      'invalid configmap:// credentialName: namespace must match the configuration namespace "ns"',
    );
    expect(errorOf(check('DestinationRule', { host: 'r', trafficPolicy: { tunnel: { protocol: 'GET', targetHost: '1.1.1.1', targetPort: 80 } } }))).toBe(
      'tunnel protocol must be "CONNECT" or "POST"',
    );
  });

  it('checks exportTo against the workload selector', () => {
    expect(errorOf(check('DestinationRule', { host: 'r', exportTo: ['*'], workloadSelector: { matchLabels: { app: 'a' } } }))).toBe(
      'destination rule with workload selector cannot have exportTo beyond current namespace',
    );
    expect(check('DestinationRule', { host: 'r', workloadSelector: {} }).warnings).toEqual(['workload selector specified without labels']);
  });
});

describe('ServiceEntry', () => {
  it('accepts DNS and STATIC entries', () => {
    expect(check('ServiceEntry', { hosts: ['api.example.com'], ports: [{ number: 443, name: 'https', protocol: 'TLS' }], resolution: 'DNS' })).toEqual({
      allowed: true,
      warnings: [],
    });
    const stat = { hosts: ['db.internal'], ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }], resolution: 'STATIC', endpoints: [{ address: '10.0.0.1' }] };
    expect(check('ServiceEntry', stat).allowed).toBe(true);
  });

  it('rejects bad hosts, duplicate ports, bad endpoints', () => {
    expect(errorOf(check('ServiceEntry', { hosts: ['*'] }))).toBe('invalid host *');
    expect(errorOf(check('ServiceEntry', { hosts: [] }))).toBe('service entry must have at least one host');
    expect(errorOf(check('ServiceEntry', { hosts: ['a.com'], ports: [{ number: 80, name: 'a' }, { number: 80, name: 'a' }] }))).toBe(
      '2 errors occurred:\n\t* service entry port name "a" already defined\n\t* service entry port 80 already defined\n\n',
    );
    const stat = { hosts: ['a.com'], ports: [{ number: 80, name: 'http' }], resolution: 'STATIC', endpoints: [{ address: 'foo.com' }] };
    expect(errorOf(check('ServiceEntry', stat))).toBe('endpoint address "foo.com" is not a valid IP address');
    expect(errorOf(check('ServiceEntry', { hosts: ['a.com'], endpoints: [{ address: '1.1.1.1' }] }))).toBe(
      'no endpoints should be provided for resolution type none',
    );
    expect(errorOf(check('ServiceEntry', { hosts: ['a.com'], addresses: ['10.0.0.0/8'], resolution: 'DNS' }))).toBe(
      'CIDR addresses are allowed only for NONE/STATIC resolution types',
    );
    expect(errorOf(check('ServiceEntry', { hosts: ['a.com', 'b.com'], ports: [{ number: 1, name: 'tcp', protocol: 'TCP' }], resolution: 'DNS' }))).toBe(
      'multiple hosts provided with non-HTTP, non-TLS ports',
    );
  });

  it('checks DYNAMIC_DNS rules', () => {
    const spec = { hosts: ['a.com'], ports: [{ number: 1, name: 'tcp', protocol: 'TCP' }], resolution: 'DYNAMIC_DNS' };
    expect(errorOf(check('ServiceEntry', spec))).toBe(
      '2 errors occurred:\n\t* host must be wildcarded for resolution mode DYNAMIC_DNS\n\t* only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution type DYNAMIC_DNS\n\n',
    );
    expect(check('ServiceEntry', { hosts: ['*.a.com'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'DYNAMIC_DNS' }).allowed).toBe(true);
  });

  it('warns about partial wildcards, selectors without labels and missing addresses', () => {
    expect(check('ServiceEntry', { hosts: ['*a.com'] }).warnings).toEqual(['partial wildcard "*a.com" not allowed']);
    expect(check('ServiceEntry', { hosts: ['a.com'], workloadSelector: {} }).warnings).toEqual([
      'service entry: workload selector specified without labels, will be applied to all services in namespace',
      'workloadSelector should not be set when resolution mode is NONE',
    ]);
    expect(check('ServiceEntry', { hosts: ['a.com'], ports: [{ number: 1, name: 'tcp' }] }).warnings).toEqual([
      'addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled',
    ]);
    expect(errorOf(check('ServiceEntry', { hosts: ['a.com'], workloadSelector: { labels: { '': 'x' } } }))).toBe(
      'empty key is not supported in selector: "=x"',
    );
  });
});

describe('Sidecar', () => {
  it('accepts egress and ingress listeners', () => {
    const spec = {
      ingress: [{ port: { number: 9080, protocol: 'HTTP', name: 'http' }, defaultEndpoint: '127.0.0.1:8080' }],
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
    };
    expect(check('Sidecar', spec)).toEqual({ allowed: true, warnings: [] });
  });

  it('rejects an empty sidecar and bad listeners', () => {
    expect(errorOf(check('Sidecar', {}))).toBe('sidecar: empty configuration provided');
    expect(errorOf(check('Sidecar', { egress: [{ hosts: [] }] }))).toBe('sidecar: egress listener must contain at least one host');
    expect(errorOf(check('Sidecar', { egress: [{ hosts: ['*/*'] }, { hosts: ['*/*'] }] }))).toBe(
      'sidecar: the egress listener with empty port should be the last listener in the list',
    );
    expect(errorOf(check('Sidecar', { ingress: [{ port: { number: 80, protocol: 'HTTP', name: 'a' }, defaultEndpoint: '1.2.3.4:80' }] }))).toBe(
      'sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset',
    );
    expect(errorOf(check('Sidecar', { ingress: [{ port: { number: 80, protocol: 'HTTP', name: 'a' }, defaultEndpoint: 'nope' }] }))).toBe(
      '2 errors occurred:\n\t* address nope: missing port in address\n\t* sidecar: defaultEndpoint port () is not a number: strconv.Atoi: parsing "": invalid syntax\n\n',
    );
    expect(errorOf(check('Sidecar', { egress: [{ port: { number: 0 }, hosts: ['*/*'] }] }))).toBe(
      'sidecar: ports with 0 value must have a unix domain socket bind address',
    );
    // MeshConfig's value 3 only exists as a number in the Sidecar enum; the name is a decode error
    expect(errorOf(check('Sidecar', { outboundTrafficPolicy: { mode: 3 } }))).toBe(
      'sidecar: ALLOW_ANY_DYNAMIC_DNS mode is only supported in MeshConfig, not in Sidecar resource',
    );
    expect(check('Sidecar', { outboundTrafficPolicy: { mode: 'ALLOW_ANY_DYNAMIC_DNS' } }).message).toBe(
      'error decoding configuration: unknown value "\\"ALLOW_ANY_DYNAMIC_DNS\\"" for enum istio.networking.v1alpha3.OutboundTrafficPolicy.Mode',
    );
    expect(errorOf(check('Sidecar', { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY', egressProxy: { host: 'a.com' } } }))).toBe(
      'sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode',
    );
  });

  it('checks ingress TLS', () => {
    const spec = { ingress: [{ port: { number: 443, protocol: 'HTTP', name: 'a' }, tls: { mode: 'ISTIO_MUTUAL' } }] };
    expect(errorOf(check('Sidecar', spec))).toBe(
      '2 errors occurred:\n\t* configuration is invalid: cannot set mode to ISTIO_MUTUAL in sidecar ingress tls\n\t* server cannot have TLS settings for non HTTPS/TLS ports\n\n',
    );
  });

  it('warns about duplicate egress hosts, */* with others, and HTTP pools on TCP ports', () => {
    expect(check('Sidecar', { egress: [{ hosts: ['ns/a.com', 'ns/a.com'] }] }).warnings).toEqual(['duplicated egress host: ns/a.com']);
    expect(check('Sidecar', { egress: [{ hosts: ['*/*', 'ns/a.com'] }] }).warnings).toEqual([
      '`*/*` host select all resources, no other hosts can be added',
    ]);
    const pool = { ingress: [{ port: { number: 9000, protocol: 'TCP', name: 'tcp' }, connectionPool: { http: { maxRetries: 1 } } }] };
    expect(check('Sidecar', pool).warnings).toEqual([
      'sidecar: HTTP connection pool settings are configured for port 9000 ("tcp") but its protocol is not HTTP (TCP); only TCP settings will apply',
    ]);
    expect(check('Sidecar', { workloadSelector: { labels: {} }, egress: [{ hosts: ['*/*'] }] }).warnings).toEqual([
      'sidecar: workload selector specified without labels, will be applied to all services in namespace',
    ]);
  });
});

describe('VirtualService', () => {
  const route = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ route: [{ destination: { host: 'r' } }], ...extra });

  it('accepts a routed VS and a delegate VS', () => {
    expect(check('VirtualService', { hosts: ['r'], http: [route()] })).toEqual({ allowed: true, warnings: [] });
    expect(check('VirtualService', { http: [route()] }).allowed).toBe(true);
  });

  it('enforces delegate and root rules', () => {
    expect(errorOf(check('VirtualService', { gateways: ['ns/gw'], http: [route()] }))).toBe('delegate virtual service must have no gateways specified');
    expect(errorOf(check('VirtualService', { hosts: ['r'], http: [route({ delegate: { name: 'd' } })] }))).toBe('root HTTP route  must not specify route');
    expect(errorOf(check('VirtualService', { http: [{ delegate: { name: 'd' }, route: [{ destination: { host: 'r' } }] }] }))).toBe(
      'delegate HTTP route cannot contain delegate',
    );
  });

  it('rejects mesh wildcard hosts, duplicates, missing routes', () => {
    expect(errorOf(check('VirtualService', { hosts: ['*'], http: [route()] }))).toBe(
      'wildcard host * is not allowed for virtual services bound to the mesh gateway',
    );
    expect(check('VirtualService', { hosts: ['*'], gateways: ['ns/gw'], http: [route()] }).allowed).toBe(true);
    expect(errorOf(check('VirtualService', { hosts: ['*.a.com', 'b.a.com'], http: [route()] }))).toBe(
      'duplicate hosts in virtual service: *.a.com & b.a.com',
    );
    expect(errorOf(check('VirtualService', { hosts: ['r'] }))).toBe('http, tcp or tls must be provided in virtual service');
    expect(errorOf(check('VirtualService', { hosts: ['r'], http: [{}] }))).toBe('HTTP route, redirect or direct_response is required');
  });

  it('checks gateway names and warns on the legacy format', () => {
    expect(errorOf(check('VirtualService', { hosts: ['r'], gateways: ['/gw'], http: [route()] }))).toBe(
      '2 errors occurred:\n\t* config namespace and gateway name cannot be empty\n\t* invalid value for namespace: ""\n\n',
    );
    expect(check('VirtualService', { hosts: ['r.com'], gateways: ['gw.ns'], http: [route()] }).warnings).toEqual([
      'using legacy gatewayName format "gw.ns"; prefer the <namespace>/<name> format: "ns/gw"',
    ]);
  });

  it('rejects JWT claim routing on mesh-bound services', () => {
    const spec = { hosts: ['r'], http: [route({ match: [{ headers: { '@request.auth.claims.sub': { exact: 'x' } } }] })] };
    expect(errorOf(check('VirtualService', spec))).toBe(
      'JWT claim based routing (key: @request.auth.claims.sub) is only supported for gateway, found no gateways: []',
    );
    expect(check('VirtualService', { ...spec, gateways: ['ns/gw'] }).allowed).toBe(true);
  });

  it('checks matches, regexes and header operations', () => {
    const m = (match: unknown): unknown => ({ hosts: ['r'], http: [route({ match: [match] })] });
    expect(errorOf(check('VirtualService', m({ uri: { regex: '(a' } })))).toBe(
      '"uri": error parsing regexp: missing closing ): `(a`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)',
    );
    expect(errorOf(check('VirtualService', m({ method: { prefix: '' } })))).toBe('"method": prefix string match should not be empty');
    expect(errorOf(check('VirtualService', m({ headers: { 'bad header': { exact: 'x' } } })))).toBe('header name bad header is not a valid header name');
    expect(check('VirtualService', m({ withoutHeaders: { x: { regex: '*' } } })).allowed).toBe(true);
    expect(check('VirtualService', m({ headers: { x: null } })).allowed).toBe(true);
    expect(errorOf(check('VirtualService', m({ uri: { regex: 'a'.repeat(1025) } })))).toBe('"uri": regex is too large, max length allowed is 1024');
    const hdr = { hosts: ['r'], http: [route({ headers: { request: { set: { ':path': '/x' } }, response: { remove: ['Host'] } } })] };
    expect(errorOf(check('VirtualService', hdr))).toBe(
      '2 errors occurred:\n\t* invalid header ":path": header cannot have ":" prefix\n\t* invalid header "Host": cannot set Host header\n\n',
    );
    const authority = { hosts: ['r'], http: [route({ rewrite: { authority: 'a' }, headers: { request: { set: { host: 'b' } } } })] };
    expect(errorOf(check('VirtualService', authority))).toBe('authority header cannot be set multiple times: have "a", attempting to set "b"');
  });

  it('checks redirect, direct response, fault, retries, rewrite, mirrors', () => {
    const h = (r: unknown): unknown => ({ hosts: ['r'], http: [r] });
    expect(errorOf(check('VirtualService', h({ redirect: {} })))).toBe('redirect must specify URI, authority, scheme, or port');
    expect(errorOf(check('VirtualService', h({ redirect: { uri: '/a', redirectCode: 200 } })))).toBe('200 is not a valid redirect code, must be 3xx');
    expect(errorOf(check('VirtualService', h({ directResponse: { status: 700 } })))).toBe('HTTP status 700 is not in range 200-599');
    expect(check('VirtualService', h({ directResponse: { status: 200, body: { string: 'x'.repeat(200 * 1024) } } })).warnings).toEqual([
      'large direct_responses may impact control plane performance',
    ]);
    expect(errorOf(check('VirtualService', h(route({ fault: {} }))))).toBe(
      '1 error occurred:\n\t* HTTP fault injection must have an abort and/or a delay\n\n',
    );
    expect(errorOf(check('VirtualService', h(route({ fault: { abort: { grpcStatus: 'NOPE' } } }))))).toMatch(/^gRPC status "NOPE" is not supported/);
    expect(errorOf(check('VirtualService', h(route({ retries: { attempts: 0, retryOn: '5xx' } }))))).toBe(
      'http retry policy configured when attempts are set to 0 (disabled)',
    );
    expect(errorOf(check('VirtualService', h(route({ retries: { attempts: 2, retryOn: '5xx,bogus,503' } }))))).toBe('"bogus" is not a valid retryOn policy');
    expect(errorOf(check('VirtualService', h(route({ rewrite: {} }))))).toBe(
      'rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified',
    );
    expect(errorOf(check('VirtualService', h(route({ rewrite: { uriRegexRewrite: { match: 'a' } } }))))).toBe(
      'UriRegexRewrite has errors\nUriRegexRewrite requires both Rewrite and Match fields to be specified',
    );
    expect(errorOf(check('VirtualService', h(route({ mirror: { host: 'm' }, mirrors: [{ destination: { host: 'm' } }] }))))).toBe(
      'HTTP route cannot contain both mirror and mirrors',
    );
    expect(check('VirtualService', h(route({ mirrorPercent: 50 }))).warnings).toEqual([
      'using deprecated setting "mirrorPercent", use "mirrorPercentage" instead',
    ]);
  });

  it('checks destinations and weights', () => {
    expect(errorOf(check('VirtualService', { hosts: ['r'], http: [{ route: [{ weight: 1 }] }] }))).toBe('1 error occurred:\n\t* destination is required\n\n');
    expect(errorOf(check('VirtualService', { hosts: ['r'], http: [{ route: [{ destination: { host: '*' } }] }] }))).toBe('invalid destination host *');
    const zero = { hosts: ['r'], http: [{ route: [{ destination: { host: 'a' } }, { destination: { host: 'b' } }] }] };
    expect(errorOf(check('VirtualService', zero))).toBe('total destination weight = 0');
  });

  it('checks TLS and TCP routes', () => {
    const tls = (sni: string): unknown => ({ hosts: ['*.a.com'], gateways: ['ns/gw'], tls: [{ match: [{ sniHosts: [sni] }], route: [{ destination: { host: 'x' } }] }] });
    expect(check('VirtualService', tls('b.a.com')).allowed).toBe(true);
    expect(errorOf(check('VirtualService', tls('b.other.com')))).toBe(
      'SNI host "b.other.com" is not a compatible subset of any of the virtual service hosts: [*.a.com]',
    );
    expect(check('VirtualService', tls('1.2.3.4')).warnings).toEqual([
      'using an IP address ("1.2.3.4") goes against SNI spec and most clients do not support this',
    ]);
    expect(errorOf(check('VirtualService', { hosts: ['r'], tcp: [{ match: [{ destinationSubnets: ['1.2.3.4/40'] }] }] }))).toBe(
      '2 errors occurred:\n\t* 1.2.3.4/40 is not a valid CIDR block\n\t* TCP route is required\n\n',
    );
  });

  it('warns about unreachable and overlapping rules', () => {
    const spec = {
      hosts: ['r'],
      http: [
        route({ match: [{ uri: { prefix: '/a' } }] }),
        route({ match: [{ uri: { prefix: '/a' }, name: 'dup' }] }),
        route(),
        route(),
      ],
    };
    expect(check('VirtualService', spec).warnings).toEqual([
      'virtualService rule #1 match "dup" is not used (duplicate/overlapping match in rule #0)',
      'virtualService rule #1 not used (all matches used by prior rules)',
      'virtualService rule #3 not used (only the last rule can have no matches)',
    ]);
    // a present-but-empty message differs from an absent one (Go keeps `{}` for a set pointer)
    const emptyUri = { hosts: ['r'], http: [route({ match: [{ uri: {} }] }), route({ match: [{}] }), route({ match: [{ headers: {} }] })] };
    expect(check('VirtualService', emptyUri).warnings).toEqual([
      'virtualService rule #2 match #0 is not used (duplicate/overlapping match in rule #1)',
      'virtualService rule #2 not used (all matches used by prior rules)',
    ]);
    const overlap = { hosts: ['r'], http: [route({ match: [{ uri: { prefix: '/api' } }] }), route({ match: [{ uri: { prefix: '/api/v1' } }] })] };
    expect(check('VirtualService', overlap).warnings).toEqual([
      'virtualService rule #1 match #0 of prefix /api/v1 is not used (duplicate/overlapping match in rule #0 of prefix /api on #0)',
    ]);
  });
});
