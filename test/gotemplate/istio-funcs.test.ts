import { describe, expect, it } from 'vitest';
import { createFuncMap } from '../../src/gotemplate/funcs.js';
import { parseTemplate } from '../../src/gotemplate/template.js';
import { goDuration, goNil, goStringMap, goStruct } from '../../src/gotemplate/values.js';
import { errorOf, run } from './helpers.js';

const meta = (annotations: Record<string, string> | null) => goStruct('v1.ObjectMeta', { Name: 'p', Annotations: goStringMap(annotations) });
const port = (p: bigint, protocol: string) =>
  goStruct('v1.ContainerPort', { Name: `p${p}`, ContainerPort: p, Protocol: protocol }, {
    json: [
      { field: 'Name', json: 'name', omitempty: true },
      { field: 'ContainerPort', json: 'containerPort' },
      { field: 'Protocol', json: 'protocol', omitempty: true },
    ],
  });
const containers = [
  goStruct('v1.Container', { Name: 'app', Image: 'reg/app:1.2@sha256:abc', Ports: [port(80n, 'TCP'), port(53n, 'UDP'), port(9000n, '')] }),
  goStruct('v1.Container', { Name: 'istio-proxy', Image: 'proxy', Ports: [port(15090n, 'TCP'), port(7n, 'SCTP')] }),
];

describe('annotation, isset, valueOrDefault', () => {
  const data = { m: meta({ present: 'v', empty: '' }), none: meta(null), v: { port: 15020, nil: null, zero: 0, f: false } };
  it('annotation returns the value when present, else fmt.Sprint(default)', () => {
    expect(run('{{ annotation .m "present" "d" }}|[{{ annotation .m "empty" "d" }}]|{{ annotation .m "x" "d" }}|{{ annotation .m "x" .v.port }}|{{ annotation .m "x" .v.nil }}|{{ annotation .none "x" .v.f }}', data)).toBe(
      'v|[]|d|15020|<nil>|false',
    );
  });
  it('annotation insists on a struct for the metadata (a literal cannot be one)', () => {
    expect(errorOf('{{ annotation "s" "x" "d" }}')).toBe(
      'template: t:1:14: executing "t" at <"s">: can\'t handle "s" for arg of type v1.ObjectMeta',
    );
  });
  it('isset sees keys with empty values; nil maps have none', () => {
    expect(run('{{ isset .m.Annotations "empty" }} {{ isset .m.Annotations "x" }} {{ isset .none.Annotations "x" }}', data)).toBe('true false false');
  });
  it('isset rejects an untyped map', () => {
    expect(errorOf('{{ isset .v "port" }}', data)).toBe(
      'template: t:1:9: executing "t" at <.v>: wrong type for value; expected map[string]string; got map[string]interface {}',
    );
  });
  it('valueOrDefault only replaces "" and nil', () => {
    expect(run('{{ valueOrDefault "" "d" }} {{ valueOrDefault .v.nil "d" }} {{ valueOrDefault .missing "d" }} {{ valueOrDefault .v.zero "d" }} {{ valueOrDefault .v.f "d" }}', data)).toBe(
      'd d d 0 false',
    );
  });
});

describe('ports and interfaces', () => {
  it('excludeInboundPort appends unless empty, zero or present', () => {
    expect(run('{{ excludeInboundPort 15020 "" }}|{{ excludeInboundPort .p "80, 8080" }}|{{ excludeInboundPort "15020" "15020" }}|{{ excludeInboundPort 0 "80" }}|{{ excludeInboundPort "" "x" }}|{{ excludeInboundPort 15020 "80,15020" }}|{{ excludeInboundPort 15020 "80 , ," }}', { p: 15020 })).toBe(
      '15020|80,8080,15020|15020|80|x|80,15020|80,15020',
    );
  });
  it('includeInboundPorts lists TCP (and unspecified) ports of all containers', () => {
    expect(run('{{ includeInboundPorts .c }}', { c: containers })).toBe('80,9000,15090');
  });
  it('applicationPorts skips istio-proxy', () => {
    expect(run('{{ applicationPorts .c }}', { c: containers })).toBe('80,9000');
  });
  it('kubevirtInterfaces and excludeInterfaces are the identity', () => {
    expect(run('{{ kubevirtInterfaces "a,b" }} {{ excludeInterfaces "c" }}')).toBe('a,b c');
  });
});

describe('formatDuration', () => {
  it.each([
    [23n, 0n, '23s'],
    [90n, 0n, '1m30s'],
    [7200n, 0n, '2h0m0s'],
    [0n, 500000000n, '500ms'],
    [1n, 500000000n, '1.5s'],
    [0n, 0n, '0s'],
    [0n, 1500n, '1.5µs'],
    [0n, 12n, '12ns'],
    [3661n, 100n, '1h1m1.0000001s'],
  ])('%ds %dns prints %s', (s, n, want) => {
    expect(run('{{ formatDuration .d }}', { d: goDuration(s, n) })).toBe(want);
  });
  it('a nil duration is 0s', () => {
    expect(run('{{ formatDuration .d }}', { d: goNil('*durationpb.Duration') })).toBe('0s');
  });
});

describe('JSON helpers', () => {
  it('toJSON encodes a string map sorted; a nil map is {}', () => {
    expect(run('{{ toJSON .m }} {{ toJSON .n }}', { m: goStringMap({ b: '2', a: '<1>' }), n: goStringMap(null) })).toBe(
      '{"a":"\\u003c1\\u003e","b":"2"} {}',
    );
  });
  it('fromJSON decodes, and gives the string "{}" on bad input', () => {
    expect(run('{{ (fromJSON "{\\"a\\":1}").a }}|{{ fromJSON "nope" }}|{{ range $k, $v := fromJSON "{\\"z\\":1,\\"y\\":2}" }}{{ $k }}{{ end }}')).toBe('1|{}|yz');
  });
  it('structToJSON uses json field names in declaration order with omitempty', () => {
    expect(run('{{ structToJSON (index .c 0).Ports }}|{{ structToJSON .missing }}', { c: containers })).toBe(
      '[{"name":"p80","containerPort":80,"protocol":"TCP"},{"name":"p53","containerPort":53,"protocol":"UDP"},{"name":"p9000","containerPort":9000}]|{}',
    );
  });
  it('protoToJSON and structToJSON defer to hooks when given', () => {
    const funcs = createFuncMap({ hooks: { protoToJSON: () => '{"proto":1}', structToJSON: () => 'S' } });
    const t = parseTemplate('{{ protoToJSON .pc }} {{ structToJSON .pc }}', { name: 'h', funcs });
    expect(t.execute({ pc: goStruct('*v1alpha1.ProxyConfig', {}) })).toBe('{"proto":1} S');
  });
  it('protoToJSON without a hook encodes the struct\'s own JSON layout', () => {
    const pc = goStruct('*v1alpha1.ProxyConfig', { X: 1n }, { toJSON: () => ({ zeta: 1, alpha: { b: 1, a: 2 } }) });
    expect(run('{{ protoToJSON .pc }}', { pc })).toBe('{"zeta":1,"alpha":{"b":1,"a":2}}');
  });
  it('toJsonMap and mergeMaps: later maps win; no maps is a nil map', () => {
    expect(run('{{ toJsonMap (strdict "a" "1") (strdict "a" "2" "b") }}|{{ mergeMaps }}|{{ toJsonMap }}')).toBe('{"a":"2","b":""}|map[]|null');
  });
  it('omit (Istio\'s) works on string maps only', () => {
    expect(run('{{ omit (strdict "a" "1" "b" "2") "a" }}')).toBe('map[b:2]');
    expect(errorOf('{{ omit (dict "a" 1) "a" }}')).toMatch(/wrong type for value; expected map\[string\]string; got map\[string\]interface \{\}$/);
  });
});

describe('YAML helpers', () => {
  it('toYaml (Istio\'s) keeps the trailing newline; indent pads all but the first line', () => {
    expect(run('{{ toYaml (dict "b" (list 1 2) "a" "x") }}')).toBe('a: x\nb:\n- 1\n- 2\n');
    expect(run('{{ indent 4 "a\\nb\\nc" }}')).toBe('a\n    b\n    c');
  });
  it('omitNil drops nils and containers that become empty', () => {
    expect(run('{{ toYaml (omitNil (fromJSON "{\\"a\\":null,\\"b\\":{\\"c\\":null},\\"d\\":[null,1],\\"e\\":{}}")) }}')).toBe('d:\n- 1\ne: {}\n');
    expect(run('{{ toYaml (omitNil .r) }}', { r: { limits: { cpu: '2', memory: null } } })).toBe('limits:\n  cpu: "2"\n');
  });
});

describe('misc Istio helpers', () => {
  it('directory keeps the trailing slash', () => {
    expect(run('[{{ directory "/etc/certs/root.pem" }}][{{ directory "file" }}]')).toBe('[/etc/certs/][]');
  });
  it('contains (needle first) and toLower', () => {
    expect(run('{{ contains "/" "a/b" }} {{ toLower "ABC" }}')).toBe('true abc');
  });
  it('appendMultusNetwork handles empty, comma lists and JSON lists', () => {
    const t = (existing: string) => run('{{ appendMultusNetwork .e "default/istio-cni" }}', { e: existing });
    expect(t('')).toBe('default/istio-cni');
    expect(t('a, b')).toBe('a, b, default/istio-cni');
    expect(t('default/istio-cni, b')).toBe('default/istio-cni, b');
    expect(t('[{"name": "x"}]')).toBe('[{"name": "x"}, {"name": "istio-cni", "namespace": "default"}]');
    expect(t('[{"name":"istio-cni","namespace":"default"}]')).toBe('[{"name":"istio-cni","namespace":"default"}]');
    expect(t('[not json]')).toBe('[not json]');
    expect(run('{{ appendMultusNetwork "[{\\"name\\": \\"x\\"}]" "istio-cni" }}')).toBe('[{"name": "x"}, {"name": "istio-cni"}]');
    expect(run('{{ appendMultusNetwork "[]" "ns/net/extra" }}')).toBe('[, {"name": "net", "namespace": "ns"}]');
  });
  it('env reads the configured environment with a default', () => {
    expect(run('{{ env "PRESENT" "d" }} {{ env "EMPTY" "d" }} {{ env "ABSENT" "d" }}')).toBe('here d d');
  });
  it('otelResourceAttributes is empty unless a provider asks for OTel semantic conventions', () => {
    const tmpl = '{{ otelResourceAttributes .mesh .meta.Annotations .meta.Labels "ns" .c }}';
    const plainMesh = goStruct('*v1alpha1.MeshConfig', {}, { toJSON: () => ({ extensionProviders: [] }) });
    const semconvMesh = goStruct('*v1alpha1.MeshConfig', {}, {
      toJSON: () => ({ extensionProviders: [{ name: 'otel', opentelemetry: { serviceAttributeEnrichment: 'OTEL_SEMANTIC_CONVENTIONS' } }] }),
    });
    const m = goStruct('v1.ObjectMeta', { Annotations: goStringMap({}), Labels: goStringMap({}) });
    expect(run(tmpl, { mesh: plainMesh, meta: m, c: containers })).toBe('');
    expect(run(tmpl, { mesh: semconvMesh, meta: m, c: [containers[0]] })).toBe(
      'service.namespace=ns,service.version=1.2@sha256:abc,service.instance.id=ns.$(POD_NAME).app',
    );
    const labelled = goStruct('v1.ObjectMeta', {
      Annotations: goStringMap({ 'resource.opentelemetry.io/service.namespace': 'custom' }),
      Labels: goStringMap({ 'app.kubernetes.io/version': 'v9' }),
    });
    expect(run(tmpl, { mesh: semconvMesh, meta: labelled, c: containers })).toBe(
      'service.namespace=custom,service.version=v9,service.instance.id=ns.$(POD_NAME).app',
    );
  });
});
