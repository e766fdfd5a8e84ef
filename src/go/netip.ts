import { atoi, goQuote } from './strconv.js';

/**
 * Go's net/netip parsers as validators. Istio checks IP addresses, CIDR ranges and the traffic
 * IP-range annotations with them and puts their error text in its messages, so the parse follows
 * Go's rules step for step (no leading zeros in IPv4 octets, no zones in prefixes, no signed or
 * zero-padded bit counts) rather than Node's net.isIP, which disagrees at the edges.
 */

/** `netip.ParsePrefix`: undefined when the prefix is valid, else Go's error string. */
export function parsePrefixError(s: string): string | undefined {
  const fail = (msg: string) => `netip.ParsePrefix(${goQuote(s)}): ${msg}`;
  const slash = s.lastIndexOf('/');
  if (slash < 0) return fail("no '/'");
  const addr = parseAddr(s.slice(0, slash));
  if (!addr.ok) return fail(addr.error);
  if (addr.is6 && addr.zone !== '') return fail('IPv6 zones cannot be present in a prefix');
  const bitsStr = s.slice(slash + 1);
  const badBits = fail(`bad bits after slash: ${goQuote(bitsStr)}`);
  if (bitsStr.length > 1 && !(bitsStr[0]! >= '1' && bitsStr[0]! <= '9')) return badBits;
  const bits = atoi(bitsStr);
  if (!bits.ok) return badBits;
  const maxBits = addr.is6 ? 128 : 32;
  if (bits.value < 0 || bits.value > maxBits) return fail('prefix length out of range');
  return undefined;
}

export type AddrResult = { ok: true; is6: boolean; zone: string } | { ok: false; error: string };

function addrError(input: string, msg: string, at?: string): AddrResult {
  const tail = at !== undefined && at !== '' ? ` (at ${goQuote(at)})` : '';
  return { ok: false, error: `ParseAddr(${goQuote(input)}): ${msg}${tail}` };
}

/** `netip.ParseAddr`: undefined when the address is valid, else Go's error string. */
export function parseAddrError(s: string): string | undefined {
  const r = parseAddr(s);
  return r.ok ? undefined : r.error;
}

/** Whether `netip.ParseAddr` accepts the text. */
export function isIP(s: string): boolean {
  return parseAddr(s).ok;
}

/** Go `netip.ParseAddr`: the first '.', ':' or '%' decides the family. */
export function parseAddr(s: string): AddrResult {
  for (const ch of s) {
    if (ch === '.') return parseIPv4(s);
    if (ch === ':') return parseIPv6(s);
    if (ch === '%') return addrError(s, 'missing IPv6 address');
  }
  return addrError(s, 'unable to parse IP');
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function parseIPv4(s: string): AddrResult {
  let val = 0;
  let pos = 0;
  let digLen = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (isDigit(c)) {
      if (digLen === 1 && val === 0) return addrError(s, 'IPv4 field has octet with leading zero');
      val = val * 10 + (c.charCodeAt(0) - 48);
      digLen++;
      if (val > 255) return addrError(s, 'IPv4 field has value >255');
    } else if (c === '.') {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') {
        return addrError(s, 'IPv4 field must have at least one digit', s.slice(i));
      }
      if (pos === 3) return addrError(s, 'IPv4 address too long');
      pos++;
      val = 0;
      digLen = 0;
    } else {
      return addrError(s, 'unexpected character', s.slice(i));
    }
  }
  if (pos < 3) return addrError(s, 'IPv4 address too short');
  return { ok: true, is6: false, zone: '' };
}

function hexValue(c: string): number {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  if (c >= 'a' && c <= 'f') return c.charCodeAt(0) - 87;
  if (c >= 'A' && c <= 'F') return c.charCodeAt(0) - 55;
  return -1;
}

function parseIPv6(input: string): AddrResult {
  let s = input;
  let zone = '';
  const pct = s.indexOf('%');
  if (pct !== -1) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (zone === '') return addrError(input, 'zone must be a non-empty string');
  }
  let ellipsis = -1;
  if (s.length >= 2 && s[0] === ':' && s[1] === ':') {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return { ok: true, is6: true, zone };
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const h = hexValue(s[off]!);
      if (h < 0) break;
      acc = acc * 16 + h;
      if (acc > 0xffff) return addrError(input, 'IPv6 field has value >=2^16', s);
    }
    if (off === 0) return addrError(input, 'each colon-separated field must have at least one digit', s);
    if (off < s.length && s[off] === '.') {
      if (ellipsis < 0 && i !== 12) {
        return addrError(input, 'embedded IPv4 address must replace the final 2 fields of the address', s);
      }
      if (i + 4 > 16) {
        return addrError(input, 'too many hex fields to fit an embedded IPv4 at the end of the address', s);
      }
      const v4 = parseIPv4(s);
      if (!v4.ok) return addrError(input, v4.error, s);
      s = '';
      i += 4;
      break;
    }
    i += 2;
    s = s.slice(off);
    if (s.length === 0) break;
    if (s[0] !== ':') return addrError(input, 'unexpected character, want colon', s);
    if (s.length === 1) return addrError(input, 'colon must be followed by more characters', s);
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return addrError(input, 'multiple :: in address', s);
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return addrError(input, 'trailing garbage after address', s);
  if (i < 16) {
    if (ellipsis < 0) return addrError(input, 'address string too short');
  } else if (ellipsis >= 0) {
    return addrError(input, 'the :: must expand to at least one field of zeros');
  }
  return { ok: true, is6: true, zone };
}
