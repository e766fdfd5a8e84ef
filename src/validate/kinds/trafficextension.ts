import { ValidationResult, type KindValidator } from '../result.js';
export const validateTrafficExtension: KindValidator = () => new ValidationResult(); // placeholder until the real validator lands
