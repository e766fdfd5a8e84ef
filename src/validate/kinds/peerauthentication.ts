import { DecodeError, readEnum, readMessage, readMessageMap, toNumber } from '../decode.js';
import { ValidationResult, type KindValidator } from '../result.js';
import { selectorHasLabels } from '../common/extra-d.js';
import { validateWorkloadSelector } from '../common/selector.js';

const MTLS_MODES = ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'] as const;
const MTLS_ENUM = 'istio.security.v1beta1.PeerAuthentication.MutualTLS.Mode';

/** map<uint32, MutualTLS> keys arrive as JSON object keys and are parsed as numbers by jsonpb. */
function portKey(key: string): number {
  if (key === '') throw new DecodeError('unexpected end of JSON input');
  return toNumber(key, 'uint32');
}

/** ValidatePeerAuthentication (validation.go). */
export const validatePeerAuthentication: KindValidator = (spec) => {
  const selector = readMessage(spec, 'selector');
  const mtls = readMessage(spec, 'mtls');
  if (mtls !== undefined) readEnum(mtls, 'mode', MTLS_ENUM, MTLS_MODES);
  const portLevel = readMessageMap(spec, 'portLevelMtls');
  const ports: number[] = [];
  if (portLevel !== undefined) {
    for (const [k, v] of Object.entries(portLevel)) {
      ports.push(portKey(k));
      if (v !== null) readEnum(v, 'mode', MTLS_ENUM, MTLS_MODES);
    }
  }

  const res = new ValidationResult();
  const emptySelector = !selectorHasLabels(selector);
  if (emptySelector && ports.length !== 0) res.addError('mesh/namespace peer authentication cannot have port level mTLS');
  if (portLevel !== undefined && ports.length === 0) {
    res.addError('port level mTLS, if defined, must have at least one element');
  }
  for (const p of ports) {
    if (p <= 0 || p > 65535) res.addError('port must be in range 1..65535');
  }
  // Go appends only the error half of the selector validation, then returns its warning separately.
  const sel = validateWorkloadSelector(selector);
  res.mergeErrorsOnly(sel);
  res.warn = sel.warn;
  return res;
};
