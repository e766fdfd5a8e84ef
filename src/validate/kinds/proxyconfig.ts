import { readMessage, readNumber, readString, readStringMap } from '../decode.js';
import { ValidationResult, type KindValidator } from '../result.js';
import { validateWorkloadSelector } from '../common/selector.js';

/** ValidateProxyConfig: beta selector rules and a non-negative concurrency. */
export const validateProxyConfig: KindValidator = (spec) => {
  const selector = readMessage(spec, 'selector');
  const concurrency = readNumber(spec, 'concurrency', 'int32');
  readStringMap(spec, 'environmentVariables');
  const image = readMessage(spec, 'image');
  if (image !== undefined) readString(image, 'imageType');
  const res = new ValidationResult();
  res.merge(validateWorkloadSelector(selector));
  if (concurrency !== undefined && concurrency < 0) res.addError('concurrency must be greater than or equal to 0');
  return res;
};
