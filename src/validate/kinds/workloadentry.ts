import { ValidationResult, type KindValidator } from '../result.js';
export const validateWorkloadEntry: KindValidator = () => new ValidationResult(); // placeholder until the real validator lands
