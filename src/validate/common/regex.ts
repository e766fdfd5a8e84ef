/**
 * Go RE2 acceptance, approximated with the JS engine: RE2 rejects look-around and
 * back-references, which JS accepts, and accepts a few spellings JS rejects (named groups as
 * (?P<name>...), inline flags). Messages follow Go's regexp/syntax wording where we can tell.
 */
export function re2CompileError(re: string): string | undefined {
  if (/\(\?<?[=!]/.test(re)) return `error parsing regexp: invalid or unsupported Perl syntax: \`${re.match(/\(\?<?[=!]/)?.[0] ?? '(?'}\``;
  if (/\\[1-9]/.test(re.replace(/\\\\/g, ''))) {
    const m = re.replace(/\\\\/g, '').match(/\\[1-9]/);
    return `error parsing regexp: invalid escape sequence: \`${m?.[0] ?? '\\'}\``;
  }
  // Translate RE2-only syntax to something the JS engine can check.
  let js = re.replace(/\(\?P</g, '(?<');
  let flags = '';
  const lead = /^\(\?([imsU]+)\)/.exec(js);
  if (lead !== null) {
    js = js.slice(lead[0].length);
    flags = [...new Set((lead[1] ?? '').replace(/U/g, '').split(''))].join('');
  }
  js = js.replace(/\(\?[imsU-]+:/g, '(?:').replace(/\\z/g, '$').replace(/\\A/g, '^').replace(/\\Q|\\E/g, '');
  js = js.replace(/\[\[:(alpha|digit|alnum|space|upper|lower|punct|xdigit|word|blank|cntrl|graph|print|ascii):\]\]/g, '[a-z]');
  js = js.replace(/\[:(alpha|digit|alnum|space|upper|lower|punct|xdigit|word|blank|cntrl|graph|print|ascii):\]/g, 'a-z');
  try {
    new RegExp(js, flags);
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e);
    if (/\*|\+|\?/.test(re) && /Nothing to repeat/.test(why)) {
      const op = /^[*+?]/.exec(re)?.[0] ?? '*';
      return `error parsing regexp: missing argument to repetition operator: \`${op}\``;
    }
    if (/Unterminated group|Unmatched '\('/.test(why)) return `error parsing regexp: missing closing ): \`${re}\``;
    if (/Unmatched '\)'/.test(why)) return `error parsing regexp: unexpected ): \`${re}\``;
    if (/Unterminated character class/.test(why)) {
      const at = re.indexOf('[');
      return `error parsing regexp: missing closing ]: \`${at >= 0 ? re.slice(at) : re}\``;
    }
    return `error parsing regexp: ${why}`;
  }
  return undefined;
}
