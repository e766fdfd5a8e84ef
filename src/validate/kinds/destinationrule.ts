import { ValidationResult, type KindValidator } from '../result.js';
export const validateDestinationRule: KindValidator = () => new ValidationResult(); // placeholder until the real validator lands
