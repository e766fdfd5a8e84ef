/**
 * Istio's hostname grammar (pkg/config/labels, pkg/config/validation/agent). Unlike Kubernetes,
 * DNS labels may contain upper case.
 */
import { atoi } from '../../go/strconv.js';
import { isValidIP } from './net.js';

const DNS1123_LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_PREFIX = /^(\*|(\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;
const MAX_LABEL = 63;

export function isDNS1123Label(value: string): boolean {
  return value.length <= MAX_LABEL && DNS1123_LABEL.test(value);
}

export function isWildcardDNS1123Label(value: string): boolean {
  return value.length <= MAX_LABEL && WILDCARD_PREFIX.test(value);
}


export function checkDNS1123Preconditions(name: string): string | undefined {
  if (name.length > 255) return `domain name ${JSON.stringify(name)} too long (max 255)`;
  if (name.length === 0) return 'empty domain name not allowed';
  return undefined;
}

export function validateDNS1123Labels(domain: string): string | undefined {
  const parts = domain.split('.');
  const tld = parts[parts.length - 1] ?? '';
  if (atoi(tld).ok) {
    return `domain name ${JSON.stringify(domain)} invalid (top level domain ${JSON.stringify(tld)} cannot be all-numeric)`;
  }
  for (let i = 0; i < parts.length; i++) {
    const label = parts[i] ?? '';
    // A trailing dot (`istio.io.`) leaves an empty last label, which is allowed.
    if (i === parts.length - 1 && label === '') return undefined;
    if (!isDNS1123Label(label)) return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(label)} invalid)`;
  }
  return undefined;
}

export function validateFQDN(fqdn: string): string | undefined {
  return checkDNS1123Preconditions(fqdn) ?? validateDNS1123Labels(fqdn);
}

/** Only the first label may be a wildcard; short names are fine. */
export function validateWildcardDomain(domain: string): string | undefined {
  const pre = checkDNS1123Preconditions(domain);
  if (pre !== undefined) return pre;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (!isWildcardDNS1123Label(first)) return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(first)} invalid)`;
  if (dot >= 0) return validateDNS1123Labels(domain.slice(dot + 1));
  return undefined;
}

const OUTBOUND_FORMAT = 'outbound_.<PORT>_._.<HOSTNAME>';

/** VS hosts of gateway-bound SNI routes may use the auto-generated `outbound_.<port>_._.<host>` form. */
export function validateWildcardDomainForVirtualServiceBoundToGateway(sni: boolean, domain: string): string | undefined {
  const pre = checkDNS1123Preconditions(domain);
  if (pre !== undefined) return pre;
  if (sni && domain.startsWith('outbound_')) {
    const parts = domain.split('_');
    if (parts.length < 4) return `domain name ${domain} invalid, should follow '${OUTBOUND_FORMAT}' format`;
    const trim = (s: string): string => s.replace(/^\.+|\.+$/g, '');
    const direction = parts[0] ?? '';
    const port = trim(parts[1] ?? '');
    const hostname = trim(parts[3] ?? '');
    if (direction !== 'outbound') return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(direction)} invalid)`;
    if (!/[0-9]/.test(port)) {
      return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(port)} invalid). should follow ${OUTBOUND_FORMAT} format`;
    }
    if (!/[a-zA-Z]/.test(hostname)) {
      return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(hostname)} invalid). should follow ${OUTBOUND_FORMAT} format`;
    }
    return undefined;
  }
  return validateWildcardDomain(domain);
}

export function validatePartialWildcard(host: string): string | undefined {
  if (host.includes('*') && host.length !== 1 && !host.startsWith('*.')) return `partial wildcard ${JSON.stringify(host)} not allowed`;
  return undefined;
}

/**
 * The dnsName half of a Gateway server host or Sidecar egress host. Returns the list of errors in
 * Istio's order; for Sidecar a non-IP invalid name is reported twice (Istio quirk).
 */
export function validateSidecarOrGatewayHostnamePart(hostname: string, isGateway: boolean): string[] {
  const errs: string[] = [];
  if (hostname !== '*' && !hostname.includes('.')) errs.push('short names (non FQDN) are not allowed');
  const err = validateWildcardDomain(hostname);
  if (err !== undefined) {
    if (!isGateway) errs.push(err);
    if (!isValidIP(hostname)) errs.push(err);
  }
  const partial = validatePartialWildcard(hostname);
  if (partial !== undefined) errs.push(partial);
  return errs;
}

/** `[ns/]dnsName` hosts of Gateway servers and `ns/dnsName` hosts of Sidecar egress listeners. */
export function validateNamespaceSlashWildcardHostname(hostname: string, isGateway: boolean, gatewaySemantics: boolean): string[] {
  const slash = hostname.indexOf('/');
  if (slash < 0) {
    if (isGateway) return validateSidecarOrGatewayHostnamePart(hostname, true);
    return ['host must be of form namespace/dnsName'];
  }
  const ns = hostname.slice(0, slash);
  const name = hostname.slice(slash + 1);
  const errs: string[] = [];
  if (ns.length === 0 || name.length === 0) errs.push('config namespace and dnsName in host entry cannot be empty');
  if (!isGateway) {
    const bare = ns.startsWith('~') ? ns.slice(1) : ns;
    if (bare !== '' && bare !== '*' && bare !== '.' && !isDNS1123Label(bare)) {
      errs.push(`invalid namespace value ${JSON.stringify(ns)} in sidecar`);
    }
  } else if (ns !== '*' && ns !== '.' && (ns !== '~' || !gatewaySemantics)) {
    if (!isDNS1123Label(ns)) errs.push(`invalid namespace value ${JSON.stringify(ns)} in gateway`);
  }
  errs.push(...validateSidecarOrGatewayHostnamePart(name, isGateway));
  return errs;
}
