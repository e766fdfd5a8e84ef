import { ValidationResult, type KindValidator } from '../result.js';
export const validateProxyConfig: KindValidator = () => new ValidationResult(); // placeholder until the real validator lands
