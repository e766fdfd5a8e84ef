import { readEnum, readMessage, readMessageList, readString, readStringList, type JsonObject } from '../decode.js';
import { ValidationResult, formatErr, prefixErr, type ErrTree, type KindValidator } from '../result.js';
import { goQuote, parseUint } from '../../go/strconv.js';
import { parseAddrError, parsePrefixError } from '../../go/netip.js';
import {
  validateOneOfSelectorType,
  validatePolicyTargetReference,
  validatePolicyTargetReferences,
  validateWorkloadSelector,
} from '../common/selector.js';

const ACTIONS = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'] as const;

// ---------------------------------------------------------------------------------------------
// pkg/config/security helpers

function multi(msgs: string[]): ErrTree | undefined {
  return msgs.length === 0 ? undefined : { multi: true, msgs };
}

/** security.ValidateIPs: every bad entry, as a multierror. */
export function ipsError(values: readonly string[]): ErrTree | undefined {
  const msgs: string[] = [];
  for (const v of values) {
    if (v.includes('/')) {
      const e = parsePrefixError(v);
      if (e !== undefined) msgs.push(`bad CIDR range (${v}): ${e}`);
    } else if (parseAddrError(v) !== undefined) {
      msgs.push(`bad IP address (${v})`);
    }
  }
  return multi(msgs);
}

/** security.ValidatePorts: strconv.ParseUint(port, 10, 32) and at most 65535. */
export function portsError(values: readonly string[]): ErrTree | undefined {
  const msgs: string[] = [];
  for (const p of values) {
    const n = parseUint(p, 32);
    if (!n.ok) {
      msgs.push(`bad port (${p}): ${n.error}`);
    } else if (n.value > 65535) {
      msgs.push(`bad port (${p}): <nil>`);
    }
  }
  return multi(msgs);
}

export function emptyValuesError(key: string, values: readonly string[]): string | undefined {
  return values.some((v) => v === '') ? `empty value not allowed, found in ${key}` : undefined;
}

function wildcardValuesError(key: string, values: readonly string[]): string | undefined {
  const e = emptyValuesError(key, values);
  if (e !== undefined) return e;
  for (const v of values) {
    const count = v.split('*').length - 1;
    if (count > 1) return `at most one wildcard is allowed, found in ${key}: ${goQuote(v)}`;
    if (count === 1 && v !== '*' && !v.startsWith('*') && !v.endsWith('*')) {
      return `wildcard is only allowed at the start or end, found in ${key}: ${goQuote(v)}`;
    }
  }
  return undefined;
}

function trustDomainValuesError(key: string, values: readonly string[]): string | undefined {
  const e = wildcardValuesError(key, values);
  if (e !== undefined) return e;
  for (const v of values) {
    if (v.includes('/')) return `trust domain must not contain '/', found in ${key}: ${goQuote(v)}`;
  }
  return undefined;
}

export function serviceAccountError(key: string, values: readonly string[]): string | undefined {
  if (values.length > 16) return 'may not have more than 16 values';
  const format = "expected format 'serviceAccount' or 'namespace/serviceAccount'";
  for (const v of values) {
    if (v === '') return `empty value not allowed, found in ${key}`;
    if (v.includes('*')) return `wildcard not allowed, found in ${key}`;
    const slashes = v.split('/').length - 1;
    if (slashes !== 0 && slashes !== 1) return `${format}, found ${goQuote(v)} in ${key}`;
    if (Buffer.byteLength(v, 'utf8') > 320) return `value cannot exceed 320 characters, found ${goQuote(v)} in ${key}`;
    if (slashes === 1) {
      const [ns, sa] = v.split('/');
      if ((ns ?? '') === '') return `${format}, found empty namespace ${goQuote(v)} in ${key}`;
      if ((sa ?? '') === '') return `${format}, found empty serviceAccount ${goQuote(v)} in ${key}`;
    }
  }
  return undefined;
}

const VALID_LITERAL = /^[a-zA-Z0-9\-._~%!$&'()+,;:@=]+$/;

export function pathTemplateError(key: string, paths: readonly string[]): string | undefined {
  for (const original of paths) {
    const hasTemplate = original.includes('{*}') || original.includes('{**}');
    const path = original.replace(/^\/+/, '').replace(/\/+$/, '');
    let sawAny = false;
    for (const glob of path.split('/')) {
      if (glob === '{*}' && !sawAny) continue;
      if (glob === '{**}' && !sawAny) {
        sawAny = true;
        continue;
      }
      if ((glob === '{**}' || glob === '{*}') && sawAny) {
        return `invalid or unsupported path ${path}, found in ${key}. {**} is not the last operator`;
      }
      if (glob.includes('{') || glob.includes('}')) {
        return `invalid or unsupported path ${path}, found in ${key}. Contains '{' or '}' beyond a supported path template`;
      }
      if (hasTemplate && !VALID_LITERAL.test(glob)) {
        return `invalid or unsupported path ${path}, found in ${key}. Contains segment ${glob} with invalid string literal`;
      }
    }
  }
  return undefined;
}

function mapKeyError(key: string): string | undefined {
  const open = key.indexOf('[');
  if (key.endsWith(']') && open > 0 && open < key.length - 2) return undefined;
  return `bad key (${key}): should have format a[b]`;
}

/** security.ValidateAttribute; the result is printed with %v, so a multierror shows its layout. */
export function attributeError(key: string, values: readonly string[]): string | undefined {
  const empty = emptyValuesError(key, values);
  if (empty !== undefined) return empty;
  const tree = (t: ErrTree | undefined): string | undefined => (t === undefined ? undefined : formatErr(t));
  if (key.startsWith('request.headers')) return mapKeyError(key);
  switch (key) {
    case 'source.ip':
    case 'remote.ip':
    case 'destination.ip':
      return tree(ipsError(values));
    case 'source.namespace':
    case 'source.principal':
    case 'request.auth.principal':
    case 'request.auth.audiences':
    case 'request.auth.presenter':
    case 'connection.sni':
      return undefined;
    case 'source.serviceAccount':
      return serviceAccountError(key, values);
    case 'source.trustDomain':
      return wildcardValuesError(key, values);
    case 'destination.port':
      return tree(portsError(values));
    default:
  }
  if (key.startsWith('request.auth.claims')) return mapKeyError(key);
  if (key.startsWith('experimental.envoy.filters.')) return mapKeyError(key);
  if (key === 'destination.namespace') return `attribute ${key} is replaced by the metadata.namespace`;
  if (key.startsWith('destination.labels')) return `attribute ${key} is replaced by the workload selector`;
  if (key === 'destination.name' || key === 'destination.user') {
    return `deprecated attribute ${key}: only supported in v1alpha1`;
  }
  return `unknown attribute: ${key}`;
}

// ---------------------------------------------------------------------------------------------

const SOURCE_FIELDS = [
  'principals',
  'notPrincipals',
  'requestPrincipals',
  'notRequestPrincipals',
  'namespaces',
  'notNamespaces',
  'ipBlocks',
  'notIpBlocks',
  'remoteIpBlocks',
  'notRemoteIpBlocks',
  'serviceAccounts',
  'notServiceAccounts',
  'trustDomains',
  'notTrustDomains',
] as const;
type SourceField = (typeof SOURCE_FIELDS)[number];
type Source = Record<SourceField, string[]>;

const OPERATION_FIELDS = ['hosts', 'notHosts', 'ports', 'notPorts', 'methods', 'notMethods', 'paths', 'notPaths'] as const;
type OperationField = (typeof OPERATION_FIELDS)[number];
type Operation = Record<OperationField, string[]>;

interface Condition {
  key: string;
  values: string[];
  notValues: string[];
}

interface Rule {
  /** jsonpb leaves an empty JSON list as a nil Go slice, so [] and absent read the same. */
  from: Array<Source | undefined>;
  to: Array<Operation | undefined>;
  when: Condition[];
}

function readSource(o: JsonObject): Source {
  const out: Partial<Source> = {};
  for (const f of SOURCE_FIELDS) out[f] = readStringList(o, f) ?? [];
  return out as Source;
}

function readOperation(o: JsonObject): Operation {
  const out: Partial<Operation> = {};
  for (const f of OPERATION_FIELDS) out[f] = readStringList(o, f) ?? [];
  return out as Operation;
}

function readRule(o: JsonObject): Rule {
  return {
    from: (readMessageList(o, 'from') ?? []).map((f) => {
      const s = readMessage(f, 'source');
      return s === undefined ? undefined : readSource(s);
    }),
    to: (readMessageList(o, 'to') ?? []).map((t) => {
      const op = readMessage(t, 'operation');
      return op === undefined ? undefined : readOperation(op);
    }),
    when: (readMessageList(o, 'when') ?? []).map((w) => ({
      key: readString(w, 'key') ?? '',
      values: readStringList(w, 'values') ?? [],
      notValues: readStringList(w, 'notValues') ?? [],
    })),
  };
}

const CUSTOM_SOURCE_CHECKS: ReadonlyArray<[SourceField, string]> = [
  ['namespaces', 'From.Namespaces'],
  ['notNamespaces', 'From.NotNamespaces'],
  ['serviceAccounts', 'From.ServiceAccounts'],
  ['notServiceAccounts', 'From.NotServiceAccounts'],
  ['trustDomains', 'From.TrustDomains'],
  ['notTrustDomains', 'From.NotTrustDomains'],
  ['principals', 'From.Principals'],
  ['notPrincipals', 'From.NotPrincipals'],
  ['requestPrincipals', 'From.RequestPrincipals'],
  ['notRequestPrincipals', 'From.NotRequestPrincipals'],
];

const MEANINGLESS =
  'action without `rules` is meaningless as it will never be triggered, ' +
  'add an empty rule `{}` if you want it be triggered for every request';

const DENY_TCP_WARNING =
  'configured AuthorizationPolicy will deny all traffic to TCP ports under its scope due to the use of only ' +
  'HTTP attributes in a DENY rule; it is recommended to explicitly specify the port';

function checkSource(src: Source, i: number, errs: ValidationResult): void {
  const n = (f: SourceField): number => src[f].length;
  if (n('principals') + n('notPrincipals') + n('namespaces') + n('notNamespaces') > 0 &&
    n('serviceAccounts') + n('notServiceAccounts') > 0) {
    errs.addError(`cannot set serviceAccounts with namespaces or principals, found at rule ${i}`);
  }
  if (SOURCE_FIELDS.every((f) => n(f) === 0)) errs.addError(`\`from.source\` must not be empty, found at rule ${i}`);
  errs.addErrTree(ipsError(src.ipBlocks));
  errs.addErrTree(ipsError(src.notIpBlocks));
  errs.addErrTree(ipsError(src.remoteIpBlocks));
  errs.addErrTree(ipsError(src.notRemoteIpBlocks));
  errs.addError(emptyValuesError('Principals', src.principals));
  errs.addError(emptyValuesError('RequestPrincipals', src.requestPrincipals));
  errs.addError(emptyValuesError('Namespaces', src.namespaces));
  errs.addError(serviceAccountError('ServiceAccounts', src.serviceAccounts));
  errs.addError(trustDomainValuesError('TrustDomains', src.trustDomains));
  errs.addError(emptyValuesError('IpBlocks', src.ipBlocks));
  errs.addError(emptyValuesError('RemoteIpBlocks', src.remoteIpBlocks));
  errs.addError(emptyValuesError('NotPrincipals', src.notPrincipals));
  errs.addError(emptyValuesError('NotRequestPrincipals', src.notRequestPrincipals));
  errs.addError(emptyValuesError('NotNamespaces', src.notNamespaces));
  errs.addError(serviceAccountError('NotServiceAccounts', src.notServiceAccounts));
  errs.addError(trustDomainValuesError('NotTrustDomains', src.notTrustDomains));
  errs.addError(emptyValuesError('NotIpBlocks', src.notIpBlocks));
  errs.addError(emptyValuesError('NotRemoteIpBlocks', src.notRemoteIpBlocks));
}

function checkOperation(op: Operation, i: number, errs: ValidationResult): void {
  if (OPERATION_FIELDS.every((f) => op[f].length === 0)) {
    errs.addError(`\`to.operation\` must not be empty, found at rule ${i}`);
  }
  errs.addErrTree(portsError(op.ports));
  errs.addErrTree(portsError(op.notPorts));
  errs.addError(emptyValuesError('Ports', op.ports));
  errs.addError(emptyValuesError('Methods', op.methods));
  errs.addError(emptyValuesError('Paths', op.paths));
  errs.addError(emptyValuesError('Hosts', op.hosts));
  errs.addError(emptyValuesError('NotPorts', op.notPorts));
  errs.addError(emptyValuesError('NotMethods', op.notMethods));
  errs.addError(emptyValuesError('NotPaths', op.notPaths));
  errs.addError(emptyValuesError('NotHosts', op.notHosts));
  errs.addError(pathTemplateError('Paths', op.paths));
  errs.addError(pathTemplateError('NotPaths', op.notPaths));
}

/** ValidateAuthorizationPolicy; every error is prefixed with `invalid policy <name>.<ns>:`. */
export const validateAuthorizationPolicy: KindValidator = (spec, meta) => {
  const selector = readMessage(spec, 'selector');
  const targetRef = readMessage(spec, 'targetRef');
  const targetRefs = readMessageList(spec, 'targetRefs');
  const action = readEnum(spec, 'action', 'istio.security.v1beta1.AuthorizationPolicy.Action', ACTIONS) ?? 'ALLOW';
  const provider = readMessage(spec, 'provider');
  const providerName = provider === undefined ? '' : (readString(provider, 'name') ?? '');
  const rules = (readMessageList(spec, 'rules') ?? []).map(readRule);
  const rulesNil = rules.length === 0;

  const errs = new ValidationResult();
  const selectorValidation = validateWorkloadSelector(selector);
  errs.mergeErrorsOnly(validateOneOfSelectorType(spec));
  errs.mergeErrorsOnly(selectorValidation);
  errs.mergeErrorsOnly(validatePolicyTargetReference(targetRef));
  errs.mergeErrorsOnly(validatePolicyTargetReferences(targetRefs));
  errs.warn = selectorValidation.warn;

  if (action === 'CUSTOM') {
    if (rulesNil) errs.addError(`CUSTOM ${MEANINGLESS}`);
    else if (providerName === '') errs.addError('`provider.name` must not be empty');
    for (const rule of rules) {
      for (const src of rule.from) {
        if (src === undefined) continue;
        for (const [f, label] of CUSTOM_SOURCE_CHECKS) {
          if (src[f].length !== 0) errs.addError(`${label} is currently not supported with CUSTOM action`);
        }
      }
      for (const w of rule.when) {
        const unsupported =
          ['source.namespace', 'source.serviceAccount', 'source.trustDomain', 'source.principal'].includes(w.key) ||
          w.key.startsWith('request.auth.');
        // Go runs five separate checks; request.auth.* can only match the last, so at most one fires.
        if (unsupported) errs.addError(`${w.key} is currently not supported with CUSTOM action`);
      }
    }
  }
  if (provider !== undefined && action !== 'CUSTOM') {
    errs.addError(`\`provider\` must not be with non CUSTOM action, found ${action}`);
  }
  if (action === 'DENY' && rulesNil) errs.addError(`DENY ${MEANINGLESS}`);

  rules.forEach((rule, i) => {
    let tcpInFrom = false;
    let tcpInTo = false;
    let fromExists = false;
    let toExists = false;
    for (const src of rule.from) {
      if (src === undefined) {
        errs.addError(`\`from.source\` must not be nil, found at rule ${i}`);
        continue;
      }
      fromExists = true;
      checkSource(src, i, errs);
      const tcpFields: SourceField[] = [
        'notPrincipals', 'principals', 'ipBlocks', 'notIpBlocks', 'namespaces', 'notNamespaces',
        'remoteIpBlocks', 'notRemoteIpBlocks', 'serviceAccounts', 'notServiceAccounts',
      ];
      if (tcpFields.some((f) => src[f].length > 0)) tcpInFrom = true;
    }
    for (const op of rule.to) {
      if (op === undefined) {
        errs.addError(`\`to.operation\` must not be nil, found at rule ${i}`);
        continue;
      }
      toExists = true;
      checkOperation(op, i, errs);
      if (op.ports.length > 0 || op.notPorts.length > 0) tcpInTo = true;
    }
    for (const c of rule.when) {
      if (c.key === '') {
        errs.addError('`key` must not be empty');
      } else if (c.values.length === 0 && c.notValues.length === 0) {
        errs.addError(`at least one of \`values\` or \`notValues\` must be set for key ${c.key}`);
      } else {
        const ve = attributeError(c.key, c.values);
        if (ve !== undefined) errs.addError(`invalid \`value\` for \`key\` ${c.key}: ${ve}`);
        const ne = attributeError(c.key, c.notValues);
        if (ne !== undefined) errs.addError(`invalid \`notValue\` for \`key\` ${c.key}: ${ne}`);
      }
    }
    if (((fromExists && !toExists && !tcpInFrom) || (toExists && !tcpInTo)) && action === 'DENY') {
      errs.addWarning(DENY_TCP_WARNING);
    }
  });

  if (errs.err !== undefined) errs.err = prefixErr(errs.err, `invalid policy ${meta.name}.${meta.namespace}:`);
  return errs;
};
