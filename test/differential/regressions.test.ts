import jsonpatch, { type Operation } from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { readRawConfigDir } from '../../src/config/dir-source.js';
import { compileInjectionSettings } from '../../src/inject/engine.js';
import { injectAdmission } from '../../src/inject/webhook.js';

/** Differences the Istio differential found, fixed in our engine; each pins Istio's answer. */
const settings = compileInjectionSettings(readRawConfigDir(resolve(import.meta.dirname, '../../templates')));

function deny(annotations: Record<string, string>): string | undefined {
  const object = { metadata: { name: 'web', namespace: 'shop', annotations }, spec: { containers: [{ name: 'web', image: 'nginx' }] } };
  const d = injectAdmission(settings, { uid: 'u', namespace: 'shop', object }, '/inject');
  expect(d.allowed).toBe(false);
  return d.message;
}

/** The PROXY_CONFIG env our webhook gives a pod with these annotations (the pod must be injected). */
function proxyConfigEnv(annotations: Record<string, string>): string {
  const object = { metadata: { name: 'web', namespace: 'shop', annotations }, spec: { containers: [{ name: 'web', image: 'nginx' }] } };
  const d = injectAdmission(settings, { uid: 'u', namespace: 'shop', object }, '/inject');
  expect(d.allowed).toBe(true);
  const pod = jsonpatch.applyPatch(structuredClone(object), structuredClone(d.patch) as Operation[], true, false).newDocument as {
    spec: { containers?: Array<{ name: string; env?: Array<{ name: string; value?: string }> }>; initContainers?: Array<{ name: string; env?: Array<{ name: string; value?: string }> }> };
  };
  const proxy = [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])].find((c) => c.name === 'istio-proxy');
  return proxy?.env?.find((e) => e.name === 'PROXY_CONFIG')?.value ?? '';
}

describe('differential regressions (inject-s1-00010, inject-s1-00042)', () => {
  it('an unknown template in inject.istio.io/templates is a template-run error, as injectPod wraps it', () => {
    expect(deny({ 'inject.istio.io/templates': 'nope' })).toMatch(/^failed to run injection template: requested template "nope" not found; have /);
  });

  it('a post-processing error (unusable prometheus.io/port) carries injectPod\'s "failed to process pod: " prefix', () => {
    expect(deny({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': 'x' })).toBe('failed to process pod: invalid prometheus scrape configuration: invalid port "x"');
  });
});

describe('differential regressions (validate-s42-00611, TrafficExtension phase)', () => {
  it('a Gateway selector value that is not a string is a decode error, as Istio decodes the whole spec', async () => {
    const { validateObject } = await import('../../src/validate/webhook.js');
    const gw = (selector: Record<string, unknown>) => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'default' },
      spec: { selector, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
    });
    expect(validateObject(gw({ istio: 'ingressgateway' })).allowed).toBe(true);
    expect(validateObject(gw({ istio: 0 })).message).toBe('error decoding configuration: json: cannot unmarshal number into Go value of type string');
  });

  it("an unknown TrafficExtension phase names Istio's enum TrafficExtension.ExecutionPhase", async () => {
    const { validateObject } = await import('../../src/validate/webhook.js');
    const te = { apiVersion: 'extensions.istio.io/v1alpha1', kind: 'TrafficExtension', metadata: { name: 't', namespace: 'default' }, spec: { phase: 'NOPE' } };
    expect(validateObject(te).message).toContain('for enum istio.extensions.v1alpha1.TrafficExtension.ExecutionPhase');
  });
});

describe('differential regressions (kube-inject: YAML 1.1 scalars in string fields)', () => {
  it('reads an unquoted yes/no/number in a string field as the text sigs.k8s.io/yaml makes of it, as istioctl does', async () => {
    const { kubeInject } = await import('../../src/inject/kube-inject.js');
    const kiSettings = compileInjectionSettings(readRawConfigDir(resolve(import.meta.dirname, '../../templates')), { revision: '', env: {} });
    const pod = [
      'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: web', '  annotations:', '    note: no', '    ratio: 1.10',
      'spec:', '  containers:', '  - name: app', '    image: nginx', '    env:', '    - name: FLAG', '      value: yes', '',
    ].join('\n');
    const out = kubeInject(kiSettings, pod).output;
    expect(out).toContain('    note: "false"\n');
    expect(out).toContain('    ratio: "1.1"\n');
    expect(out).toMatch(/- name: FLAG\n {6}value: "true"\n/);
  });
});

describe('differential regressions (proxy.istio.io/config with fields ProxyConfig lacks)', () => {
  it('drops them from PROXY_CONFIG, as jsonpb with AllowUnknownFields does, and keeps the known ones', () => {
    const value = proxyConfigEnv({ 'proxy.istio.io/config': 'concurrency: 3\nunknownField: 1\ntracing:\n  sampling: 50\n  bogus: true\n' });
    expect(JSON.parse(value)).toMatchObject({ concurrency: 3, tracing: { sampling: 50 } });
    expect(value).not.toContain('unknownField');
    expect(value).not.toContain('bogus');
  });
});

describe('differential regressions (unparsable proxy.istio.io/config on a pod that is not injected)', () => {
  const annotations = { 'sidecar.istio.io/inject': 'false', 'proxy.istio.io/config': 'not: [valid' };

  it('fails kube-inject, which applies the annotation before the injection decision', async () => {
    const { kubeInject } = await import('../../src/inject/kube-inject.js');
    const kiSettings = compileInjectionSettings(readRawConfigDir(resolve(import.meta.dirname, '../../templates')), { revision: '', env: {} });
    const pod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations: ${JSON.stringify(annotations)}\nspec:\n  containers:\n  - name: app\n    image: nginx\n`;
    expect(() => kubeInject(kiSettings, pod)).toThrow(/^could not parse proxy config: /);
  });

  it('is skipped by the webhook, as istiod only reads the annotation for pods it injects', () => {
    const object = { metadata: { name: 'web', namespace: 'shop', annotations }, spec: { containers: [{ name: 'web', image: 'nginx' }] } };
    const d = injectAdmission(settings, { uid: 'u', namespace: 'shop', object }, '/inject');
    expect(d.allowed).toBe(true);
    expect(d.patch).toBeUndefined();
  });
});

describe('differential regressions (validate: WasmPlugin url "regex[")', () => {
  it("denies it as Go's url.ParseRequestURI does ('[' past the host's start is no IP-literal)", async () => {
    const { validateObject } = await import('../../src/validate/webhook.js');
    const wasm = (url: string) => ({ apiVersion: 'extensions.istio.io/v1alpha1', kind: 'WasmPlugin', metadata: { name: 'w', namespace: 'default' }, spec: { url } });
    expect(validateObject(wasm('oci://ghcr.io/x/y:1')).allowed).toBe(true);
    expect(validateObject(wasm('regex['))).toMatchObject({ allowed: false, message: 'configuration is invalid: failed to parse url: parse "regex[": invalid URI for request' });
  });
});

describe('differential regressions (kube-inject decode error texts)', () => {
  it("carries sigs.k8s.io/yaml's prefix and names a promoted field through its embedded struct, as istioctl prints", async () => {
    const { kubeInject } = await import('../../src/inject/kube-inject.js');
    const kiSettings = compileInjectionSettings(readRawConfigDir(resolve(import.meta.dirname, '../../templates')), { revision: '', env: {} });
    const pod = (probe: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: app\n    image: nginx\n    readinessProbe: ${probe}\n`;
    // Probe embeds ProbeHandler: sigs.k8s.io/yaml does not convert below it, and Go names it in the path.
    expect(() => kubeInject(kiSettings, pod('{httpGet: {path: yes, port: 80}}'))).toThrow(
      'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal bool into Go struct field HTTPGetAction.spec.containers.readinessProbe.ProbeHandler.httpGet.path of type string',
    );
    expect(() => kubeInject(kiSettings, pod('{httpGet: {path: "/x", port: 80'))).toThrow(/^error converting YAML to JSON: yaml: line \d+: /);
  });
});

describe('differential regressions (unparsable proxy.istio.io/config texts)', () => {
  it("reads the annotation as sigs.k8s.io/yaml does and reports go-yaml's words on both paths", async () => {
    const { kubeInject } = await import('../../src/inject/kube-inject.js');
    const kiSettings = compileInjectionSettings(readRawConfigDir(resolve(import.meta.dirname, '../../templates')), { revision: '', env: {} });
    const pod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations: {"proxy.istio.io/config": "not: [valid"}\nspec:\n  containers:\n  - name: app\n    image: nginx\n`;
    expect(() => kubeInject(kiSettings, pod)).toThrow("could not parse proxy config: yaml: line 1: did not find expected ',' or ']'");
    expect(deny({ 'proxy.istio.io/config': 'not: [valid' })).toBe(
      "failed to run injection template: 1 error occurred:\n\t* invalid value 'not: [valid' for annotation 'proxy.istio.io/config': failed to convert to apply proxy config: yaml: line 1: did not find expected ',' or ']'\n\n",
    );
  });
});

describe('differential regressions (wrongly typed proxy.istio.io/config values)', () => {
  // Each expected text is what istiod answered for the annotation (the oracle's webhook verb, 2026-12-03).
  const cases: Array<[string, string]> = [
    ['concurrency: true', 'json: cannot unmarshal bool into Go value of type int32'],
    ['concurrency: 1.5', 'json: cannot unmarshal number 1.5 into Go value of type int32'],
    ['concurrency: [1]', 'json: cannot unmarshal array into Go value of type int32'],
    ['statusPort: "x"', "invalid character 'x' looking for beginning of value"],
    ['fileFlushMinSizeKb: -1', 'json: cannot unmarshal number -1 into Go value of type uint32'],
    ['discoveryAddress: [1]', 'json: cannot unmarshal array into Go value of type string'],
    ['discoveryAddress: true', 'json: cannot unmarshal bool into Go value of type string'],
    ['holdApplicationUntilProxyStarts: 3', 'json: cannot unmarshal number into Go value of type bool'],
    ['holdApplicationUntilProxyStarts: "true"', 'json: cannot unmarshal string into Go value of type bool'],
    ['proxyMetadata: 5', 'json: cannot unmarshal number into Go value of type map[string]json.RawMessage'],
    ['proxyMetadata: {A: 1}', 'json: cannot unmarshal number into Go value of type string'],
    ['extraStatTags: 5', 'json: cannot unmarshal number into Go value of type []json.RawMessage'],
    ['drainDuration: 5', 'json: cannot unmarshal number into Go value of type string'],
    ['drainDuration: "x"', 'bad Duration: time: invalid duration "x"'],
    ['tracing: 5', 'json: cannot unmarshal number into Go value of type map[string]json.RawMessage'],
    ['concurrency: "5x"', "invalid character 'x' after top-level value"],
    ['concurrency: ""', 'unexpected end of JSON input'],
    ['concurrency: 3000000000', 'json: cannot unmarshal number 3000000000 into Go value of type int32'],
    ['interceptionMode: tproxy', 'unknown value "\\"tproxy\\"" for enum istio.mesh.v1alpha1.ProxyConfig.InboundInterceptionMode'],
    ['controlPlaneAuthPolicy: FOO', 'unknown value "\\"FOO\\"" for enum istio.mesh.v1alpha1.AuthenticationPolicy'],
    ['interceptionMode: 1.5', 'json: cannot unmarshal number 1.5 into Go value of type protoreflect.EnumNumber'],
    ['tracing: {maxPathTagLength: -1}', 'json: cannot unmarshal number -1 into Go value of type uint32'],
    ['tracing: {sampling: x}', "invalid character 'x' looking for beginning of value"],
    ['image: {imageType: 5}', 'json: cannot unmarshal number into Go value of type string'],
    ['tracing: {tlsSettings: {sni: 5}}', 'json: cannot unmarshal number into Go value of type string'],
    ['tracing: {tlsSettings: {insecureSkipVerify: 1}}', 'json: cannot unmarshal number into Go value of type bool'],
    ['tracing: {customTags: {a: 5}}', 'json: cannot unmarshal number into Go value of type map[string]json.RawMessage'],
    // Messages below ProxyConfig that once had no field table (istiod's answers through the oracle, 2026-12-03).
    ['tracing: {zipkin: {address: 5}}', 'json: cannot unmarshal number into Go value of type string'],
    ['proxyStatsMatcher: {inclusionPrefixes: [1]}', 'json: cannot unmarshal number into Go value of type string'],
    ['tracing: {stackdriver: {maxNumberOfAttributes: "x"}}', "invalid character 'x' looking for beginning of value"],
    ['tracing: {customTags: {a: {literal: {value: 5}}}}', 'json: cannot unmarshal number into Go value of type string'],
    ['tracing: {openCensusAgent: {context: [NOPE]}}', 'unknown value "\\"NOPE\\"" for enum istio.mesh.v1alpha1.Tracing.OpenCensusAgent.TraceContext'],
    ['gatewayTopology: {numTrustedProxies: 2, forwardClientCertDetails: NOPE}', 'unknown value "\\"NOPE\\"" for enum istio.mesh.v1alpha1.ForwardClientCertDetails'],
    ['proxyHeaders: {server: {disabled: true, value: x}, requestId: {disabled: 1}}', 'json: cannot unmarshal number into Go value of type bool'],
    ['connectionSettings: {httpIdleTimeout: x}', 'bad Duration: time: invalid duration "x"'],
    ['connectionSettings: {listenerPerConnectionBufferLimitBytes: "x"}', "invalid character 'x' looking for beginning of value"],
    ['readinessProbe: {httpGet: {httpHeaders: {}}}', 'json: cannot unmarshal object into Go value of type []json.RawMessage'],
    ['readinessProbe: {exec: {command: [a, 1]}}', 'json: cannot unmarshal number into Go value of type string'],
  ];
  it.each(cases)('%s is denied with istiod\'s decode error', (value, why) => {
    expect(deny({ 'proxy.istio.io/config': value })).toBe(
      `failed to run injection template: 1 error occurred:\n\t* invalid value '${value}' for annotation 'proxy.istio.io/config': failed to convert to apply proxy config: ${why}\n\n`,
    );
  });
  it('a quoted integer is an integer to jsonpb, as it is to istiod', () => {
    const annotations = { 'proxy.istio.io/config': 'concurrency: "5"\nstatusPort: "15021"' };
    const object = { metadata: { name: 'web', namespace: 'shop', annotations }, spec: { containers: [{ name: 'web', image: 'nginx' }] } };
    expect(injectAdmission(settings, { uid: 'u', namespace: 'shop', object }, '/inject')).toMatchObject({ allowed: true, reason: 'injected' });
  });
});

describe('differential regressions (validate: decode errors as istiod reports them, 2026-12-03 oracle texts)', () => {
  const doc = (apiVersion: string, kind: string, spec: unknown) => ({ apiVersion, kind, metadata: { name: 'x', namespace: 'default' }, spec });
  const gateway = (number: unknown) => doc('networking.istio.io/v1', 'Gateway', { servers: [{ port: { number, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] });
  const serviceEntry = (spec: Record<string, unknown>) => doc('networking.istio.io/v1', 'ServiceEntry', { hosts: ['example.com'], ...spec });
  const cases: Array<[string, unknown, string]> = [
    // A string where a number is wanted: encoding/json's scanner names the byte that breaks the value.
    ['a CIDR in a uint32', gateway('10.0.0.0/8'), "invalid character '.' after top-level value"],
    ['a broken literal true', gateway('tx'), "invalid character 'x' in literal true (expecting 'r')"],
    ['an unfinished exponent', serviceEntry({ ports: [{ number: 80, name: 'http', protocol: 'HTTP', targetPort: '1e' }], resolution: 'DNS' }), "invalid character ' ' in exponent of numeric literal"],
    ['an HTML-escaped first byte', serviceEntry({ ports: [{ number: '<8', name: 'http', protocol: 'HTTP' }] }), "invalid character '\\\\' looking for beginning of value"],
    ['bad base64 bytes', doc('networking.istio.io/v1', 'VirtualService', { hosts: ['a'], http: [{ directResponse: { status: 200, body: { bytes: 'a$b' } } }] }), 'illegal base64 data at input byte 1'],
    // google.protobuf.Struct has its own decoder, which prefixes its errors.
    ['a string pluginConfig', doc('extensions.istio.io/v1alpha1', 'WasmPlugin', { url: 'oci://ghcr.io/x/y:1', pluginConfig: 'x' }), 'bad StructValue: json: cannot unmarshal string into Go value of type map[string]json.RawMessage'],
    // Two decode errors: a map<uint32, …> key is decoded before its value.
    ['a bad key before a bad value', doc('security.istio.io/v1', 'PeerAuthentication', { portLevelMtls: { bogusField: 1 } }), "invalid character 'b' looking for beginning of value"],
    // Fields are decoded in declaration order: selector before mtls.
    ['a bad label before a bad mode', doc('security.istio.io/v1', 'PeerAuthentication', { mtls: { mode: 'ALLOW' }, selector: { matchLabels: { app: 5 } } }), 'json: cannot unmarshal number into Go value of type string'],
    // The whole spec is decoded before any rule: a later decode error beats an earlier rule error.
    ['an unknown enum name before a bad port', serviceEntry({ resolution: 'NOPE', ports: [{ number: 'http', name: 'http', protocol: 'HTTP' }] }), "invalid character 'h' looking for beginning of value"],
    ['a rule error before a bad field', serviceEntry({ hosts: [], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], endpoints: [{ address: 5 }] }), 'json: cannot unmarshal number into Go value of type string'],
  ];
  it.each(cases)('%s', async (_name, obj, why) => {
    const { validateObject } = await import('../../src/validate/webhook.js');
    expect(validateObject(obj)).toMatchObject({ allowed: false, message: `error decoding configuration: ${why}` });
  });
});

describe('differential regressions (validate: two wrong entries in one map)', () => {
  it("names each error Go's random map order may meet first, ours (document order) first", async () => {
    const { ISTIO_PROTOS } = await import('../../src/proto/istio.js');
    const { jsonpbDecodeErrors } = await import('../../src/proto/jsonpb.js');
    const spec = { template: { ports: { grpc: '01', http: '::1' } } };
    expect(jsonpbDecodeErrors(ISTIO_PROTOS, 'istio.networking.v1alpha3.WorkloadGroup', spec)).toEqual([
      "invalid character '1' after top-level value",
      "invalid character ':' looking for beginning of value",
    ]);
  });
});

describe('differential regressions (PROXY_CONFIG of nested ProxyConfig messages, as jsonpb decodes and prints them)', () => {
  // Each expected value is istiod's PROXY_CONFIG for the annotation (the oracle's webhook verb, 2026-12-03).
  const cases: Array<[string, string]> = [
    ['tracing: {zipkin: {address: a:9411, bogus: 1}}', '{"tracing":{"zipkin":{"address":"a:9411"}}}'],
    ['proxyStatsMatcher: {inclusion_prefixes: [a], bogus: 1}', '{"proxyStatsMatcher":{"inclusionPrefixes":["a"]}}'],
    ['proxyStatsMatcher: {inclusionPrefixes: [a, null]}', '{"proxyStatsMatcher":{"inclusionPrefixes":["a",""]}}'],
    ['tracing: {stackdriver: {maxNumberOfAttributes: 200}}', '{"tracing":{"stackdriver":{"maxNumberOfAttributes":"200"}}}'],
    ['readinessProbe: {httpGet: {path: /x, port: 80, httpHeaders: [{name: a, value: b, bogus: 1}]}}', '{"readinessProbe":{"httpGet":{"path":"/x","port":80,"httpHeaders":[{"name":"a","value":"b"}]}}}'],
    ['readinessProbe: {timeoutSeconds: "5", httpGet: {port: "80"}}', '{"readinessProbe":{"timeoutSeconds":5,"httpGet":{"port":80}}}'],
    ['tracing: {customTags: {a: {literal: {value: x, bogus: 2}}}}', '{"tracing":{"customTags":{"a":{"literal":{"value":"x"}}}}}'],
    ['connectionSettings: {httpIdleTimeout: 5s, profile: EDGE, bogus: 1}', '{"connectionSettings":{"profile":"EDGE","httpIdleTimeout":"5s"}}'],
    ['privateKeyProvider: {cryptomb: {pollDelay: 10ms, fallback: true}}', '{"privateKeyProvider":{"cryptomb":{"pollDelay":"0.010s","fallback":true}}}'],
    ['tracing: {openCensusAgent: {context: [1, 3]}}', '{"tracing":{"openCensusAgent":{"context":["W3C_TRACE_CONTEXT","CLOUD_TRACE_CONTEXT"]}}}'],
    ['gatewayTopology: {forwardClientCertDetails: 2}', '{"gatewayTopology":{"forwardClientCertDetails":"FORWARD_ONLY"}}'],
    ['image: {imageType: distroless, bogus: 1}', '{"image":{"imageType":"distroless"}}'],
  ];
  it.each(cases)('%s', (value, expected) => {
    expect(proxyConfigEnv({ 'proxy.istio.io/config': value }).trim()).toBe(expected);
  });
});

describe('differential regressions (proxy.istio.io/config: oneofs and ValidateMeshConfigProxyConfig)', () => {
  // istiod's answers through the oracle's webhook verb, 2026-12-03.
  it.each([
    ['serviceCluster: x\ntracingServiceName: CANONICAL_NAME_ONLY', '{"tracingServiceName":"CANONICAL_NAME_ONLY"}'],
    ['tracingServiceName: APP_LABEL_AND_NAMESPACE', '{"tracingServiceName":"APP_LABEL_AND_NAMESPACE"}'],
    ['tracing: {zipkin: {address: "z:1"}, lightstep: {address: "l:1", accessToken: t}}', '{"tracing":{"lightstep":{"address":"l:1","accessToken":"t"}}}'],
  ])('keeps the last member of a oneof, printed even when zero: %s', (value, expected) => {
    expect(proxyConfigEnv({ 'proxy.istio.io/config': value }).trim()).toBe(expected);
  });

  const rules: Array<[string, string[]]> = [
    ['discoveryAddress: foo', ['invalid discovery address: unable to split "foo": address foo: missing port in address']],
    ['discoveryAddress: "a:b"', ['invalid discovery address: port (b) is not a number: strconv.Atoi: parsing "b": invalid syntax']],
    ['discoveryAddress: "Bad_Host:80"', ['invalid discovery address: "Bad_Host" is not a valid hostname or an IP address']],
    ['drainDuration: 10ms', ['drain time only supports durations to seconds precision']],
    ['drainDuration: 1500us', ['invalid drain duration: only durations to ms precision are supported']],
    ['drainDuration: 0s', ['invalid drain duration: duration must be greater than 1ms']],
    ['serviceCluster: ""\ntracingServiceName: CANONICAL_NAME_ONLY', []],
    ['tracing: {zipkin: {}}', ['invalid zipkin config: unable to split "": missing port in address']],
    ['tracing: {lightstep: {}}', ['invalid lightstep config: address is required', 'invalid lightstep config: invalid lightstep address: unable to split "": missing port in address', 'invalid lightstep config: access token is required']],
    ['tracing: {tlsSettings: {mode: MUTUAL}}', ['invalid tracing TLS config: client certificate required for mutual tls', 'invalid tracing TLS config: private key required for mutual tls']],
    ['envoyAccessLogService: {address: a}', ['invalid envoy access log service address "a": unable to split "a": address a: missing port in address']],
    ['controlPlaneAuthPolicy: 2', ['invalid authentication policy: unrecognized control plane auth policy "2"']],
    ['tracing: {tlsSettings: {mode: SIMPLE, credentialName: "configmap://x"}}', ['invalid tracing TLS config: invalid configmap:// credentialName: invalid resource name "configmap://x". Expected namespace and name']],
    ['privateKeyProvider: {}', ['invalid private key provider configuration: private key provider configuration is required', 'invalid private key provider configuration: unknown private key provider']],
    ['privateKeyProvider: {cryptomb: {pollDelay: 10ms}, qat: {pollDelay: 0s}}', ['invalid private key provider configuration: pollDelay must be non zero']],
    [
      'connectionSettings: {listenerPerConnectionBufferLimitBytes: -1, httpIdleTimeout: -1s, http2InitialStreamWindowSize: 5, httpMaxConcurrentStreams: 0}',
      [
        'invalid connection settings: listener_per_connection_buffer_limit_bytes must be non-negative',
        'invalid connection settings: http_idle_timeout must be non-negative',
        'invalid connection settings: http_max_concurrent_streams must be positive',
        'invalid connection settings: http2_initial_stream_window_size must be at least 65535',
      ],
    ],
  ];
  it.each(rules)('%s', (value, errs) => {
    const object = { metadata: { name: 'web', namespace: 'shop', annotations: { 'proxy.istio.io/config': value } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } };
    const d = injectAdmission(settings, { uid: 'u', namespace: 'shop', object }, '/inject');
    if (errs.length === 0) {
      expect(d.allowed).toBe(true);
      return;
    }
    const list = `${errs.length} error${errs.length === 1 ? '' : 's'} occurred:\n${errs.map((e) => `\t* ${e}`).join('\n')}\n\n`;
    expect(d.message).toBe(`failed to run injection template: 1 error occurred:\n\t* invalid value '${value}' for annotation 'proxy.istio.io/config': ${list}\n\n`);
  });

  it('fails kube-inject with the jsonpb type error, as istioctl applies the annotation first', async () => {
    const { kubeInject } = await import('../../src/inject/kube-inject.js');
    const kiSettings = compileInjectionSettings(readRawConfigDir(resolve(import.meta.dirname, '../../templates')), { revision: '', env: {} });
    const pod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations: {"proxy.istio.io/config": "tracing: {zipkin: {address: 5}}"}\nspec:\n  containers:\n  - name: app\n    image: nginx\n`;
    expect(() => kubeInject(kiSettings, pod)).toThrow('could not parse proxy config: json: cannot unmarshal number into Go value of type string');
  });
});

describe('differential regressions (validate: configmap:// credential names as credentials.ParseResourceName reads them)', () => {
  const dr = (credentialName: string) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'a', namespace: 'default' },
    spec: { host: 'a', trafficPolicy: { tls: { mode: 'SIMPLE', credentialName } } },
  });
  it.each([
    ['configmap://x', 'invalid resource name "configmap://x". Expected namespace and name'],
    ['configmap:///x', 'invalid resource name "configmap:///x". Expected namespace'],
    ['configmap://default/', 'invalid resource name "configmap://default/". Expected name'],
  ])('%s', async (name, why) => {
    const { validateObject } = await import('../../src/validate/webhook.js');
    expect(validateObject(dr(name))).toMatchObject({ allowed: false, message: `configuration is invalid: invalid configmap:// credentialName: ${why}` });
  });
  it('takes the first two path parts, as Istio does', async () => {
    const { validateObject } = await import('../../src/validate/webhook.js');
    expect(validateObject(dr('configmap://default/a/b')).allowed).toBe(true);
  });
});

describe('differential regressions (a mistyped mesh defaultConfig)', () => {
  it("fails the mesh config with the MeshConfig decode's words (istioctl: failed to convert to proto. …)", async () => {
    const { applyMeshConfig } = await import('../../src/inject/settings/mesh.js');
    expect(() => applyMeshConfig('defaultConfig:\n  tracing:\n    zipkin:\n      address: 5\n')).toThrow(
      'failed to convert to proto. json: cannot unmarshal number into Go value of type string',
    );
  });
});

describe('differential regressions (validate: 64-bit integers beyond 2^53)', () => {
  it.each([['18446744073709551615'], [1e19]])('takes minimumRingSize %s as a uint64, as istiod does', async (size) => {
    const { validateObject } = await import('../../src/validate/webhook.js');
    const dr = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'd', namespace: 'default' },
      spec: { host: 'a', trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: 'x', minimumRingSize: size } } } },
    };
    expect(validateObject(dr)).toMatchObject({ allowed: true, warnings: ["consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead"] });
  });
});

describe("differential regressions (validate: floats in rule messages as Go's fmt prints them)", () => {
  const vs = (http: Record<string, unknown>) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'v', namespace: 'default' },
    spec: { hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }], ...http }] },
  });
  it.each([
    [{ fault: { abort: { httpStatus: 500, percentage: { value: 0.00005 } } } }, 'percentage 5e-05 is neither 0.0, nor in range [0.0001, 100.0]'],
    [{ fault: { abort: { httpStatus: 500, percentage: { value: 123456789 } } } }, 'percentage 1.23456789e+08 is neither 0.0, nor in range [0.0001, 100.0]'],
    [{ fault: { abort: { httpStatus: 500, percentage: { value: '-Infinity' } } } }, 'percentage -Inf is neither 0.0, nor in range [0.0001, 100.0]'],
    [{ mirror: { host: 'b' }, mirrorPercentage: { value: 1e21 } }, 'mirror_percentage must have a max value of 100 (it has 1000000000000000000000.000000)'],
    [{ mirror: { host: 'b' }, mirrorPercentage: { value: 'Infinity' } }, 'mirror_percentage must have a max value of 100 (it has +Inf)'],
    // 100 + 2^-7 is an exact tie at six decimals: Go rounds it to even (istiod's answer, checked with the oracle).
    [{ mirror: { host: 'b' }, mirrorPercentage: { value: 100.0078125 } }, 'mirror_percentage must have a max value of 100 (it has 100.007812)'],
  ])('%j', async (http, why) => {
    const { validateObject } = await import('../../src/validate/webhook.js');
    expect(validateObject(vs(http))).toMatchObject({ allowed: false, message: `configuration is invalid: ${why}` });
  });
});
