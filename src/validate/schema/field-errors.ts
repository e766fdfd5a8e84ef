/**
 * Kubernetes-style field errors (`<path>: <Type>: <value>: <detail>`), formatted the way the API
 * server prints them for a custom resource, so users who grep for the apiserver's text find ours.
 */

/** One step of a field path: object member, list index, or map key (CEL reports map keys as `[k]`). */
export type PathSegment =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'key'; readonly key: string };

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (s.kind === 'field') out += out === '' ? s.name : `.${s.name}`;
    else if (s.kind === 'index') out += `[${s.index}]`;
    else out += `[${s.key}]`;
  }
  return out;
}

/**
 * Go's `%#v` of a decoded JSON value, which the apiserver falls back to for non-scalar bad values.
 * Only the shape matters to readers; exact byte parity with Go's map ordering is not attempted
 * beyond sorting keys (Go sorts map keys when printing).
 */
function goSyntax(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `[]interface {}{${value.map(goSyntax).join(', ')}}`;
  if (typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${goSyntax((value as Record<string, unknown>)[k])}`);
    return `map[string]interface {}{${entries.join(', ')}}`;
  }
  return String(value);
}

/** How `field.Error.ErrorBody` renders a bad value: scalars plainly, strings quoted, the rest `%#v`. */
export function formatBadValue(value: unknown): string {
  if (value === null || value === undefined) return '"null"';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return goSyntax(value);
}

function withPath(path: string, body: string): string {
  return path === '' ? body : `${path}: ${body}`;
}

export const fieldError = {
  required: (path: string): string => withPath(path, 'Required value'),
  invalid: (path: string, value: unknown, detail: string): string =>
    withPath(path, `Invalid value: ${formatBadValue(value)}: ${detail}`),
  notSupported: (path: string, value: unknown, allowed: readonly unknown[]): string => {
    const list = allowed.map((v) => JSON.stringify(v)).join(', ');
    return withPath(path, `Unsupported value: ${formatBadValue(value)}: supported values: ${list}`);
  },
  tooMany: (path: string, actual: number, max: number): string =>
    withPath(path, `Too many: ${actual}: must have at most ${max} items`),
  tooLong: (path: string, max: number): string =>
    withPath(path, `Too long: may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}`),
  duplicate: (path: string, value: unknown): string => withPath(path, `Duplicate value: ${formatBadValue(value)}`),
};

/** The JSON type name go-openapi uses in "must be of type X" messages. */
export function jsonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'bigint') return 'integer';
  return typeof value;
}
