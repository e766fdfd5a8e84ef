import { readEnum, readMessage, readMessageList, readNumber, readString, type JsonObject } from '../decode.js';
import { ValidationResult, type KindValidator } from '../result.js';
import { goURLParse, goURLParseRequestURI } from '../../go/url.js';
import { validatePolicyTargeting } from '../common/extra-d.js';

const EXT = 'istio.extensions.v1alpha1';
export const PULL_POLICIES = ['UNSPECIFIED_POLICY', 'IfNotPresent', 'Always'] as const;
export const FAIL_STRATEGIES = ['FAIL_CLOSE', 'FAIL_OPEN', 'FAIL_RELOAD'] as const;
export const PLUGIN_TYPES = ['UNSPECIFIED_PLUGIN_TYPE', 'HTTP', 'NETWORK'] as const;
export const WORKLOAD_MODES = ['UNDEFINED', 'CLIENT', 'SERVER', 'CLIENT_AND_SERVER'] as const;
const ENV_SOURCES = ['INLINE', 'HOST'] as const;
const PHASES = ['UNSPECIFIED_PHASE', 'AUTHN', 'AUTHZ', 'STATS'] as const;

/**
 * strictParseURL: a request-URI first; failing that, the same text behind "http://" (so bare
 * "registry/image:tag" references work), then a full url.Parse to catch fragment errors.
 */
function strictParseURL(original: string): { scheme: string } | { err: string } {
  const first = goURLParseRequestURI(original);
  if (first.ok) {
    const full = goURLParse(original);
    if (!full.ok) return { err: `failed to strict parse url: ${full.err}` };
    return { scheme: first.url.scheme };
  }
  const withScheme = `http://${original}`;
  const second = goURLParseRequestURI(withScheme);
  if (!second.ok) return { err: `failed to parse url: ${first.err}` };
  const full = goURLParse(withScheme);
  if (!full.ok) return { err: `failed to strict parse url: ${full.err}` };
  return { scheme: second.url.scheme };
}

const VALID_SCHEMES = new Set(['', 'file', 'http', 'https', 'oci']);

export function wasmURLError(url: string): string | undefined {
  if (url === '') return 'url field needs to be set';
  const parsed = strictParseURL(url);
  if ('err' in parsed) return parsed.err;
  if (!VALID_SCHEMES.has(parsed.scheme)) return `url contains unsupported scheme: ${parsed.scheme}`;
  return undefined;
}

export function sha256Error(sha: string): string | undefined {
  if (sha === '') return undefined;
  if (sha.length !== 64) return 'sha256 field must be 64 characters long';
  if (!/^[a-f0-9]*$/.test(sha)) return 'sha256 field must match [a-f0-9]{64} pattern';
  return undefined;
}

/** Go measures string length in bytes. */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export function imagePullSecretError(secret: string): string | undefined {
  return byteLength(secret) > 253 ? 'imagePullSecret field must be less than 253 characters long' : undefined;
}

interface EnvVar {
  name: string;
  value: string;
  valueFrom: string;
}

export function readVmConfig(o: JsonObject): EnvVar[] {
  const vm = readMessage(o, 'vmConfig');
  if (vm === undefined) return [];
  return (readMessageList(vm, 'env') ?? []).map((e) => ({
    name: readString(e, 'name') ?? '',
    value: readString(e, 'value') ?? '',
    valueFrom: readEnum(e, 'valueFrom', `${EXT}.EnvValueSource`, ENV_SOURCES) ?? 'INLINE',
  }));
}

/** validateWasmPluginVMConfig: stops at the first problem. */
export function vmConfigError(env: readonly EnvVar[]): string | undefined {
  const seen = new Set<string>();
  for (const e of env) {
    if (e.name === '') return 'spec.vmConfig.env invalid';
    if (byteLength(e.name) > 256) return 'env.name field must be less than 255 characters long';
    if (seen.has(e.name)) return 'duplicate env';
    seen.add(e.name);
    if (e.valueFrom !== 'INLINE' && e.value !== '') return 'value may only be set when valueFrom is INLINE';
  }
  return undefined;
}

export function readMatch(o: JsonObject): number[][] {
  return (readMessageList(o, 'match') ?? []).map((sel) => {
    readEnum(sel, 'mode', `${EXT}.WorkloadMode`, WORKLOAD_MODES);
    return (readMessageList(sel, 'ports') ?? []).map((p) => readNumber(p, 'number', 'uint32') ?? 0);
  });
}

/** validateWasmPluginMatch / validateTrafficExtensionMatch: stops at the first bad port. */
export function matchPortsError(match: readonly number[][]): string | undefined {
  for (let s = 0; s < match.length; s++) {
    const ports = match[s] ?? [];
    for (let p = 0; p < ports.length; p++) {
      const n = ports[p] ?? 0;
      if (n <= 0 || n > 65535) return `spec.Match[${s}].Ports[${p}] is out of range: ${n}`;
    }
  }
  return undefined;
}

/** Fields shared by WasmPlugin and TrafficExtension.wasm. */
export function readWasmCommon(o: JsonObject): {
  url: string;
  sha256: string;
  imagePullSecret: string;
  pluginName: string;
  env: EnvVar[];
} {
  readEnum(o, 'imagePullPolicy', `${EXT}.PullPolicy`, PULL_POLICIES);
  readEnum(o, 'failStrategy', `${EXT}.FailStrategy`, FAIL_STRATEGIES);
  readEnum(o, 'type', `${EXT}.PluginType`, PLUGIN_TYPES);
  readString(o, 'verificationKey');
  readMessage(o, 'pluginConfig');
  return {
    url: readString(o, 'url') ?? '',
    sha256: readString(o, 'sha256') ?? '',
    imagePullSecret: readString(o, 'imagePullSecret') ?? '',
    pluginName: readString(o, 'pluginName') ?? '',
    env: readVmConfig(o),
  };
}

/** ValidateWasmPlugin. */
export const validateWasmPlugin: KindValidator = (spec) => {
  const targeting = validatePolicyTargeting(spec);
  const w = readWasmCommon(spec);
  readEnum(spec, 'phase', `${EXT}.PluginPhase`, PHASES);
  readNumber(spec, 'priority', 'int32');
  const match = readMatch(spec);

  const res = new ValidationResult();
  res.merge(targeting);
  res.addError(wasmURLError(w.url));
  res.addError(sha256Error(w.sha256));
  res.addError(imagePullSecretError(w.imagePullSecret));
  if (byteLength(w.pluginName) > 256) res.addError('pluginName field must be less than 255 characters long');
  res.addError(vmConfigError(w.env));
  res.addError(matchPortsError(match));
  return res;
};
