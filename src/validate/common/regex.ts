/**
 * Go RE2 acceptance, approximated with the JS engine. The differences that matter are handled
 * before compiling: RE2 rejects look-around, back-references, unknown letter escapes and repeat
 * counts over 1000 (all of which JS accepts outside `u` mode), and accepts a few spellings JS
 * does not know ((?P<name>...), inline flag groups, \z, \A, \Q...\E, [[:class:]]). Messages follow
 * Go's regexp/syntax wording.
 */
const RE2_LETTER_ESCAPES = new Set(['a', 'f', 't', 'n', 'r', 'v', 'd', 'D', 's', 'S', 'w', 'W', 'b', 'B', 'A', 'z', 'Q', 'E', 'p', 'P', 'x', 'C']);

function escapeProblem(re: string): string | undefined {
  let inQuote = false;
  for (let i = 0; i < re.length; i++) {
    if (re[i] !== '\\') continue;
    const next = re[i + 1];
    if (next === undefined) return 'error parsing regexp: trailing backslash at end of expression: ``';
    if (inQuote) {
      if (next === 'E') inQuote = false;
      i++;
      continue;
    }
    if (next === 'Q') inQuote = true;
    if (/[A-Za-z]/.test(next) && !RE2_LETTER_ESCAPES.has(next)) return `error parsing regexp: invalid escape sequence: \`\\${next}\``;
    // A lone \1-\7 (or \8, \9) would be a back-reference, which RE2 does not support; \12 is octal.
    if (/[1-9]/.test(next) && (next > '7' || !/[0-7]/.test(re[i + 2] ?? ''))) {
      return `error parsing regexp: invalid escape sequence: \`\\${next}\``;
    }
    i++;
  }
  return undefined;
}

export function re2CompileError(re: string): string | undefined {
  const look = /\(\?<?[=!]/.exec(re);
  if (look !== null) return `error parsing regexp: invalid or unsupported Perl syntax: \`${look[0]}\``;
  const esc = escapeProblem(re);
  if (esc !== undefined) return esc;
  for (const m of re.matchAll(/\{(\d+)(?:,(\d*))?\}/g)) {
    const lo = Number(m[1]);
    const hi = m[2] === undefined || m[2] === '' ? lo : Number(m[2]);
    if (lo > 1000 || hi > 1000 || hi < lo) return `error parsing regexp: invalid repeat count: \`${m[0]}\``;
  }
  // Translate RE2-only syntax to something the JS engine can check.
  let js = re.replace(/\\Q(.*?)(\\E|$)/g, (_all, lit: string) => lit.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  js = js.replace(/\(\?P</g, '(?<');
  js = js.replace(/\(\?[imsU]*(-[imsU]*)?\)/g, '').replace(/\(\?[imsU]*(-[imsU]*)?:/g, '(?:');
  js = js.replace(/\\z/g, '$').replace(/\\A/g, '^').replace(/\\C/g, '.');
  js = js.replace(/\[:\^?(alpha|digit|alnum|space|upper|lower|punct|xdigit|word|blank|cntrl|graph|print|ascii):\]/g, 'a-z');
  try {
    new RegExp(js);
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e);
    if (/Nothing to repeat/.test(why)) {
      const op = /(^|[(|])([*+?])/.exec(re)?.[2];
      if (op !== undefined) return `error parsing regexp: missing argument to repetition operator: \`${op}\``;
      const nested = /[*+?][*+]/.exec(re)?.[0];
      return `error parsing regexp: invalid nested repetition operator: \`${nested ?? '**'}\``;
    }
    if (/Unterminated group|Unmatched '\('/.test(why)) return `error parsing regexp: missing closing ): \`${re}\``;
    if (/Unmatched '\)'/.test(why)) return `error parsing regexp: unexpected ): \`${re}\``;
    if (/Unterminated character class/.test(why)) {
      const at = re.indexOf('[');
      return `error parsing regexp: missing closing ]: \`${at >= 0 ? re.slice(at) : re}\``;
    }
    if (/Range out of order/.test(why)) return `error parsing regexp: invalid character class range: ${why}`;
    return `error parsing regexp: ${why}`;
  }
  return undefined;
}
