import { isIP, parsePrefixError } from '../../go/netip.js';

/** Istio's IP checks are netip.ParseAddr; an IPv6 zone is accepted. */
export function isValidIP(addr: string): boolean {
  return isIP(addr);
}

/** netip.ParsePrefix acceptance (no zone, decimal bit count without leading zeros, within range). */
export function isValidCIDR(subnet: string): boolean {
  return parsePrefixError(subnet) === undefined;
}

export function validateIPAddress(addr: string): string | undefined {
  return isValidIP(addr) ? undefined : `${addr} is not a valid IP`;
}

/** A CIDR when it contains exactly one slash, otherwise a bare IP. */
export function validateIPSubnet(subnet: string): string | undefined {
  if ((subnet.match(/\//g) ?? []).length === 1) {
    return isValidCIDR(subnet) ? undefined : `${subnet} is not a valid CIDR block`;
  }
  return validateIPAddress(subnet);
}

/** Istio's ValidateUnixAddress for the part after `unix://`. */
export function validateUnixAddress(addr: string): string | undefined {
  if (addr.length === 0) return 'unix address must not be empty';
  if (addr.startsWith('@')) return undefined;
  if (!addr.startsWith('/') || addr.endsWith('/')) return `${addr} is not an absolute path to a file`;
  return undefined;
}
