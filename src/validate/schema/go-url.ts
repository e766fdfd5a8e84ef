/**
 * Kubernetes' CEL `url()`/`isURL()` are Go's `net/url.ParseRequestURI`; the parsing itself lives in
 * src/go/url.ts. This adapter gives CEL the parts it exposes (host and port split as Go's
 * Hostname()/Port() would).
 */
import { goURLParseRequestURI, goURLPort } from '../../go/url.js';

export interface GoUrl {
  readonly scheme: string;
  /** Host without the port, IPv6 brackets kept (as URL.Host minus ":port"). */
  readonly host: string;
  readonly port: string;
  readonly path: string;
  readonly query: string;
  readonly opaque: string;
}

export class GoUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoUrlError';
  }
}

/** Throws GoUrlError carrying Go's full `parse "<url>": <why>` text. */
export function parseRequestUri(raw: string): GoUrl {
  const r = goURLParseRequestURI(raw);
  if (!r.ok) throw new GoUrlError(r.err);
  const u = r.url;
  const port = goURLPort(u);
  const host = port !== '' ? u.host.slice(0, u.host.length - port.length - 1) : u.host.endsWith(':') ? u.host.slice(0, -1) : u.host;
  return { scheme: u.scheme, host, port, path: u.path, query: u.rawQuery, opaque: u.opaque };
}

export function isGoRequestUri(raw: string): boolean {
  return goURLParseRequestURI(raw).ok;
}
