import { ValidationResult, type KindValidator } from '../result.js';
export const validateServiceEntry: KindValidator = () => new ValidationResult(); // placeholder until the real validator lands
