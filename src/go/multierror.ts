/**
 * hashicorp/go-multierror's default ListFormatFunc. Istio aggregates validation and injection
 * failures with it, and users (and tests) compare the resulting text byte for byte, so the count
 * line, the tab-star bullets and the trailing blank line all matter.
 */
export function formatMultiError(messages: readonly string[]): string {
  if (messages.length === 1) return `1 error occurred:\n\t* ${messages[0]}\n\n`;
  const points = messages.map((m) => `* ${m}`);
  return `${messages.length} errors occurred:\n\t${points.join('\n\t')}\n\n`;
}
