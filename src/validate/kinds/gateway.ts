import { ValidationResult, type KindValidator } from '../result.js';
export const validateGateway: KindValidator = () => new ValidationResult(); // placeholder until the real validator lands
