import { isIP } from 'node:net';

/**
 * Go netip.ParseAddr acceptance: strict dotted-quad IPv4 (no leading zeros), IPv6 with an
 * optional zone. Node's isIP follows the same grammar for the cases that matter here.
 */
export function isValidIP(addr: string): boolean {
  if (addr.length === 0) return false;
  return isIP(addr) !== 0;
}

/** netip.ParsePrefix: no zone, prefix length in decimal without leading zeros and within range. */
export function isValidCIDR(subnet: string): boolean {
  const slash = subnet.lastIndexOf('/');
  if (slash < 0) return false;
  const addr = subnet.slice(0, slash);
  const bits = subnet.slice(slash + 1);
  if (addr.includes('%')) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (!/^(0|[1-9][0-9]{0,2})$/.test(bits)) return false;
  const n = Number(bits);
  const mapped = family === 6 && addr.includes('.');
  return n <= (family === 4 ? 32 : 128) && !(mapped && n > 128);
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
