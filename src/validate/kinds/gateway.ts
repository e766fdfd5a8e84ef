import { readMessage, readMessageList, readString, readStringList, readStringMap, type JsonObject } from '../decode.js';
import { isDNS1123Label, validateNamespaceSlashWildcardHostname } from '../common/hosts.js';
import { validateIPAddress, validateUnixAddress } from '../common/net.js';
import { decodePort, formatPort, type DecodedPort } from '../common/port.js';
import { isHTTPProtocol, isTLSProtocol, parseProtocol, validatePort } from '../common/ports.js';
import { decodeServerTLS, validateTLSOptions, type ServerTLS } from '../common/tls.js';
import { ANNOTATION_GATEWAY_SEMANTICS } from '../metadata.js';
import { ValidationResult, type ObjectMetaLite } from '../result.js';

const UNIX_PREFIX = 'unix://';

function validateServerPort(port: DecodedPort | undefined, bind: string): ValidationResult {
  const v = new ValidationResult();
  if (port === undefined) return v.addError('port is required');
  if (parseProtocol(port.protocol) === 'UnsupportedProtocol') {
    v.addError(`invalid protocol ${JSON.stringify(port.protocol)}, supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`);
  }
  if (port.number > 0 || !bind.startsWith(UNIX_PREFIX)) v.addError(validatePort(port.number));
  if (port.targetPort > 0) v.addError('targetPort has no impact on Gateways');
  if (port.name === '') v.addError(`port name must be set: ${formatPort(port)}`);
  return v;
}

function validateServerBind(port: DecodedPort | undefined, bind: string): ValidationResult {
  const v = new ValidationResult();
  if (bind.startsWith(UNIX_PREFIX)) {
    v.addError(validateUnixAddress(bind.slice(UNIX_PREFIX.length)));
    if (port !== undefined && port.number !== 0) v.addError(`port number must be 0 for unix domain socket: ${formatPort(port)}`);
  } else if (bind.length !== 0) {
    v.addError(validateIPAddress(bind));
  }
  return v;
}

function validateServer(server: JsonObject, gatewaySemantics: boolean): ValidationResult {
  const v = new ValidationResult();
  const hosts = readStringList(server, 'hosts') ?? [];
  if (hosts.length === 0) {
    v.addError('server config must contain at least one host');
  } else {
    for (const h of hosts) {
      const errs = validateNamespaceSlashWildcardHostname(h, true, gatewaySemantics);
      // AppendErrors inside the helper: one error stays plain, more become one multierror that is flattened here.
      for (const e of errs) v.addError(e);
    }
  }
  const portMsg = readMessage(server, 'port');
  const port = portMsg === undefined ? undefined : decodePort(portMsg);
  const bind = readString(server, 'bind') ?? '';
  const portResult = validateServerPort(port, bind);
  v.merge(portResult);
  v.merge(validateServerBind(port, bind));
  const tlsMsg = readMessage(server, 'tls');
  const tls: ServerTLS | undefined = tlsMsg === undefined ? undefined : decodeServerTLS(tlsMsg);
  v.merge(validateTLSOptions(tls));
  if (portResult.ok && port !== undefined) {
    const p = parseProtocol(port.protocol);
    if (isTLSProtocol(p) && tls === undefined) {
      v.addError('server must have TLS settings for HTTPS/TLS protocols');
    } else if (!isTLSProtocol(p) && tls !== undefined) {
      if (isHTTPProtocol(p)) {
        const passthrough = tls.mode === 'PASSTHROUGH' || tls.mode === 'AUTO_PASSTHROUGH';
        if (!passthrough || tls.caCertificates !== '' || tls.privateKey !== '' || tls.serverCertificate !== '') {
          v.addError('server cannot have TLS settings for plain text HTTP ports');
        }
      } else {
        v.addError('server cannot have TLS settings for non HTTPS/TLS ports');
      }
    }
  }
  return v;
}

/** ValidateGateway (validation.go). */
export function validateGateway(spec: Record<string, unknown>, meta: ObjectMetaLite): ValidationResult {
  const gatewaySemantics = meta.annotations[ANNOTATION_GATEWAY_SEMANTICS] === 'gateway';
  // No rule reads the selector, but Istio decodes the whole spec first: a non-string value is a decode error.
  readStringMap(spec as JsonObject, 'selector');
  const v = new ValidationResult();
  if (!isDNS1123Label(meta.name) && !gatewaySemantics) v.addError(`invalid gateway name: ${JSON.stringify(meta.name)}`);
  const servers = readMessageList(spec, 'servers') ?? [];
  if (servers.length === 0) v.addError('gateway must have at least one server');
  else for (const s of servers) v.merge(validateServer(s, gatewaySemantics));

  const portNames = new Set<string>();
  for (const s of servers) {
    const portMsg = readMessage(s, 'port');
    if (portMsg === undefined) continue;
    const port = decodePort(portMsg);
    if (portNames.has(port.name)) v.addError(`port names in servers must be unique: duplicate name ${port.name}`);
    portNames.add(port.name);
    const tlsMsg = readMessage(s, 'tls');
    const redirect = tlsMsg === undefined ? false : decodeServerTLS(tlsMsg).httpsRedirect;
    if (!isHTTPProtocol(parseProtocol(port.protocol)) && redirect) {
      v.addWarning('tls.httpsRedirect should only be used with http servers');
    }
  }
  return v;
}
