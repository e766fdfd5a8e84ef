import { ValidationResult, type KindValidator } from '../result.js';
export const validateVirtualService: KindValidator = () => new ValidationResult(); // placeholder until the real validator lands
