/**
 * Support for Istio's pairwise checks (duplicate hosts, overlapping prefix matches) without
 * comparing every pair: the callers find the matching pairs through indexes, and this collects
 * them in Istio's order (first index, then second) with a bound on how many are spelled out.
 */

/**
 * How many pairs one check lists. Istio lists every pair, which for n identical items is n²/2
 * messages; an object with more than this many is either generated or hostile, and the rest are
 * reported as a count.
 */
export const MAX_LISTED_PAIRS = 10_000;

/** Index pairs (i < j), kept sorted by (i, j) when read; stops storing past MAX_LISTED_PAIRS. */
export class PairCollector {
  private readonly keys: number[] = [];
  /** Pairs found beyond the listed ones. */
  more = 0;

  constructor(private readonly limit = MAX_LISTED_PAIRS) {}

  /** Pack (i, j) into one number that sorts like the pair (indexes stay far below 2^26). */
  add(i: number, j: number): void {
    if (this.keys.length < this.limit) this.keys.push(i * 2 ** 26 + j);
    else this.more++;
  }

  /** Count pairs without listing them (once the list is full). */
  addCount(n: number): void {
    this.more += n;
  }

  get full(): boolean {
    return this.keys.length >= this.limit;
  }

  /** The listed pairs in (i, j) order. */
  sorted(): Array<[number, number]> {
    const ks = Float64Array.from(this.keys).sort();
    return Array.from(ks, (k) => [Math.floor(k / 2 ** 26), k % 2 ** 26] as [number, number]);
  }
}

/**
 * Hashes of every prefix (or suffix) of a string, each computed from the previous one: out[l] is
 * the hash of the first (last) l characters. Two 26-bit halves make collisions rare; callers still
 * compare the strings before trusting a match.
 */
function affixHashes(s: string, fromEnd: boolean): Float64Array {
  const out = new Float64Array(s.length + 1);
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x2b992ddf | 0;
  const n = s.length;
  for (let l = 0; l < n; l++) {
    const c = s.charCodeAt(fromEnd ? n - 1 - l : l);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
    out[l + 1] = (h1 & 0x3ffffff) * 2 ** 26 + (h2 & 0x3ffffff);
  }
  return out;
}

export function prefixHashes(s: string): Float64Array {
  return affixHashes(s, false);
}

export function suffixHashes(s: string): Float64Array {
  return affixHashes(s, true);
}

/** How many entries of an ascending list are below x. */
export function countBelow(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
