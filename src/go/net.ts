/** net package behaviours. */

/** Go net.SplitHostPort, returning Go's AddrError text on failure. */
export function splitHostPort(hostport: string): { host: string; port: string } | { err: string } {
  // AddrError names the address only when there is one.
  const fail = (why: string): { err: string } => ({ err: hostport === '' ? why : `address ${hostport}: ${why}` });
  const i = hostport.lastIndexOf(':');
  if (i < 0) return fail('missing port in address');
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0) return fail("missing ']' in address");
    if (end + 1 === hostport.length) return fail('missing port in address');
    if (end + 1 !== i) return fail(hostport[end + 1] === ':' ? 'too many colons in address' : 'missing port in address');
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return fail('too many colons in address');
  }
  if (hostport.slice(j).includes('[')) return fail("unexpected '[' in address");
  if (hostport.slice(k).includes(']')) return fail("unexpected ']' in address");
  return { host, port: hostport.slice(i + 1) };
}
