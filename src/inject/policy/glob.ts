/**
 * Shell-style globs for the injection policy: `*` matches any run of characters (including `/`), `?` exactly
 * one, everything else itself. No regular expression is built, so a hostile image name cannot make the matcher
 * backtrack: the pattern is cut at its stars and each piece is found leftmost after the previous one, which is
 * optimal for this pattern language and costs at most (text length × piece length) character comparisons.
 */

/** Patterns come from the operator's file; this bounds the per-character cost above. */
export const MAX_GLOB_LENGTH = 512;

function pieceAt(text: string, at: number, piece: string): boolean {
  if (at + piece.length > text.length) return false;
  for (let i = 0; i < piece.length; i++) {
    const p = piece.charCodeAt(i);
    if (p !== 0x3f /* ? */ && p !== text.charCodeAt(at + i)) return false;
  }
  return true;
}

function findPiece(text: string, from: number, limit: number, piece: string): number {
  // Fast path: a piece without `?` is a plain substring.
  if (!piece.includes('?')) {
    const i = text.indexOf(piece, from);
    return i >= 0 && i + piece.length <= limit ? i : -1;
  }
  for (let at = from; at + piece.length <= limit; at++) if (pieceAt(text, at, piece)) return at;
  return -1;
}

export function matchGlob(pattern: string, text: string): boolean {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return pattern.length === text.length && pieceAt(text, 0, pattern);
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (first.length + last.length > text.length) return false;
  if (!pieceAt(text, 0, first) || !pieceAt(text, text.length - last.length, last)) return false;
  // The middle pieces must fit, in order, between the fixed prefix and suffix.
  let pos = first.length;
  const limit = text.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i]!;
    if (piece === '') continue;
    const at = findPiece(text, pos, limit, piece);
    if (at < 0) return false;
    pos = at + piece.length;
  }
  return true;
}
