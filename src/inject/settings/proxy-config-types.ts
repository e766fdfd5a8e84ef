import { ISTIO_PROTOS } from '../../proto/istio.js';
import { jsonpbDecodeError } from '../../proto/jsonpb.js';

/**
 * The first type error Istio's proxy-config decode (golang/protobuf jsonpb over encoding/json) reports for a
 * `proxy.istio.io/config` document, in its words, or undefined: every field of ProxyConfig and of the messages
 * below it, in jsonpb's order (src/proto/jsonpb.ts over Istio's own field tables).
 */
export function proxyConfigTypeError(cfg: Record<string, unknown>): string | undefined {
  return jsonpbDecodeError(ISTIO_PROTOS, 'istio.mesh.v1alpha1.ProxyConfig', cfg);
}
