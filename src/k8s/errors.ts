/**
 * Errors raised by the Kubernetes layer. They carry the same wording Go's libraries use where users
 * are likely to compare messages (encoding/json, resource.Quantity, strategicpatch); callers wrap
 * them into the service's catalogue codes (src/errors.ts).
 */
export type K8sErrorKind = 'yaml' | 'quantity' | 'type' | 'patch' | 'print';

export class K8sError extends Error {
  readonly kind: K8sErrorKind;
  constructor(kind: K8sErrorKind, message: string) {
    super(message);
    this.name = 'K8sError';
    this.kind = kind;
  }
}
