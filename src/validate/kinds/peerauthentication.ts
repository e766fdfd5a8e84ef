import { ValidationResult, type KindValidator } from '../result.js';
export const validatePeerAuthentication: KindValidator = () => new ValidationResult(); // placeholder until the real validator lands
