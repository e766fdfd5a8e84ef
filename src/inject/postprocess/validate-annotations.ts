import { parseYamlDocument } from '../../k8s/yaml-parse.js';
import { admissionError } from '../../errors.js';
import { formatMultiError } from '../../go/multierror.js';
import { goQuote, parseBool, parseUint } from '../../go/strconv.js';
import { parsePrefixError } from '../../go/netip.js';
import { quantityError } from './quantity.js';
import { proxyConfigTypeError } from '../settings/proxy-config-types.js';
import { proxyConfigRuleErrors } from './proxy-config-rules.js';

/**
 * Istio's injection-time annotation checks (pkg/kube/inject/validate.go, `AnnotationValidation`).
 * Each rule returns undefined when the value is acceptable, else Istio's reason text.
 */
type Rule = (value: string) => string | undefined;

function portError(portStr: string): string | undefined {
  const parsed = parseUint(portStr.trim(), 16);
  return parsed.ok ? undefined : `failed parsing port '${portStr}': ${parsed.error}`;
}

/** Istio's parsePorts: whole list trimmed, split on ',', each entry trimmed; the error names it twice. */
function portListError(ports: string): string | undefined {
  const trimmed = ports.trim();
  if (trimmed.length === 0) return undefined;
  for (const entry of trimmed.split(',')) {
    const e = portError(entry);
    if (e !== undefined) return `failed parsing port '${entry}': ${e}`;
  }
  return undefined;
}

function namedPortList(parameter: string): Rule {
  return (v) => {
    const e = portListError(v);
    return e === undefined ? undefined : `${parameter} invalid: ${e}`;
  };
}

function cidrListError(cidrs: string): string | undefined {
  if (cidrs.length === 0) return undefined;
  for (const cidr of cidrs.split(',')) {
    const e = parsePrefixError(cidr);
    if (e !== undefined) return `failed parsing cidr '${cidr}': ${e}`;
  }
  return undefined;
}

const INTERFACE_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]*$/;

/** Istio's netutil.ValidateInterfaceNames (Linux IFNAMSIZ is 16 including the NUL). */
function interfaceNamesError(interfaces: string): string | undefined {
  if (interfaces.length === 0) return undefined;
  for (const raw of interfaces.split(',')) {
    const iface = raw.trim();
    if (iface.length === 0) return 'empty interface name';
    if (Buffer.byteLength(iface, 'utf8') > 15) return `interface name ${goQuote(iface)} too long (max 15 chars)`;
    if (!INTERFACE_NAME.test(iface)) return `interface name ${goQuote(iface)} contains invalid characters`;
  }
  return undefined;
}

function isControl(cp: number): boolean {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

function resourceQuantityError(value: string): string | undefined {
  for (const ch of value) {
    if (isControl(ch.codePointAt(0) ?? 0)) return 'value contains control characters';
  }
  return quantityError(value);
}

const validateInterceptionMode: Rule = (mode) =>
  mode === 'REDIRECT' || mode === 'TPROXY' || mode === 'NONE'
    ? undefined
    : `interceptionMode invalid, use REDIRECT,TPROXY,NONE: ${mode}`;

// Istio reuses the excludeInboundPorts wording for the status port; users grep for it as-is.
const validateStatusPort: Rule = (port) => {
  const e = portError(port);
  return e === undefined ? undefined : `excludeInboundPorts invalid: ${e}`;
};

const validateUInt32: Rule = (v) => {
  const r = parseUint(v, 32);
  return r.ok ? undefined : r.error;
};

const validateBool: Rule = (v) => {
  const r = parseBool(v);
  return r.ok ? undefined : r.error;
};

const validateIncludeIPRanges: Rule = (v) => {
  if (v === '*') return undefined;
  const e = cidrListError(v);
  return e === undefined ? undefined : `includeIPRanges invalid: ${e}`;
};

const validateExcludeIPRanges: Rule = (v) => {
  const e = cidrListError(v);
  return e === undefined ? undefined : `excludeIPRanges invalid: ${e}`;
};

const validateIncludeInboundPorts: Rule = (v) => (v === '*' ? undefined : namedPortList('includeInboundPorts')(v));

/**
 * `proxy.istio.io/config`: Istio applies the YAML over DefaultProxyConfig (jsonpb: the first type error fails
 * it) and runs agent.ValidateMeshConfigProxyConfig over the result.
 */
const validateProxyConfig: Rule = (value) => {
  let doc: unknown;
  try {
    doc = parseYamlDocument(value);
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return `failed to convert to apply proxy config: ${why}`;
  }
  if (doc === null || doc === undefined) return undefined;
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    return 'failed to convert to apply proxy config: proxy config must be a YAML mapping';
  }
  const cfg = doc as Record<string, unknown>;
  const typeError = proxyConfigTypeError(cfg);
  if (typeError !== undefined) return `failed to convert to apply proxy config: ${typeError}`;
  const errs = proxyConfigRuleErrors(cfg);
  return errs.length === 0 ? undefined : formatMultiError(errs);
};

/** Annotation name → rule; the names are Istio's (istio/api annotation package). */
export const ANNOTATION_RULES: Readonly<Record<string, Rule>> = {
  'sidecar.istio.io/interceptionMode': validateInterceptionMode,
  'status.sidecar.istio.io/port': validateStatusPort,
  'readiness.status.sidecar.istio.io/initialDelaySeconds': validateUInt32,
  'readiness.status.sidecar.istio.io/periodSeconds': validateUInt32,
  'readiness.status.sidecar.istio.io/failureThreshold': validateUInt32,
  'traffic.sidecar.istio.io/includeOutboundIPRanges': validateIncludeIPRanges,
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': validateExcludeIPRanges,
  'traffic.sidecar.istio.io/includeInboundPorts': validateIncludeInboundPorts,
  'traffic.sidecar.istio.io/excludeInboundPorts': namedPortList('excludeInboundPorts'),
  'traffic.sidecar.istio.io/excludeOutboundPorts': namedPortList('excludeOutboundPorts'),
  'traffic.sidecar.istio.io/excludeInterfaces': interfaceNamesError,
  'traffic.sidecar.istio.io/kubevirtInterfaces': interfaceNamesError,
  'istio.io/reroute-virtual-interfaces': interfaceNamesError,
  'prometheus.istio.io/merge-metrics': validateBool,
  'proxy.istio.io/config': validateProxyConfig,
  'sidecar.istio.io/proxyCPU': resourceQuantityError,
  'sidecar.istio.io/proxyMemory': resourceQuantityError,
  'sidecar.istio.io/proxyCPULimit': resourceQuantityError,
  'sidecar.istio.io/proxyMemoryLimit': resourceQuantityError,
};

/**
 * Every invalid annotation as Istio's message `invalid value '<v>' for annotation '<name>': <why>`.
 * Istio walks a Go map (random order); we sort by annotation name so denials are reproducible.
 * Join them with `formatMultiError` to get the exact text Istio sends back.
 */
export function validateAnnotations(annotations: Record<string, string> | undefined): string[] {
  if (!annotations) return [];
  const out: string[] = [];
  for (const name of Object.keys(annotations).sort()) {
    const rule = Object.hasOwn(ANNOTATION_RULES, name) ? ANNOTATION_RULES[name] : undefined;
    const value = annotations[name];
    if (!rule || typeof value !== 'string') continue;
    const why = rule(value);
    if (why !== undefined) out.push(admissionError('MA203_INVALID_ANNOTATION', value, name, why).message);
  }
  return out;
}
