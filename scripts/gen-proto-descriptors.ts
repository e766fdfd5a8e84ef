/**
 * Writes src/proto/istio-descriptors.gen.ts: the field tables (names, types, declaration order) of the
 * Istio API messages whose JSON decoding we reproduce, read from the .proto files of the istio.io/api
 * module the oracle pins (test/oracle/go.mod), in Go's module cache. Only what decoding needs is kept:
 * no comments, options or field numbers.
 *
 *   npx tsx scripts/gen-proto-descriptors.ts [--api-dir DIR]
 *
 * Needs `go` (for GOMODCACHE) unless --api-dir is given; run it again when the oracle's istio.io/api moves.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'src/proto/istio-descriptors.gen.ts');

/** The messages whose JSON we decode: every Istio kind's spec, and the mesh ProxyConfig. */
const ROOTS = [
  'istio.networking.v1alpha3.VirtualService',
  'istio.networking.v1alpha3.DestinationRule',
  'istio.networking.v1alpha3.Gateway',
  'istio.networking.v1alpha3.ServiceEntry',
  'istio.networking.v1alpha3.Sidecar',
  'istio.networking.v1alpha3.EnvoyFilter',
  'istio.networking.v1alpha3.WorkloadEntry',
  'istio.networking.v1alpha3.WorkloadGroup',
  'istio.networking.v1beta1.ProxyConfig',
  'istio.security.v1beta1.AuthorizationPolicy',
  'istio.security.v1beta1.PeerAuthentication',
  'istio.security.v1beta1.RequestAuthentication',
  'istio.telemetry.v1alpha1.Telemetry',
  'istio.extensions.v1alpha1.WasmPlugin',
  'istio.extensions.v1alpha1.TrafficExtension',
  'istio.mesh.v1alpha1.ProxyConfig',
];

const FILES = [
  'networking/v1alpha3/virtual_service.proto',
  'networking/v1alpha3/destination_rule.proto',
  'networking/v1alpha3/gateway.proto',
  'networking/v1alpha3/service_entry.proto',
  'networking/v1alpha3/sidecar.proto',
  'networking/v1alpha3/envoy_filter.proto',
  'networking/v1alpha3/workload_entry.proto',
  'networking/v1alpha3/workload_group.proto',
  'networking/v1beta1/proxy_config.proto',
  'security/v1beta1/authorization_policy.proto',
  'security/v1beta1/peer_authentication.proto',
  'security/v1beta1/request_authentication.proto',
  'telemetry/v1alpha1/telemetry.proto',
  'extensions/v1alpha1/wasm.proto',
  'extensions/v1alpha1/traffic_extension.proto',
  'type/v1beta1/selector.proto',
  'mesh/v1alpha1/proxy.proto',
];

/** Well-known types the decoder handles itself. */
const WELL_KNOWN = new Set([
  'google.protobuf.Duration',
  'google.protobuf.Timestamp',
  'google.protobuf.Struct',
  'google.protobuf.Value',
  'google.protobuf.ListValue',
  'google.protobuf.Empty',
  'google.protobuf.BoolValue',
  'google.protobuf.StringValue',
  'google.protobuf.BytesValue',
  'google.protobuf.Int32Value',
  'google.protobuf.UInt32Value',
  'google.protobuf.Int64Value',
  'google.protobuf.UInt64Value',
  'google.protobuf.FloatValue',
  'google.protobuf.DoubleValue',
]);

const SCALARS = new Set([
  'double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64',
  'bool', 'string', 'bytes',
]);

interface RawField {
  name: string;
  type: string;
  repeated: boolean;
  mapKey?: string;
  oneof?: string;
}
interface RawMessage {
  fullName: string;
  scope: string;
  fields: RawField[];
}

function apiDir(): string {
  const i = process.argv.indexOf('--api-dir');
  if (i >= 0 && process.argv[i + 1] !== undefined) return process.argv[i + 1]!;
  const goMod = readFileSync(join(ROOT, 'test/oracle/go.mod'), 'utf8');
  const version = /^\s*istio\.io\/api\s+(\S+)/m.exec(goMod)?.[1];
  if (version === undefined) throw new Error('test/oracle/go.mod does not require istio.io/api');
  const cache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  return join(cache, `istio.io/api@${version}`);
}

function tokenize(text: string): string[] {
  // One pass, so a "/*" inside a line comment (a path glob) or a string starts nothing.
  const re = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\]|\\.)*"|[A-Za-z_][\w.]*|\.[A-Za-z_][\w.]*|\d+|[{}[\]()<>=;,.-]|\s+|./g;
  const out: string[] = [];
  for (const m of text.matchAll(re)) {
    const tok = m[0];
    if (tok.startsWith('//') || tok.startsWith('/*') || /^\s/.test(tok)) continue;
    out.push(tok);
  }
  return out;
}

function parseFile(text: string, messages: RawMessage[], enums: Map<string, Array<[string, number]>>): void {
  const t = tokenize(text);
  let i = 0;
  let pkg = '';
  const skipStatement = (): void => {
    let depth = 0;
    while (i < t.length) {
      const tok = t[i++];
      if (tok === '{' || tok === '[' || tok === '(') depth++;
      else if (tok === '}' || tok === ']' || tok === ')') depth--;
      else if (tok === ';' && depth === 0) return;
    }
  };
  const parseEnum = (scope: string): void => {
    const name = t[i++]!;
    i++; // {
    const values: Array<[string, number]> = [];
    while (t[i] !== '}') {
      if (t[i] === 'option' || t[i] === 'reserved') {
        skipStatement();
        continue;
      }
      // NAME = [-]NUMBER [options];
      const negative = t[i + 2] === '-';
      values.push([t[i]!, Number(t[i + (negative ? 3 : 2)]) * (negative ? -1 : 1)]);
      skipStatement();
    }
    i++;
    enums.set(`${scope}.${name}`, values);
  };
  const parseField = (fields: RawField[], oneof?: string): void => {
    let repeated = false;
    if (t[i] === 'repeated') {
      repeated = true;
      i++;
    } else if (t[i] === 'optional') i++;
    if (t[i] === 'map') {
      i += 2; // map <
      const key = t[i++]!;
      i++; // ,
      const value = t[i++]!;
      i++; // >
      fields.push({ name: t[i++]!, type: value, repeated: false, mapKey: key });
    } else {
      const type = t[i++]!;
      fields.push({ name: t[i++]!, type, repeated, ...(oneof !== undefined ? { oneof } : {}) });
    }
    skipStatement();
  };
  const parseMessage = (scope: string): void => {
    const fullName = `${scope}.${t[i++]!}`;
    i++; // {
    const msg: RawMessage = { fullName, scope: fullName, fields: [] };
    messages.push(msg);
    while (t[i] !== '}') {
      const tok = t[i];
      if (tok === 'message') {
        i++;
        parseMessage(fullName);
      } else if (tok === 'enum') {
        i++;
        parseEnum(fullName);
      } else if (tok === 'oneof') {
        const oneof = t[i + 1]!;
        i += 3; // oneof name {
        while (t[i] !== '}') {
          if (t[i] === 'option') skipStatement();
          else parseField(msg.fields, oneof);
        }
        i++;
      } else if (tok === 'option' || tok === 'reserved' || tok === 'extensions') {
        skipStatement();
      } else if (tok === ';') {
        i++;
      } else {
        parseField(msg.fields);
      }
    }
    i++;
  };
  while (i < t.length) {
    const tok = t[i++];
    if (tok === 'package') {
      pkg = t[i++]!;
      i++;
    } else if (tok === 'message') parseMessage(pkg);
    else if (tok === 'enum') parseEnum(pkg);
    else if (tok === 'service') throw new Error('services are not expected in these files');
    else if (tok !== ';') {
      i--;
      skipStatement();
    }
  }
}

function main(): void {
  const dir = apiDir();
  const messages: RawMessage[] = [];
  const enums = new Map<string, Array<[string, number]>>();
  for (const f of FILES) parseFile(readFileSync(join(dir, f), 'utf8'), messages, enums);
  const byName = new Map(messages.map((m) => [m.fullName, m]));
  const resolveType = (scope: string, ref: string): string => {
    if (SCALARS.has(ref)) return ref;
    if (ref.startsWith('.')) ref = ref.slice(1);
    const parts = scope.split('.');
    for (let n = parts.length; n >= 0; n--) {
      const candidate = [...parts.slice(0, n), ref].join('.');
      if (byName.has(candidate) || enums.has(candidate) || WELL_KNOWN.has(candidate)) return candidate;
    }
    throw new Error(`cannot resolve ${ref} in ${scope}`);
  };
  const outMessages = new Map<string, string[]>();
  const outEnums = new Set<string>();
  const visit = (name: string): void => {
    if (outMessages.has(name) || WELL_KNOWN.has(name)) return;
    const m = byName.get(name);
    if (m === undefined) throw new Error(`unknown message ${name}`);
    const rows: string[] = [];
    outMessages.set(name, rows);
    for (const fd of m.fields) {
      const type = resolveType(m.scope, fd.type);
      const row = [JSON.stringify(fd.name), JSON.stringify(type)];
      if (fd.mapKey !== undefined) row.push(JSON.stringify(fd.mapKey));
      else if (fd.repeated) row.push('1');
      else if (fd.oneof !== undefined) row.push('0', JSON.stringify(fd.oneof));
      rows.push(`[${row.join(', ')}]`);
      if (enums.has(type)) outEnums.add(type);
      else if (!SCALARS.has(type)) visit(type);
    }
  };
  for (const r of ROOTS) visit(r);
  const version = /istio\.io\/api@(\S+)$/.exec(dir)?.[1] ?? dir;
  const lines = [
    `// Generated by scripts/gen-proto-descriptors.ts from istio.io/api ${version}. Do not edit.`,
    '// Each enum lists its values as [name, number]; each message its fields in declaration order:',
    '// [proto name, type, 1 if repeated | map key type | 0, oneof].',
    "import type { MessageTable, EnumTable } from './descriptor.js';",
    '',
    'export const ENUMS: EnumTable = {',
    ...[...outEnums].sort().map((e) => `  ${JSON.stringify(e)}: [${enums.get(e)!.map(([n, v]) => `[${JSON.stringify(n)}, ${v}]`).join(', ')}],`),
    '};',
    '',
    'export const MESSAGES: MessageTable = {',
    ...[...outMessages.keys()].sort().flatMap((m) => [`  ${JSON.stringify(m)}: [`, ...outMessages.get(m)!.map((r) => `    ${r},`), '  ],']),
    '};',
    '',
  ];
  writeFileSync(OUT, lines.join('\n'));
  console.log(`${OUT}: ${outMessages.size} messages, ${outEnums.size} enums`);
}

main();
