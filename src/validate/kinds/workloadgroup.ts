import { ValidationResult, type KindValidator } from '../result.js';
export const validateWorkloadGroup: KindValidator = () => new ValidationResult(); // placeholder until the real validator lands
