import {
  goDuration,
  goEnum,
  goNil,
  goStringMap,
  goStruct,
  type GoMethods,
  type GoStruct,
  type JsonFieldSpec,
} from '../gotemplate/values.js';
import { PROTO_MESSAGES, enumNameOf, enumNumberOf, isPlainObject, type ProtoField } from './settings/proto-fields.js';
import { parseProtoDuration } from './settings/mesh.js';

/**
 * Views of Kubernetes and Istio objects as the Go structs Istio's templates were written against:
 * PascalCase field names, typed string maps, int fields as Go ints, nil pointers with callable
 * getters. Built once per request from plain JSON; templates only read them.
 */

type FieldKind = 'string' | 'int' | 'bool' | 'stringMap' | 'struct' | 'structList' | 'list' | 'raw';
interface K8sField {
  json: string;
  go: string;
  kind: FieldKind;
  type?: string;
  omitempty?: boolean;
}

function k(json: string, kind: FieldKind, type?: string, omitempty = true): K8sField {
  return { json, go: json.charAt(0).toUpperCase() + json.slice(1), kind, type, omitempty };
}

/** The slice of corev1/metav1 types that templates reach, in Go declaration order (for encoding/json). */
const K8S_TYPES: Record<string, K8sField[]> = {
  ObjectMeta: [
    k('name', 'string'),
    k('generateName', 'string'),
    k('namespace', 'string'),
    k('uid', 'string'),
    k('resourceVersion', 'string'),
    k('labels', 'stringMap'),
    k('annotations', 'stringMap'),
    k('ownerReferences', 'list'),
    k('finalizers', 'list'),
  ],
  PodSpec: [
    k('volumes', 'list'),
    k('initContainers', 'structList', 'Container'),
    k('containers', 'structList', 'Container'),
    k('restartPolicy', 'string'),
    k('terminationGracePeriodSeconds', 'raw'),
    k('dnsPolicy', 'string'),
    k('nodeSelector', 'stringMap'),
    k('serviceAccountName', 'string'),
    k('serviceAccount', 'string'),
    k('nodeName', 'string'),
    k('hostNetwork', 'bool'),
    k('hostPID', 'bool'),
    k('hostIPC', 'bool'),
    k('securityContext', 'raw'),
    k('imagePullSecrets', 'list'),
    k('hostname', 'string'),
    k('subdomain', 'string'),
    k('affinity', 'raw'),
    k('schedulerName', 'string'),
    k('tolerations', 'list'),
    k('priorityClassName', 'string'),
  ],
  Container: [
    k('name', 'string', undefined, false),
    k('image', 'string'),
    k('command', 'list'),
    k('args', 'list'),
    k('workingDir', 'string'),
    k('ports', 'structList', 'ContainerPort'),
    k('env', 'list'),
    k('resources', 'raw'),
    k('volumeMounts', 'list'),
    k('livenessProbe', 'raw'),
    k('readinessProbe', 'raw'),
    k('startupProbe', 'raw'),
    k('lifecycle', 'raw'),
    k('imagePullPolicy', 'string'),
    k('securityContext', 'raw'),
    k('restartPolicy', 'raw'),
  ],
  ContainerPort: [
    k('name', 'string'),
    k('hostPort', 'int'),
    k('containerPort', 'int', undefined, false),
    k('protocol', 'string'),
    k('hostIP', 'string'),
  ],
};
K8S_TYPES.ContainerPort!.find((f) => f.json === 'hostIP')!.go = 'HostIP';

function zeroOf(f: K8sField): unknown {
  switch (f.kind) {
    case 'string':
      return '';
    case 'int':
      return 0n;
    case 'bool':
      return false;
    case 'stringMap':
      return goStringMap(null);
    case 'struct':
      return f.type ? k8sView(f.type, {}) : null;
    default:
      return null;
  }
}

function stringRecord(v: unknown): Record<string, string> | null {
  if (!isPlainObject(v)) return null;
  const out: Record<string, string> = {};
  for (const [key, val] of Object.entries(v)) out[key] = typeof val === 'string' ? val : String(val ?? '');
  return out;
}

/** A Kubernetes object as its Go struct. Fields the table does not know are kept, PascalCased. */
export function k8sView(typeName: string, value: unknown): GoStruct {
  const spec = K8S_TYPES[typeName] ?? [];
  const { known, json } = typeLayout(typeName, spec);
  const obj = isPlainObject(value) ? value : {};
  const fields: Record<string, unknown> = {};
  for (const f of spec) {
    const v = obj[f.json];
    if (v === undefined || v === null) {
      fields[f.go] = zeroOf(f);
      continue;
    }
    switch (f.kind) {
      case 'string':
        fields[f.go] = typeof v === 'string' ? v : String(v);
        break;
      case 'int':
        fields[f.go] = typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : typeof v === 'bigint' ? v : 0n;
        break;
      case 'bool':
        fields[f.go] = v === true;
        break;
      case 'stringMap':
        fields[f.go] = goStringMap(stringRecord(v));
        break;
      case 'struct':
        fields[f.go] = k8sView(f.type!, v);
        break;
      case 'structList':
        fields[f.go] = Array.isArray(v) ? v.map((item) => k8sView(f.type!, item)) : null;
        break;
      default:
        fields[f.go] = v;
    }
  }
  for (const [key, v] of Object.entries(obj)) {
    if (!known.has(key)) fields[key.charAt(0).toUpperCase() + key.slice(1)] = v;
  }
  return goStruct(typeName, fields, { json });
}

/** Per type, built once: a pod with 100,000 containers would otherwise rebuild these 100,000 times. */
const LAYOUTS = new Map<string, { known: ReadonlySet<string>; json: JsonFieldSpec[] }>();

function typeLayout(typeName: string, spec: readonly { go: string; json: string; omitempty?: boolean }[]): { known: ReadonlySet<string>; json: JsonFieldSpec[] } {
  let layout = LAYOUTS.get(typeName);
  if (!layout) {
    layout = { known: new Set(spec.map((f) => f.json)), json: spec.map((f) => ({ field: f.go, json: f.json, omitempty: f.omitempty })) };
    LAYOUTS.set(typeName, layout);
  }
  return layout;
}

function goFieldName(json: string): string {
  return json.charAt(0).toUpperCase() + json.slice(1);
}

const WRAPPER_TYPES: Readonly<Record<string, string>> = {
  bool: 'BoolValue',
  string: 'StringValue',
  int32: 'Int32Value',
  uint32: 'UInt32Value',
  int64: 'Int64Value',
  uint64: 'UInt64Value',
  float: 'FloatValue',
  double: 'DoubleValue',
};

function wrapperView(fd: ProtoField, v: unknown): unknown {
  const type = `*wrapperspb.${WRAPPER_TYPES[fd.scalar ?? 'bool'] ?? 'BoolValue'}`;
  const zero = fd.scalar === 'bool' ? false : fd.scalar === 'string' ? '' : 0n;
  if (v === undefined || v === null) return goNil(type, { GetValue: () => zero }, ['Value']);
  const value = typeof v === 'number' ? BigInt(Math.trunc(v)) : v === true || v === 'true';
  return goStruct(type, { Value: value }, { methods: { GetValue: () => value } });
}

/**
 * A proto message (proto-JSON object) as its generated Go struct: every declared field present
 * (zero when unset), `Get<Field>` getters, nil-safe getters on unset sub-messages.
 */
export function protoView(messageName: string, value: Record<string, unknown> | null | undefined): GoStruct {
  const fields = PROTO_MESSAGES[messageName] ?? [];
  const obj = value ?? {};
  const goFields: Record<string, unknown> = {};
  const methods: Record<string, () => unknown> = {};
  for (const fd of fields) {
    const go = goFieldName(fd.json);
    const v = obj[fd.json];
    let out: unknown;
    switch (fd.kind) {
      case 'string':
        out = typeof v === 'string' ? v : '';
        break;
      case 'int':
        out = typeof v === 'number' ? BigInt(Math.trunc(v)) : 0n;
        break;
      case 'bool':
        out = v === true;
        break;
      case 'enum': {
        const name = typeof v === 'number' ? enumNameOf(fd, v) : String(v ?? fd.enumZero);
        const num = typeof v === 'number' ? v : (enumNumberOf(fd, name ?? '') ?? 0);
        out = goEnum(`${messageName}_${go}`, num, name ?? String(v));
        break;
      }
      case 'duration': {
        const ns = typeof v === 'string' ? parseProtoDuration(v) : undefined;
        out = ns === undefined ? goNil('*durationpb.Duration', {}, ['Seconds', 'Nanos']) : goDuration(ns / 1_000_000_000n, ns % 1_000_000_000n);
        break;
      }
      case 'wrapper':
        out = wrapperView(fd, v);
        break;
      case 'message': {
        const nestedName = fd.message;
        if (isPlainObject(v)) out = nestedName ? protoView(nestedName, v) : goStruct(`*${go}`, v);
        else out = nilMessage(nestedName ?? go);
        break;
      }
      case 'map':
        out = goStringMap(stringRecord(v));
        break;
      case 'repeated':
        out = Array.isArray(v) ? v : null;
        break;
    }
    goFields[go] = out;
    methods[`Get${go}`] = () => out;
  }
  return goStruct(`*v1alpha1.${messageName}`, goFields, { methods: methods as GoMethods, toJSON: () => obj });
}

/** A nil *Message whose getters return their zero values (and nested nil messages), like protoc-gen-go. */
function nilMessage(name: string): unknown {
  const fields = PROTO_MESSAGES[name];
  const methods: Record<string, () => unknown> = {};
  for (const fd of fields ?? []) {
    methods[`Get${goFieldName(fd.json)}`] = () => {
      switch (fd.kind) {
        case 'string':
          return '';
        case 'int':
          return 0n;
        case 'bool':
          return false;
        case 'message':
          return nilMessage(fd.message ?? goFieldName(fd.json));
        default:
          return null;
      }
    };
  }
  return goNil(`*v1alpha1.${name}`, methods, fields?.map((f) => goFieldName(f.json)));
}

/** MeshConfig: the fields templates read, as Go types; the proto JSON rides along for hooks. */
export function meshView(mesh: Record<string, unknown>): GoStruct {
  const intOf = (v: unknown) => (typeof v === 'number' ? BigInt(Math.trunc(v)) : 0n);
  const fields: Record<string, unknown> = {
    TrustDomain: typeof mesh.trustDomain === 'string' ? mesh.trustDomain : '',
    ProxyListenPort: intOf(mesh.proxyListenPort),
    ProxyInboundListenPort: intOf(mesh.proxyInboundListenPort),
    ProxyHttpPort: intOf(mesh.proxyHttpPort),
    RootNamespace: typeof mesh.rootNamespace === 'string' ? mesh.rootNamespace : '',
    ExtensionProviders: Array.isArray(mesh.extensionProviders) ? mesh.extensionProviders : null,
    DefaultConfig: protoView('ProxyConfig', isPlainObject(mesh.defaultConfig) ? mesh.defaultConfig : {}),
    EnablePrometheusMerge: wrapperView({ json: 'enablePrometheusMerge', proto: '', kind: 'wrapper' }, mesh.enablePrometheusMerge),
  };
  const methods: Record<string, () => unknown> = {};
  for (const [name, v] of Object.entries(fields)) methods[`Get${name}`] = () => v;
  return goStruct('*v1alpha1.MeshConfig', fields, { methods: methods as GoMethods, toJSON: () => mesh });
}
