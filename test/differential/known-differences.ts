/**
 * Differences between Istio's code and ours that the differential still finds, each with who is
 * right and why it stays. The CI slice fails on any difference not matched here, so a new one is
 * either fixed (with a regression test) or added here and to the README with its reason.
 */
export interface KnownDifference {
  /** Matched against `<path>: <summary>` of a difference. */
  pattern: RegExp;
  right: 'istio' | 'ours' | 'on purpose';
  why: string;
}

const KNOWN: KnownDifference[] = [
  {
    pattern: /^webhook: istio: patch does not apply: Cannot perform an `add` operation at the desired path/,
    right: 'ours',
    why:
      "Istio's JSON Patch adds below objects the received pod lacks (e.g. resources.limits of a container with " +
      'only requests is fine, but a container without resources gets /resources/limits); the API server rejects such ' +
      'a patch. Ours creates missing parents first (README: "The patch applies to what the API server sent").',
  },
];

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = KNOWN;

export function knownDifference(path: string, summary: string): KnownDifference | undefined {
  return KNOWN_DIFFERENCES.find((k) => k.pattern.test(`${path}: ${summary}`));
}
