import { ValidationResult, type KindValidator } from '../result.js';
export const validateEnvoyFilter: KindValidator = () => new ValidationResult(); // placeholder until the real validator lands
