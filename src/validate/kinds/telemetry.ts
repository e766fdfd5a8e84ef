import { ValidationResult, type KindValidator } from '../result.js';
export const validateTelemetry: KindValidator = () => new ValidationResult(); // placeholder until the real validator lands
