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

KNOWN.push(
  {
    pattern: /^validate: message: istio "error decoding configuration: invalid character '.' (after top-level value|in literal \w+ \(expecting '.'\))" ours "error decoding configuration: invalid character '.' looking for beginning of value"/,
    right: 'istio',
    why:
      'A string where protobuf JSON wants a number: Istio hands the string to encoding/json, whose scanner reports the ' +
      'first character that breaks the number (e.g. the "." after "10.0" in "10.0.0.0/8"); we name the first character. ' +
      'Same decision, different text.',
  },
  {
    pattern: /^validate: message: istio "error decoding configuration: bad StructValue: /,
    right: 'istio',
    why: 'A non-object google.protobuf.Struct (WasmPlugin pluginConfig): Istio prefixes "bad StructValue: "; same decision.',
  },
  {
    pattern: /^validate: message: istio "error decoding configuration: invalid character '.' looking for beginning of value" ours "error decoding configuration: json: cannot unmarshal/,
    right: 'istio',
    why:
      'Two decode errors in one spec (a non-numeric map<uint32,…> key and a wrongly typed value): Istio reports the key ' +
      'first, we report the value. Same decision.',
  },
);

KNOWN.push(
  {
    pattern: /^validate: message: istio "error decoding configuration: /,
    right: 'istio',
    why:
      'Several problems in one spec: Istio decodes the whole spec before any rule runs, so a decode error anywhere is ' +
      'what it reports; we decode lazily and may report another decode error, or a rule, first. Same decision (deny).',
  },
);

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = KNOWN;

export function knownDifference(path: string, summary: string): KnownDifference | undefined {
  return KNOWN_DIFFERENCES.find((k) => k.pattern.test(`${path}: ${summary}`));
}
