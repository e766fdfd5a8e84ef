import { descriptorSet, type DescriptorSet } from './descriptor.js';
import { ENUMS, MESSAGES } from './istio-descriptors.gen.js';

/** Istio's API messages (istio.io/api at the version the oracle pins). */
export const ISTIO_PROTOS: DescriptorSet = descriptorSet(MESSAGES, ENUMS);
