/**
 * The proxy resource annotations are checked with `resource.ParseQuantity`; Istio passes its error
 * text through unchanged. The parser is the Kubernetes layer's; this only turns its typed error
 * back into the message-or-undefined shape the annotation rules use.
 */
import { K8sError } from '../../k8s/errors.js';
import { parseQuantity } from '../../k8s/quantity.js';

export function quantityError(str: string): string | undefined {
  try {
    parseQuantity(str);
    return undefined;
  } catch (e) {
    if (e instanceof K8sError && e.kind === 'quantity') return e.message;
    throw e;
  }
}
