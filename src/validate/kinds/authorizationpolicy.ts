import { ValidationResult, type KindValidator } from '../result.js';
export const validateAuthorizationPolicy: KindValidator = () => new ValidationResult(); // placeholder until the real validator lands
