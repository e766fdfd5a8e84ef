import {
  readEnum, readMessage, readMessageList, readNumber, readNumberMap, readString, readStringList, readStringMap, type JsonObject,
} from '../decode.js';
import { validateExportTo } from '../common/exportto.js';
import { validateFQDN, validatePartialWildcard, validateWildcardDomain } from '../common/hosts.js';
import { validateLabels } from '../common/labels.js';
import { isValidIP, validateIPSubnet, validateUnixAddress } from '../common/net.js';
import { isHTTPProtocol, isTLSProtocol, parseProtocol, validatePort, validatePortName, validateProtocol, type Protocol } from '../common/ports.js';
import { validateAlphaWorkloadSelector } from '../common/selector.js';
import { ValidationResult, type ObjectMetaLite } from '../result.js';

const RESOLUTIONS = ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS'] as const;
const LOCATIONS = ['MESH_EXTERNAL', 'MESH_INTERNAL'] as const;
const UNIX_PREFIX = 'unix://';

function isTCPProtocol(p: Protocol): boolean {
  return p === 'TCP' || p === 'HTTPS' || p === 'TLS' || p === 'Mongo' || p === 'Redis' || p === 'MySQL';
}

/**
 * validateWorkloadEntry as used for ServiceEntry endpoints (and exported for WorkloadEntry-like
 * callers). servicePorts undefined means "not inside a ServiceEntry".
 */
export function validateWorkloadEntryLike(
  we: JsonObject,
  servicePorts: ReadonlySet<string> | undefined,
  allowFQDNAddresses: boolean,
): ValidationResult {
  const v = new ValidationResult();
  const addr = readString(we, 'address') ?? '';
  const network = readString(we, 'network') ?? '';
  if (addr === '') {
    if (network === '') return v.addError('address is required');
    v.addWarning(`address is unset with network ${JSON.stringify(network)}`);
  }
  const ports = readNumberMap(we, 'ports', 'uint32') ?? {};
  let unix = false;
  if (addr.startsWith(UNIX_PREFIX)) {
    unix = true;
    v.addError(validateUnixAddress(addr.slice(UNIX_PREFIX.length)));
    if (Object.keys(ports).length !== 0) v.addError(`unix endpoint ${addr} must not include ports`);
  } else if (addr !== '' && !isValidIP(addr)) {
    if (!allowFQDNAddresses) v.addError(`endpoint address ${JSON.stringify(addr)} is not a valid IP address`);
    else if (validateFQDN(addr) !== undefined) v.addError(`endpoint address ${JSON.stringify(addr)} is not a valid FQDN or an IP address`);
  }
  for (const [name, port] of Object.entries(ports)) {
    if (servicePorts !== undefined && !servicePorts.has(name)) v.addError(`endpoint port ${port} is not defined by the service entry`);
    v.addError(validatePortName(name));
    v.addError(validatePort(port));
  }
  v.addErrTree(validateLabels(readStringMap(we, 'labels')));
  if (unix && servicePorts !== undefined && servicePorts.size !== 1) v.addError('exactly 1 service port required for unix endpoints');
  return v;
}

function autoAllocates(meta: ObjectMetaLite, resolution: string, addresses: readonly string[]): boolean {
  if (resolution === 'NONE') return false;
  const label = meta.labels['networking.istio.io/enable-autoallocate-ip'];
  if (label !== undefined && label.toLowerCase() === 'false') return false;
  return addresses.length === 0;
}

/** ValidateServiceEntry (validation.go). */
export function validateServiceEntry(spec: Record<string, unknown>, meta: ObjectMetaLite): ValidationResult {
  const v = new ValidationResult();
  const selector = readMessage(spec, 'workloadSelector');
  const sel = validateAlphaWorkloadSelector(selector);
  if (!sel.ok) return new ValidationResult(sel.err);
  if (sel.warn !== undefined) {
    v.addWarning('service entry: workload selector specified without labels, will be applied to all services in namespace');
  }
  const endpoints = readMessageList(spec, 'endpoints');
  if (selector !== undefined && endpoints !== undefined) v.addError('only one of WorkloadSelector or Endpoints is allowed in Service Entry');

  const location = readEnum(spec, 'location', 'istio.networking.v1alpha3.ServiceEntry.Location', LOCATIONS) ?? 'MESH_EXTERNAL';
  const resolution = readEnum(spec, 'resolution', 'istio.networking.v1alpha3.ServiceEntry.Resolution', RESOLUTIONS) ?? 'NONE';
  const hosts = readStringList(spec, 'hosts') ?? [];
  if (hosts.length === 0) v.addError('service entry must have at least one host');
  for (const h of hosts) {
    if (h === '*') {
      v.addError(`invalid host ${h}`);
    } else {
      v.addError(validateWildcardDomain(h));
      if (resolution !== 'DYNAMIC_DNS') v.addWarning(validatePartialWildcard(h));
    }
  }
  const addresses = readStringList(spec, 'addresses') ?? [];
  let cidr = false;
  for (const a of addresses) {
    cidr = cidr || a.includes('/');
    v.addError(validateIPSubnet(a));
  }
  if (cidr && resolution !== 'NONE' && resolution !== 'STATIC') v.addError('CIDR addresses are allowed only for NONE/STATIC resolution types');

  const autoAllocation = autoAllocates(meta, resolution, addresses);
  const ports = readMessageList(spec, 'ports') ?? [];
  const portNames = new Set<string>();
  const portNumbers = new Set<number>();
  for (const port of ports) {
    const name = readString(port, 'name') ?? '';
    const number = readNumber(port, 'number', 'uint32') ?? 0;
    const protocol = readString(port, 'protocol') ?? '';
    const targetPort = readNumber(port, 'targetPort', 'uint32') ?? 0;
    if (portNames.has(name)) v.addError(`service entry port name ${JSON.stringify(name)} already defined`);
    portNames.add(name);
    if (portNumbers.has(number)) v.addError(`service entry port ${number} already defined`);
    portNumbers.add(number);
    if (targetPort !== 0) v.addError(validatePort(targetPort));
    if (addresses.length === 0 && !autoAllocation && (protocol === '' || protocol === 'TCP')) {
      v.addWarning('addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled');
    }
    v.addError(validatePortName(name));
    v.addError(validateProtocol(protocol));
    v.addError(validatePort(number));
  }

  const eps = endpoints ?? [];
  switch (resolution) {
    case 'NONE':
      if (eps.length !== 0) v.addError('no endpoints should be provided for resolution type none');
      if (selector !== undefined) v.addWarning('workloadSelector should not be set when resolution mode is NONE');
      break;
    case 'STATIC':
      for (const ep of eps) v.merge(validateWorkloadEntryLike(ep, portNames, false));
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      if (eps.length === 0) {
        for (const h of hosts) {
          const err = validateFQDN(h);
          if (err !== undefined) {
            v.addError(`hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode ${resolution}, ${err}`);
            break;
          }
        }
      }
      if (resolution === 'DNS_ROUND_ROBIN' && eps.length > 1) v.addError(`there must only be 0 or 1 endpoint for resolution mode ${resolution}`);
      for (const ep of eps) {
        const addr = readString(ep, 'address') ?? '';
        if (!isValidIP(addr) && validateFQDN(addr) !== undefined) {
          v.addError(`endpoint address ${JSON.stringify(addr)} is not a valid FQDN or an IP address`);
        }
        v.addErrTree(validateLabels(readStringMap(ep, 'labels')));
        for (const [name, port] of Object.entries(readNumberMap(ep, 'ports', 'uint32') ?? {})) {
          if (!portNames.has(name)) v.addError(`endpoint port ${port} is not defined by the service entry`);
          v.addError(validatePortName(name));
          v.addError(validatePort(port));
        }
      }
      if (addresses.length > 0) {
        for (const port of ports) {
          if (isTCPProtocol(parseProtocol(readString(port, 'protocol') ?? ''))) {
            if (hosts.length > 1) {
              v.addWarning('service entry can not have more than one host specified simultaneously with address and tcp port');
            }
            break;
          }
        }
      }
      break;
    case 'DYNAMIC_DNS': {
      if (hosts.length === 0) v.addError(`at least one wildcard host must be provided for resolution type ${resolution}`);
      for (const h of hosts) if (!h.startsWith('*')) v.addError(`host must be wildcarded for resolution mode ${resolution}`);
      if (addresses.length !== 0) {
        v.addError(`addresses cannot be set for resolution type ${resolution}. HTTP route domains will only be generatedfrom the hosts field values`);
      }
      if (eps.length !== 0) {
        v.addError(`endpoints cannot be set for resolution type ${resolution}. Destination IP address determined from hostsfield values`);
      }
      for (const port of ports) {
        const p = parseProtocol(readString(port, 'protocol') ?? '');
        if (p !== 'HTTP' && p !== 'TLS' && p !== 'GRPC' && p !== 'HTTP2') {
          v.addError(`only HTTP, TLS, GRPC, and HTTP2 protocols are supported for resolution type ${resolution}`);
        }
      }
      if (location !== 'MESH_EXTERNAL' && location !== 'MESH_INTERNAL') {
        v.addError(`location must be MESH_EXTERNAL or MESH_INTERNAL for resolution type ${resolution}`);
      }
      const waypoint = meta.labels['istio.io/use-waypoint'];
      if (location === 'MESH_INTERNAL' && waypoint !== undefined && waypoint !== '' && waypoint.toLowerCase() !== 'none') {
        v.addError(`location MESH_INTERNAL with resolution type ${resolution} is not supported when using waypoints`);
      }
      break;
    }
    default:
      // An unknown enum number has no name in Go's ServiceEntry_Resolution_name map.
      v.addError('unsupported resolution type ');
  }

  if (resolution !== 'NONE' && hosts.length > 1) {
    for (const port of ports) {
      const p = parseProtocol(readString(port, 'protocol') ?? '');
      if (!isHTTPProtocol(p) && !isTLSProtocol(p)) {
        v.addError('multiple hosts provided with non-HTTP, non-TLS ports');
        break;
      }
    }
  }
  for (const e of validateExportTo(meta.namespace, readStringList(spec, 'exportTo'), true, false)) v.addError(e);
  return v;
}
