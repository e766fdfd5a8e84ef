import { readEnum, readMessage, readNumber, readString } from '../decode.js';
import { ValidationResult, type KindValidator } from '../result.js';
import { validatePolicyTargeting } from '../common/extra-d.js';
import {
  byteLength,
  imagePullSecretError,
  matchPortsError,
  readMatch,
  readWasmCommon,
  sha256Error,
  vmConfigError,
  wasmURLError,
} from './wasmplugin.js';

const PHASES = ['UNSPECIFIED', 'AUTHN', 'AUTHZ', 'STATS'] as const;
const LUA_MAX_BYTES = 65536;

/** ValidateTrafficExtension: a Wasm or a Lua filter, never both; no single targetRef field exists. */
export const validateTrafficExtension: KindValidator = (spec) => {
  const wasmObj = readMessage(spec, 'wasm');
  const luaObj = readMessage(spec, 'lua');
  const wasm = wasmObj === undefined ? undefined : readWasmCommon(wasmObj);
  const inlineCode = luaObj === undefined ? undefined : (readString(luaObj, 'inlineCode') ?? '');
  readEnum(spec, 'phase', 'istio.extensions.v1alpha1.TrafficExtension.ExecutionPhase', PHASES);
  readNumber(spec, 'priority', 'int32');
  const targeting = validatePolicyTargeting(spec, false);
  const match = readMatch(spec);

  const res = new ValidationResult();
  if ((wasm === undefined) === (inlineCode === undefined)) res.addError('exactly one of wasm or lua must be set');
  res.merge(targeting);
  if (inlineCode !== undefined) {
    if (inlineCode.length === 0) res.addError('lua.inlineCode cannot be empty');
    else if (byteLength(inlineCode) > LUA_MAX_BYTES) res.addError('lua.inlineCode exceeds maximum size of 64KB');
  }
  if (wasm !== undefined) {
    res.addError(wasmURLError(wasm.url));
    res.addError(sha256Error(wasm.sha256));
    res.addError(imagePullSecretError(wasm.imagePullSecret));
    if (byteLength(wasm.pluginName) > 256) res.addError('pluginName field must be less than 256 characters long');
    res.addError(vmConfigError(wasm.env));
  }
  res.addError(matchPortsError(match));
  return res;
};
