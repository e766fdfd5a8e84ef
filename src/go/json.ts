import { goQuote } from './strconv.js';

/**
 * encoding/json's string encoding. JSON.stringify differs from it on `<`, `>`, `&`, U+2028,
 * U+2029 and lone surrogates, and values such as ISTIO_KUBE_APP_PROBERS are compared byte for byte.
 */

const SHORT_JSON_ESCAPES: Readonly<Record<number, string>> = {
  0x22: '\\"',
  0x5c: '\\\\',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x08: '\\b',
  0x0c: '\\f',
};

/** A JSON string literal exactly as Go's json.Marshal writes it (HTML-safe escaping on). */
export function goJsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      rep = SHORT_JSON_ESCAPES[c] ?? `\\u${c.toString(16).padStart(4, '0')}`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      // A lone surrogate: Go would hold invalid UTF-8 there, which json.Marshal writes as \ufffd.
      rep = '\\ufffd';
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return `${out}${s.slice(start)}"`;
}

/** Orders strings as Go compares them: by UTF-8 bytes, which is code point order. */
export function goStringCompare(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done === true) return y.done === true ? 0 : -1;
    if (y.done === true) return 1;
    const d = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}

/** The key order json.Marshal uses for a map[string]T. */
export function goJsonSortedKeys(keys: Iterable<string>): string[] {
  return [...keys].sort(goStringCompare);
}

/**
 * The word encoding/json uses for a JSON value's kind in an UnmarshalTypeError
 * ("json: cannot unmarshal <kind> into Go value of type T"). A bigint is a JSON number too.
 */
export function goJsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'object';
  }
}

const MAX_NESTING_DEPTH = 10000;

const isJsonSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** encoding/json's quoteChar: one byte as a quoted character in a syntax error. */
function quoteByte(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const q = goQuote(String.fromCharCode(c));
  return `'${q.slice(1, -1)}'`;
}

type Step =
  | 'beginValueOrEmpty' | 'beginValue' | 'beginStringOrEmpty' | 'beginString' | 'endValue' | 'endTop'
  | 'inString' | 'inStringEsc' | 'inStringEscU' | 'neg' | 'one' | 'zero' | 'dot' | 'dot0' | 'e' | 'eSign' | 'e0'
  | 'literal';

/**
 * The syntax error json.Unmarshal reports for `text` (checkValid: encoding/json's scanner over the UTF-8
 * bytes, then one space at the end), or undefined when the text is one valid JSON value.
 */
export function goJsonSyntaxError(text: string): string | undefined {
  const bytes = Buffer.from(text, 'utf8');
  const stack: Array<'key' | 'value' | 'array'> = [];
  let step: Step = 'beginValue';
  let endTop = false;
  let hexLeft = 0;
  // The rest of true/false/null still expected, and the literal's name for the message.
  let literalRest = '';
  let literalName = '';
  let err: string | undefined;
  const fail = (c: number, context: string): void => {
    err = `invalid character ${quoteByte(c)} ${context}`;
  };
  const push = (c: number, state: 'key' | 'array'): void => {
    stack.push(state);
    if (stack.length > MAX_NESTING_DEPTH) fail(c, 'exceeded max depth');
  };
  const pop = (): void => {
    stack.pop();
    if (stack.length === 0) {
      step = 'endTop';
      endTop = true;
    } else step = 'endValue';
  };
  const beginValue = (c: number): void => {
    if (isJsonSpace(c)) return;
    switch (c) {
      case 0x7b: // {
        step = 'beginStringOrEmpty';
        return push(c, 'key');
      case 0x5b: // [
        step = 'beginValueOrEmpty';
        return push(c, 'array');
      case 0x22:
        step = 'inString';
        return;
      case 0x2d:
        step = 'neg';
        return;
      case 0x30:
        step = 'zero';
        return;
      case 0x74:
        [step, literalRest, literalName] = ['literal', 'rue', 'true'];
        return;
      case 0x66:
        [step, literalRest, literalName] = ['literal', 'alse', 'false'];
        return;
      case 0x6e:
        [step, literalRest, literalName] = ['literal', 'ull', 'null'];
        return;
    }
    if (c >= 0x31 && c <= 0x39) step = 'one';
    else fail(c, 'looking for beginning of value');
  };
  const endValue = (c: number): void => {
    const n = stack.length;
    if (n === 0) {
      step = 'endTop';
      endTop = true;
      if (!isJsonSpace(c)) fail(c, 'after top-level value');
      return;
    }
    if (isJsonSpace(c)) {
      step = 'endValue';
      return;
    }
    const ps = stack[n - 1];
    if (ps === 'key') {
      if (c === 0x3a) {
        stack[n - 1] = 'value';
        step = 'beginValue';
      } else fail(c, 'after object key');
    } else if (ps === 'value') {
      if (c === 0x2c) {
        stack[n - 1] = 'key';
        step = 'beginString';
      } else if (c === 0x7d) pop();
      else fail(c, 'after object key:value pair');
    } else if (c === 0x2c) step = 'beginValue';
    else if (c === 0x5d) pop();
    else fail(c, 'after array element');
  };
  const feed = (c: number): void => {
    switch (step) {
      case 'beginValueOrEmpty':
        if (isJsonSpace(c)) return;
        if (c === 0x5d) return endValue(c);
        return beginValue(c);
      case 'beginValue':
        return beginValue(c);
      case 'beginStringOrEmpty':
        if (isJsonSpace(c)) return;
        if (c === 0x7d) {
          stack[stack.length - 1] = 'value';
          return endValue(c);
        }
        if (c === 0x22) step = 'inString';
        else fail(c, 'looking for beginning of object key string');
        return;
      case 'beginString':
        if (isJsonSpace(c)) return;
        if (c === 0x22) step = 'inString';
        else fail(c, 'looking for beginning of object key string');
        return;
      case 'endValue':
        return endValue(c);
      case 'endTop':
        if (!isJsonSpace(c)) fail(c, 'after top-level value');
        return;
      case 'inString':
        if (c === 0x22) step = 'endValue';
        else if (c === 0x5c) step = 'inStringEsc';
        else if (c < 0x20) fail(c, 'in string literal');
        return;
      case 'inStringEsc':
        if ('bfnrt\\/"'.includes(String.fromCharCode(c))) step = 'inString';
        else if (c === 0x75) [step, hexLeft] = ['inStringEscU', 4];
        else fail(c, 'in string escape code');
        return;
      case 'inStringEscU':
        if (!isHex(c)) return fail(c, 'in \\u hexadecimal character escape');
        if (--hexLeft === 0) step = 'inString';
        return;
      case 'neg':
        if (c === 0x30) step = 'zero';
        else if (c >= 0x31 && c <= 0x39) step = 'one';
        else fail(c, 'in numeric literal');
        return;
      case 'one':
        if (isDigit(c)) return;
        return zero(c);
      case 'zero':
        return zero(c);
      case 'dot':
        if (isDigit(c)) step = 'dot0';
        else fail(c, 'after decimal point in numeric literal');
        return;
      case 'dot0':
        if (isDigit(c)) return;
        if (c === 0x65 || c === 0x45) step = 'e';
        else endValue(c);
        return;
      case 'e':
        if (c === 0x2b || c === 0x2d) step = 'eSign';
        else eSign(c);
        return;
      case 'eSign':
        return eSign(c);
      case 'e0':
        if (isDigit(c)) return;
        return endValue(c);
      case 'literal':
        if (c === literalRest.charCodeAt(0)) {
          literalRest = literalRest.slice(1);
          if (literalRest === '') step = 'endValue';
        } else fail(c, `in literal ${literalName} (expecting '${literalRest[0]!}')`);
        return;
    }
  };
  const zero = (c: number): void => {
    if (c === 0x2e) step = 'dot';
    else if (c === 0x65 || c === 0x45) step = 'e';
    else endValue(c);
  };
  const eSign = (c: number): void => {
    if (isDigit(c)) step = 'e0';
    else fail(c, 'in exponent of numeric literal');
  };
  for (const c of bytes) {
    feed(c);
    if (err !== undefined) return err;
  }
  if (endTop) return undefined;
  feed(0x20);
  if (err !== undefined) return err;
  return endTop ? undefined : 'unexpected end of JSON input';
}
