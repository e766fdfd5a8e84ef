import { ValidationResult, type KindValidator } from '../result.js';
export const validateRequestAuthentication: KindValidator = () => new ValidationResult(); // placeholder until the real validator lands
