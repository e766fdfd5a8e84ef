import { ValidationResult, type KindValidator } from '../result.js';
export const validateWasmPlugin: KindValidator = () => new ValidationResult(); // placeholder until the real validator lands
