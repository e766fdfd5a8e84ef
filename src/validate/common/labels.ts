import { appendErr, plainErr, type ErrTree } from '../result.js';

const DNS1123_LABEL_FMT = '[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?';
const QUALIFIED_NAME_FMT = '(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const DNS_PREFIX_FMT = `${DNS1123_LABEL_FMT}(?:\\.${DNS1123_LABEL_FMT})*/`;
const TAG_RE = new RegExp(`^(${DNS_PREFIX_FMT})?(${QUALIFIED_NAME_FMT})$`);
const LABEL_VALUE_RE = new RegExp(`^(${QUALIFIED_NAME_FMT})?$`);

export function validateTagKey(k: string): string | undefined {
  const m = TAG_RE.exec(k);
  if (m === null) return `invalid tag key: ${JSON.stringify(k)}`;
  const prefix = m[1] ?? '';
  if (prefix.length > 0 && prefix.length - 1 > 253) return `invalid tag key: ${JSON.stringify(k)} (DNS prefix is too long)`;
  if ((m[2] ?? '').length > 63) return `invalid tag key: ${JSON.stringify(k)} (name is too long)`;
  return undefined;
}

/**
 * labels.Instance.Validate. It uses multierror.Append directly, so even a single problem is a
 * one-element multierror ("1 error occurred").
 */
export function validateLabels(labels: Record<string, string> | undefined): ErrTree | undefined {
  if (labels === undefined) return undefined;
  const msgs: string[] = [];
  for (const [k, v] of Object.entries(labels)) {
    const kErr = validateTagKey(k);
    if (kErr !== undefined) msgs.push(kErr);
    if (!LABEL_VALUE_RE.test(v)) msgs.push(`invalid tag value: ${JSON.stringify(v)}`);
  }
  if (msgs.length === 0) return undefined;
  let e: ErrTree = { multi: true, msgs: [] };
  for (const m of msgs) e = appendErr(e, plainErr(m)) ?? e;
  return { multi: true, msgs: e.msgs };
}
