import { ValidationResult, type KindValidator } from '../result.js';
export const validateSidecar: KindValidator = () => new ValidationResult(); // placeholder until the real validator lands
