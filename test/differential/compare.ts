/** Comparison helpers shared by the differential's case kinds. */

/** JSON with object keys sorted, so two equal documents print the same text. */
export function canonical(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** The first line where two texts differ, for a one-line summary. */
export function firstLineDiff(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) return `line ${i + 1}: istio ${JSON.stringify(al[i] ?? '<end>')} ours ${JSON.stringify(bl[i] ?? '<end>')}`;
  }
  return 'texts differ';
}

/** The first JSON path where two values differ. */
export function firstJsonDiff(a: unknown, b: unknown, path = ''): string | undefined {
  if (canonical(a) === canonical(b)) return undefined;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) {
      const d = firstJsonDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}/${k}`);
      if (d) return d;
    }
  }
  const show = (v: unknown): string => (v === undefined ? '<absent>' : JSON.stringify(v).slice(0, 160));
  return `${path || '/'}: istio ${show(a)} ours ${show(b)}`;
}
