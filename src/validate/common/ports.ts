import { isDNS1123Label } from './hosts.js';

export function validatePort(port: number): string | undefined {
  if (port >= 1 && port <= 65535) return undefined;
  return `port number ${port} must be in the range 1..65535`;
}

export function validatePortName(name: string): string | undefined {
  if (!isDNS1123Label(name)) return `invalid port name: ${name}`;
  return undefined;
}

export type Protocol =
  | 'TCP' | 'UDP' | 'GRPC' | 'GRPC-Web' | 'HTTP' | 'HTTP_PROXY' | 'HTTP2' | 'HTTPS' | 'TLS' | 'Mongo' | 'Redis' | 'MySQL'
  | 'UnsupportedProtocol';

const PROTOCOLS: Record<string, Protocol> = {
  tcp: 'TCP',
  udp: 'UDP',
  grpc: 'GRPC',
  'grpc-web': 'GRPC-Web',
  http: 'HTTP',
  http_proxy: 'HTTP_PROXY',
  http2: 'HTTP2',
  https: 'HTTPS',
  tls: 'TLS',
  mongo: 'Mongo',
  redis: 'Redis',
  mysql: 'MySQL',
};

/** protocol.Parse: case-insensitive; anything else is Unsupported. */
export function parseProtocol(s: string): Protocol {
  return PROTOCOLS[s.toLowerCase()] ?? 'UnsupportedProtocol';
}

export function isHTTPProtocol(p: Protocol): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'HTTP_PROXY' || p === 'GRPC' || p === 'GRPC-Web';
}

export function isTLSProtocol(p: Protocol): boolean {
  return p === 'HTTPS' || p === 'TLS';
}

/** Empty means "sniff", which is fine. */
export function validateProtocol(s: string): string | undefined {
  if (s !== '' && parseProtocol(s) === 'UnsupportedProtocol') return `unsupported protocol: ${s}`;
  return undefined;
}
