/** Tokeniser for Go text/template source, with `{{- -}}` trimming and comments handled here. */

export type TokType =
  | 'text'
  | 'left'
  | 'right'
  | 'space'
  | 'identifier'
  | 'field'
  | 'variable'
  | 'declare'
  | 'assign'
  | 'pipe'
  | 'lparen'
  | 'rparen'
  | 'string'
  | 'rawString'
  | 'number'
  | 'char'
  | 'charConstant'
  | 'bool'
  | 'nil'
  | 'dot'
  | 'keyword'
  | 'eof'
  | 'error';

export interface Token {
  readonly type: TokType;
  readonly val: string;
  readonly pos: number;
  readonly line: number;
}

const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'template', 'with']);

const LEFT = '{{';
const RIGHT = '}}';

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function isAlnum(c: string | undefined): boolean {
  if (c === undefined) return false;
  const x = c.charCodeAt(0);
  return (
    c === '_' ||
    (x >= 48 && x <= 57) ||
    (x >= 65 && x <= 90) ||
    (x >= 97 && x <= 122) ||
    (x > 127 && /[\p{L}\p{Nd}]/u.test(c))
  );
}

/** What may follow a field, variable or identifier (Go's lexer atTerminator). */
function atTerminator(input: string, pos: number): boolean {
  const c = input[pos];
  if (c === undefined || isSpace(c)) return true;
  if ('.,|:()'.includes(c)) return true;
  return input.startsWith(RIGHT, pos);
}

/** fmt's %#U: U+0022 '"'. */
function unicodeNotation(input: string, pos: number): string {
  const cp = input.codePointAt(pos) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${String.fromCodePoint(cp)}'`;
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}

/** Tokenises the whole input eagerly. A lexing error becomes a final 'error' token, as Go's lexer does. */
export function lex(input: string): Token[] {
  const toks: Token[] = [];
  let pos = 0;
  let line = 1;
  let trimNextText = false;
  const n = input.length;

  const emit = (type: TokType, start: number, end: number, val = input.slice(start, end)): void => {
    toks.push({ type, val, pos: start, line });
    line += countNewlines(input, start, end);
  };
  const fail = (msg: string): Token[] => {
    toks.push({ type: 'error', val: msg, pos, line });
    return toks;
  };

  for (;;) {
    // ---- text ----
    let start = pos;
    if (trimNextText) {
      while (pos < n && isSpace(input[pos])) pos++;
      line += countNewlines(input, start, pos);
      start = pos;
      trimNextText = false;
    }
    const d = input.indexOf(LEFT, pos);
    if (d < 0) {
      if (start < n) emit('text', start, n);
      pos = n;
      break;
    }
    const leftTrim = input[d + 2] === '-' && isSpace(input[d + 3]);
    let textEnd = d;
    if (leftTrim) while (textEnd > start && isSpace(input[textEnd - 1])) textEnd--;
    if (textEnd > start) emit('text', start, textEnd);
    line += countNewlines(input, textEnd, d);
    pos = d;
    // ---- comment ----
    let afterLeft = d + 2 + (leftTrim ? 2 : 0);
    if (input.startsWith('/*', afterLeft)) {
      const end = input.indexOf('*/', afterLeft + 2);
      if (end < 0) {
        pos = afterLeft;
        return fail('unclosed comment');
      }
      let q = end + 2;
      let rightTrim = false;
      if (isSpace(input[q]) && input[q + 1] === '-' && input.startsWith(RIGHT, q + 2)) {
        rightTrim = true;
        q += 2;
      }
      if (!input.startsWith(RIGHT, q)) {
        pos = end + 2;
        return fail('comment ends before closing delimiter');
      }
      line += countNewlines(input, d, q + 2);
      pos = q + 2;
      trimNextText = rightTrim;
      continue;
    }
    emit('left', d, d + 2);
    pos = afterLeft;
    // ---- inside action ----
    let parenDepth = 0;
    for (;;) {
      if (pos >= n) return fail('unclosed action');
      const c = input[pos];
      if (input.startsWith(RIGHT, pos)) {
        if (parenDepth > 0) return fail('unclosed left paren');
        emit('right', pos, pos + 2);
        pos += 2;
        break;
      }
      if (isSpace(c)) {
        const s = pos;
        while (pos < n && isSpace(input[pos])) pos++;
        if (input[pos] === '-' && input.startsWith(RIGHT, pos + 1)) {
          // " -}}": the last space belongs to the trim marker.
          if (pos - 1 > s) emit('space', s, pos - 1);
          else line += countNewlines(input, s, pos - 1);
          line += countNewlines(input, pos - 1, pos);
          if (parenDepth > 0) return fail('unclosed left paren');
          emit('right', pos + 1, pos + 3);
          pos += 3;
          trimNextText = true;
          break;
        }
        emit('space', s, pos);
        continue;
      }
      switch (c) {
        case '=':
          emit('assign', pos, pos + 1);
          pos++;
          continue;
        case ':':
          if (input[pos + 1] !== '=') return fail('expected :=');
          emit('declare', pos, pos + 2);
          pos += 2;
          continue;
        case '|':
          emit('pipe', pos, pos + 1);
          pos++;
          continue;
        case '"': {
          const s = pos;
          pos++;
          for (;;) {
            const ch = input[pos];
            if (ch === '\\') {
              pos += 2;
              continue;
            }
            if (ch === undefined || ch === '\n') return fail('unterminated quoted string');
            pos++;
            if (ch === '"') break;
          }
          emit('string', s, pos);
          continue;
        }
        case '`': {
          const end = input.indexOf('`', pos + 1);
          if (end < 0) return fail('unterminated raw quoted string');
          emit('rawString', pos, end + 1);
          pos = end + 1;
          continue;
        }
        case "'": {
          const s = pos;
          pos++;
          for (;;) {
            const ch = input[pos];
            if (ch === '\\') {
              pos += 2;
              continue;
            }
            if (ch === undefined || ch === '\n') return fail('unterminated character constant');
            pos++;
            if (ch === "'") break;
          }
          emit('charConstant', s, pos);
          continue;
        }
        case '$': {
          const s = pos;
          pos++;
          while (isAlnum(input[pos])) pos++;
          if (!atTerminator(input, pos)) return fail(`bad character ${unicodeNotation(input, pos)}`);
          emit('variable', s, pos);
          continue;
        }
        case '.': {
          const next = input[pos + 1];
          if (next !== undefined && next >= '0' && next <= '9') break; // a number like .5
          const s = pos;
          pos++;
          if (!isAlnum(next)) {
            if (!atTerminator(input, pos)) return fail(`bad character ${unicodeNotation(input, pos)}`);
            emit('dot', s, pos);
            continue;
          }
          while (isAlnum(input[pos])) pos++;
          if (!atTerminator(input, pos)) return fail(`bad character ${unicodeNotation(input, pos)}`);
          emit('field', s, pos);
          continue;
        }
        case '(':
          parenDepth++;
          emit('lparen', pos, pos + 1);
          pos++;
          continue;
        case ')':
          // Go's lexer (since 1.20) reports an unbalanced ')' itself, before the parser sees it.
          if (parenDepth === 0) return fail('unexpected right paren');
          parenDepth--;
          emit('rparen', pos, pos + 1);
          pos++;
          continue;
        case ',':
          emit('char', pos, pos + 1);
          pos++;
          continue;
      }
      if (c === '+' || c === '-' || c === '.' || (c >= '0' && c <= '9')) {
        const m = /^[+-]?(0[xX][0-9a-fA-F_]*(\.[0-9a-fA-F_]*)?([pP][+-]?[0-9_]+)?|0[bBoO][0-9_]+|[0-9_]*\.?[0-9_]*([eE][+-]?[0-9_]+)?)i?/.exec(
          input.slice(pos, pos + 200),
        );
        const text = m ? m[0] : '';
        if (text === '' || text === '+' || text === '-' || isAlnum(input[pos + text.length])) {
          let e = pos + Math.max(text.length, 1);
          while (isAlnum(input[e])) e++;
          return fail(`bad number syntax: "${input.slice(pos, e)}"`);
        }
        emit('number', pos, pos + text.length);
        pos += text.length;
        continue;
      }
      if (isAlnum(c)) {
        const s = pos;
        while (isAlnum(input[pos])) pos++;
        const word = input.slice(s, pos);
        if (!atTerminator(input, pos)) return fail(`bad character ${unicodeNotation(input, pos)}`);
        if (KEYWORDS.has(word)) emit('keyword', s, pos);
        else if (word === 'true' || word === 'false') emit('bool', s, pos);
        else if (word === 'nil') emit('nil', s, pos);
        else emit('identifier', s, pos);
        continue;
      }
      if (c > ' ' && c <= '~') {
        // Go emits any other printable ASCII character as a token and lets the parser reject it.
        emit('char', pos, pos + 1);
        pos++;
        continue;
      }
      return fail(`unrecognized character in action: ${unicodeNotation(input, pos)}`);
    }
  }
  toks.push({ type: 'eof', val: '', pos: n, line });
  return toks;
}
