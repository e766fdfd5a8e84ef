/** Recursive-descent parser following text/template/parse, resolving function names at parse time. */
import type {
  ArgNode,
  CommandNode,
  IdentifierNode,
  Node,
  NumberNode,
  PipeNode,
  SourceInfo,
  StringNode,
  VariableNode,
} from './ast.js';
import { TemplateError, type FuncMap } from './func.js';
import { lex, type Token } from './lexer.js';

export interface ParsedTree {
  readonly name: string;
  readonly root: readonly Node[];
}

class ParseFailure extends Error {}

const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);

/** Parses `text`, returning the top-level tree plus every {{define}}/{{block}} in it. */
export function parseTrees(text: string, name: string, funcs: FuncMap): Map<string, ParsedTree> {
  const p = new Parser(text, name, funcs);
  try {
    return p.parseAll();
  } catch (e) {
    if (e instanceof ParseFailure) throw new TemplateError(e.message, 'parse');
    throw e;
  }
}

class Parser {
  private readonly toks: Token[];
  private i = 0;
  private readonly src: SourceInfo;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private readonly trees = new Map<string, ParsedTree>();
  private lastLine = 1;

  constructor(
    text: string,
    private readonly name: string,
    private readonly funcs: FuncMap,
  ) {
    this.toks = lex(text);
    this.src = { text, parseName: name };
  }

  // ---------------------------------------------------------------- token helpers
  private next(): Token {
    const t = this.toks[this.i] ?? this.toks[this.toks.length - 1]!;
    if (this.i < this.toks.length) this.i++;
    this.lastLine = t.line;
    if (t.type === 'error') this.fail(t.val, t.line);
    return t;
  }
  private peek(): Token {
    const t = this.toks[this.i] ?? this.toks[this.toks.length - 1]!;
    if (t.type === 'error') this.fail(t.val, t.line);
    return t;
  }
  private backup(): void {
    this.i--;
  }
  private nextNonSpace(): Token {
    let t = this.next();
    while (t.type === 'space') t = this.next();
    return t;
  }
  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }
  private fail(msg: string, line = this.lastLine): never {
    throw new ParseFailure(`template: ${this.name}:${line}: ${msg}`);
  }
  private expect(type: Token['type'], context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }
  private unexpected(t: Token, context: string): never {
    if (t.type === 'error') this.fail(t.val, t.line);
    this.fail(`unexpected ${describe(t)} in ${context}`, t.line);
  }

  // ---------------------------------------------------------------- structure
  parseAll(): Map<string, ParsedTree> {
    const root: Node[] = [];
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'left') {
        const save = this.i;
        this.next();
        const t = this.nextNonSpace();
        if (t.type === 'keyword' && t.val === 'define') {
          this.parseDefinition();
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') this.fail(`unexpected {{${n.kind}}}`, n.line);
      root.push(n);
    }
    this.addTree(this.name, root, true);
    return this.trees;
  }

  private addTree(name: string, root: Node[], top = false): void {
    const old = this.trees.get(name);
    if (old && !isEmptyTree(old.root) && !isEmptyTree(root)) {
      this.fail(`template: multiple definition of template ${JSON.stringify(name)}`);
    }
    if (old && isEmptyTree(root) && !top) return;
    if (old && top && isEmptyTree(root)) return;
    this.trees.set(name, { name, root });
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const nameTok = this.nextNonSpace();
    if (nameTok.type !== 'string' && nameTok.type !== 'rawString') this.unexpected(nameTok, context);
    const name = unquote(nameTok.val, nameTok.line, this);
    this.expect('right', context);
    const savedVars = this.vars;
    this.vars = ['$'];
    const [list, end] = this.itemList();
    if (end.kind !== 'end') this.fail(`unexpected {{${end.kind}}} in ${context}`, end.line);
    this.vars = savedVars;
    this.addTree(name, list);
  }

  /** Returns the list plus the {{end}}/{{else}} marker that stopped it. */
  private itemList(): [Node[], Marker] {
    const list: Node[] = [];
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return [list, n];
      list.push(n);
    }
    this.fail('unexpected EOF');
  }

  private textOrAction(): Node | Marker {
    const t = this.nextNonSpace();
    if (t.type === 'text') return { kind: 'text', text: t.val, pos: t.pos, src: this.src };
    if (t.type === 'left') return this.action();
    this.unexpected(t, 'input');
  }

  private action(): Node | Marker {
    const t = this.nextNonSpace();
    if (t.type === 'keyword') {
      switch (t.val) {
        case 'block':
          return this.blockControl();
        case 'break':
        case 'continue': {
          const r = this.nextNonSpace();
          if (r.type !== 'right') this.unexpected(r, `{{${t.val}}}`);
          if (this.rangeDepth === 0) this.fail(`{{${t.val}}} outside {{range}}`, t.line);
          return { kind: t.val, pos: t.pos, src: this.src };
        }
        case 'else':
          return this.elseControl();
        case 'end': {
          const r = this.nextNonSpace();
          if (r.type !== 'right') this.unexpected(r, 'end');
          return { kind: 'end', line: t.line };
        }
        case 'if':
          return this.control('if', t);
        case 'range':
          return this.control('range', t);
        case 'with':
          return this.control('with', t);
        case 'template':
          return this.templateControl();
        case 'define':
          this.fail('unexpected <define> in command', t.line);
      }
    }
    this.backup();
    const pipe = this.pipeline('command', 'right');
    return { kind: 'action', pipe, pos: pipe.pos, src: this.src };
  }

  private elseControl(): Marker {
    const peek = this.peekNonSpace();
    if (peek.type === 'keyword' && (peek.val === 'if' || peek.val === 'with')) {
      return { kind: 'else', line: peek.line, chained: peek.val };
    }
    const t = this.nextNonSpace();
    if (t.type !== 'right') this.unexpected(t, 'else');
    return { kind: 'else', line: t.line, chained: undefined };
  }

  private control(kind: 'if' | 'range' | 'with', tok: Token): Node {
    const mark = this.vars.length;
    const pipe = this.pipeline(kind, 'right');
    if (kind === 'range') this.rangeDepth++;
    const body = this.itemList();
    const list = body[0];
    let next = body[1];
    if (kind === 'range') this.rangeDepth--;
    let elseList: Node[] | undefined;
    if (next.kind === 'else') {
      if (next.chained !== undefined && next.chained === kind) {
        const t = this.nextNonSpace(); // the `if` / `with` keyword
        elseList = [this.control(kind, t)];
      } else if (next.chained !== undefined) {
        // `{{else with}}` inside an if (or the reverse) is not a chain; Go then meets the keyword as input.
        this.unexpected(this.nextNonSpace(), 'input');
      } else {
        [elseList, next] = this.itemList();
        if (next.kind !== 'end') this.fail(`expected end; found {{else}}`, next.line);
      }
    }
    this.vars.length = mark;
    return { kind, pipe, list, elseList, pos: tok.pos, src: this.src };
  }

  private templateControl(): Node {
    const context = 'template clause';
    const t = this.nextNonSpace();
    const name = this.parseTemplateName(t, context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== 'right') {
      this.backup();
      pipe = this.pipeline(context, 'right');
    }
    return { kind: 'template', name, pipe, pos: t.pos, src: this.src };
  }

  private blockControl(): Node {
    const context = 'block clause';
    const t = this.nextNonSpace();
    const name = this.parseTemplateName(t, context);
    if (this.nextNonSpace().type === 'right') this.fail(`missing value for ${context}`, t.line);
    this.backup();
    const pipe = this.pipeline(context, 'right');
    const savedVars = this.vars;
    const savedDepth = this.rangeDepth;
    this.vars = ['$'];
    this.rangeDepth = 0;
    const [list, end] = this.itemList();
    if (end.kind !== 'end') this.fail(`unexpected {{${end.kind}}} in ${context}`, end.line);
    this.vars = savedVars;
    this.rangeDepth = savedDepth;
    this.addTree(name, list);
    return { kind: 'template', name, pipe, pos: t.pos, src: this.src };
  }

  private parseTemplateName(t: Token, context: string): string {
    if (t.type === 'string' || t.type === 'rawString') return unquote(t.val, t.line, this);
    this.unexpected(t, context);
  }

  // ---------------------------------------------------------------- pipelines
  private pipeline(context: string, end: 'right' | 'rparen'): PipeNode {
    const first = this.peekNonSpace();
    const decl: VariableNode[] = [];
    let isAssign = false;
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      const vIndex = this.i;
      this.nextNonSpace();
      const nx = this.peekNonSpace();
      if (nx.type === 'assign' || nx.type === 'declare') {
        isAssign = nx.type === 'assign';
        this.nextNonSpace();
        decl.push(this.newVariable(v));
        this.vars.push(v.val);
        break;
      }
      if (nx.type === 'char' && nx.val === ',') {
        this.nextNonSpace();
        decl.push(this.newVariable(v));
        this.vars.push(v.val);
        if (context === 'range' && decl.length < 2) {
          const p = this.peekNonSpace();
          if (p.type === 'variable' || p.type === 'right' || p.type === 'rparen') continue;
          this.fail('range can only initialize variables', p.line);
        }
        this.fail(`too many declarations in ${context}`, nx.line);
      }
      // Not a declaration: rewind to the variable itself.
      this.i = vIndex;
      break;
    }
    const cmds: CommandNode[] = [];
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        if (cmds.length === 0) this.fail(`missing value for ${context}`, t.line);
        for (let k = 1; k < cmds.length; k++) {
          const a = cmds[k]!.args[0]!;
          if (a.kind === 'bool' || a.kind === 'dot' || a.kind === 'nil' || a.kind === 'number' || a.kind === 'string') {
            this.fail(`non executable command in pipeline stage ${k + 1}`, t.line);
          }
        }
        return { kind: 'pipe', isAssign, decl, cmds, pos: first.pos, src: this.src };
      }
      switch (t.type) {
        case 'bool':
        case 'charConstant':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'lparen':
          this.backup();
          cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private command(): CommandNode {
    const start = this.peekNonSpace();
    const args: ArgNode[] = [];
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) args.push(operand);
      const t = this.next();
      if (t.type === 'space') continue;
      if (t.type === 'right' || t.type === 'rparen') this.backup();
      else if (t.type !== 'pipe') this.unexpected(t, 'operand');
      break;
    }
    if (args.length === 0) this.fail('empty command', start.line);
    return { kind: 'command', args, pos: start.pos, src: this.src };
  }

  private operand(): ArgNode | undefined {
    let node = this.term();
    if (!node) return undefined;
    if (this.peek().type === 'field') {
      const chainPos = this.peek().pos;
      const fields: string[] = [];
      while (this.peek().type === 'field') fields.push(this.next().val.slice(1));
      switch (node.kind) {
        case 'field':
          node = { kind: 'field', idents: [...node.idents, ...fields], pos: chainPos, src: this.src };
          break;
        case 'variable':
          node = { kind: 'variable', name: node.name, idents: [...node.idents, ...fields], pos: chainPos, src: this.src };
          break;
        case 'bool':
        case 'string':
        case 'number':
        case 'nil':
        case 'dot':
          this.fail(`unexpected . after term ${JSON.stringify(nodeText(node))}`);
          break;
        default:
          node = { kind: 'chain', node, fields, pos: chainPos, src: this.src };
      }
    }
    return node;
  }

  private term(): ArgNode | undefined {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'identifier': {
        const fn = this.funcs[t.val];
        if (!fn) this.fail(`function ${JSON.stringify(t.val)} not defined`, t.line);
        const id: IdentifierNode = { kind: 'identifier', name: t.val, fn, pos: t.pos, src: this.src };
        return id;
      }
      case 'dot':
        return { kind: 'dot', pos: t.pos, src: this.src };
      case 'nil':
        return { kind: 'nil', pos: t.pos, src: this.src };
      case 'variable':
        return this.useVar(t);
      case 'field':
        return { kind: 'field', idents: [t.val.slice(1)], pos: t.pos, src: this.src };
      case 'bool':
        return { kind: 'bool', value: t.val === 'true', pos: t.pos, src: this.src };
      case 'charConstant':
      case 'number':
        return this.number(t);
      case 'lparen': {
        const pipe = this.pipeline('parenthesized pipeline', 'rparen');
        return { ...pipe, pos: t.pos };
      }
      case 'string':
      case 'rawString': {
        const s: StringNode = { kind: 'string', quoted: t.val, value: unquote(t.val, t.line, this), pos: t.pos, src: this.src };
        return s;
      }
    }
    this.backup();
    return undefined;
  }

  private newVariable(t: Token): VariableNode {
    const parts = t.val.split('.');
    return { kind: 'variable', name: parts[0]!, idents: parts.slice(1), pos: t.pos, src: this.src };
  }

  private useVar(t: Token): VariableNode {
    const v = this.newVariable(t);
    if (!this.vars.includes(v.name)) this.fail(`undefined variable ${JSON.stringify(v.name)}`, t.line);
    return v;
  }

  private number(t: Token): NumberNode {
    if (t.type === 'charConstant') {
      const s = unquoteChar(t.val);
      if (s === undefined) this.fail(`malformed character constant: ${t.val}`, t.line);
      const cp = BigInt(s.codePointAt(0) ?? 0);
      return { kind: 'number', text: t.val, int: cp, float: Number(cp), ideal: cp, pos: t.pos, src: this.src };
    }
    const text = t.val;
    if (text.endsWith('i')) this.fail(`complex numbers are not supported: ${text}`, t.line);
    const clean = text.replace(/_/g, '');
    let int: bigint | undefined;
    let uint = false;
    const neg = clean.startsWith('-');
    const body = clean.replace(/^[+-]/, '');
    if (/^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.test(body)) {
      const v = /^0[0-7]+$/.test(body) ? BigInt('0o' + body.slice(1)) : BigInt(body);
      const signed = neg ? -v : v;
      if (signed >= MIN_INT64 && signed <= MAX_INT64) int = signed;
      else if (!neg && v < 1n << 64n) uint = true;
      else this.fail(`integer overflow: ${JSON.stringify(text)}`, t.line);
    }
    let float: number | undefined;
    if (int !== undefined) float = Number(int);
    else if (uint) float = Number(BigInt(body));
    else if (/^[0-9]*\.?[0-9]*([eE][+-]?[0-9]+)?$/.test(body) && /[0-9]/.test(body)) {
      float = Number(body) * (neg ? -1 : 1);
      if (!Number.isFinite(float)) this.fail(`illegal number syntax: ${JSON.stringify(text)}`, t.line);
    } else if (/^0[xX][0-9a-fA-F]*(\.[0-9a-fA-F]*)?[pP][+-]?[0-9]+$/.test(body)) {
      float = hexFloat(body) * (neg ? -1 : 1);
    } else if (/^0[xX]/.test(body)) {
      this.fail(`illegal number syntax: ${JSON.stringify(text)}`, t.line);
    }
    if (int === undefined && float === undefined) this.fail(`illegal number syntax: ${JSON.stringify(text)}`, t.line);
    const isHex = /^0[xX]/.test(body) && !/[pP]/.test(body);
    const ideal: bigint | number | undefined =
      float !== undefined && !isHex && /[.eEpP]/.test(body) ? float : int !== undefined ? int : undefined;
    return { kind: 'number', text, int, float, ideal, pos: t.pos, src: this.src };
  }

  failAt(msg: string, line: number): never {
    this.fail(msg, line);
  }
}

/** Go hex float literal: 0x<mantissa>p<binary exponent>. */
function hexFloat(body: string): number {
  const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/.exec(body)!;
  const intPart = m[1] ?? '';
  const frac = m[2] ?? '';
  const mant = parseInt((intPart + frac) || '0', 16);
  return mant * 2 ** (Number(m[3]) - 4 * frac.length);
}

type Marker = { kind: 'end'; line: number } | { kind: 'else'; line: number; chained: string | undefined };

function isEmptyTree(nodes: readonly Node[]): boolean {
  return nodes.every((n) => n.kind === 'text' && n.text.trim() === '');
}

function nodeText(n: ArgNode): string {
  switch (n.kind) {
    case 'bool':
      return String(n.value);
    case 'string':
      return n.quoted;
    case 'number':
      return n.text;
    case 'nil':
      return 'nil';
    default:
      return '.';
  }
}

function describe(t: Token): string {
  switch (t.type) {
    case 'eof':
      return 'EOF';
    case 'right':
      return '"}}"';
    case 'left':
      return '"{{"';
    case 'keyword':
    case 'dot':
    case 'nil':
      return `<${t.val}>`;
    case 'space':
      return 'space';
    case 'text':
      return JSON.stringify(t.val.length > 10 ? t.val.slice(0, 10) + '...' : t.val);
    default:
      return JSON.stringify(t.val);
  }
}

/** strconv.Unquote for "..." and `...` literals. */
function unquote(lit: string, line: number, p: Parser): string {
  if (lit.startsWith('`')) return lit.slice(1, -1);
  const s = unquoteInterpreted(lit.slice(1, -1));
  if (s === undefined) p.failAt('invalid syntax', line);
  return s;
}

function unquoteChar(lit: string): string | undefined {
  const body = lit.slice(1, -1);
  if (body === "\\'") return "'";
  const s = unquoteInterpreted(body);
  if (s === undefined || [...s].length !== 1) return undefined;
  return s;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

function unquoteInterpreted(body: string): string | undefined {
  if (!body.includes('\\')) return body;
  let out = '';
  const bytes: number[] = [];
  const flushBytes = (): void => {
    if (bytes.length) {
      out += Buffer.from(bytes).toString('utf8');
      bytes.length = 0;
    }
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      flushBytes();
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      flushBytes();
      out += simple;
      continue;
    }
    if (e === 'x') {
      const h = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return undefined;
      bytes.push(parseInt(h, 16));
      i += 2;
      continue;
    }
    if (e >= '0' && e <= '7') {
      const o = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(o)) return undefined;
      bytes.push(parseInt(o, 8));
      i += 2;
      continue;
    }
    if (e === 'u' || e === 'U') {
      const len = e === 'u' ? 4 : 8;
      const h = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(h)) return undefined;
      flushBytes();
      out += String.fromCodePoint(parseInt(h, 16));
      i += len;
      continue;
    }
    return undefined;
  }
  flushBytes();
  return out;
}
