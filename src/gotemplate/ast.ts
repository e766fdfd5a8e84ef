/** Parse tree of a Go text/template, mirroring text/template/parse's node kinds. */
import type { GoFunc } from './func.js';

/** Where a node sits in its source, for Go-style error locations. */
export interface Located {
  readonly pos: number;
  /** The tree (source text + ParseName) the node belongs to. */
  readonly src: SourceInfo;
}

export interface SourceInfo {
  readonly text: string;
  /** Go's Tree.ParseName: the name of the top-level template whose text this is. */
  readonly parseName: string;
}

export type ArgNode =
  | FieldNode
  | VariableNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | IdentifierNode
  | ChainNode
  | PipeNode;

export interface FieldNode extends Located {
  readonly kind: 'field';
  readonly idents: readonly string[];
}
export interface VariableNode extends Located {
  readonly kind: 'variable';
  /** `$x` plus any field names that follow (`$x.A.B`). */
  readonly name: string;
  readonly idents: readonly string[];
}
export interface DotNode extends Located {
  readonly kind: 'dot';
}
export interface NilNode extends Located {
  readonly kind: 'nil';
}
export interface BoolNode extends Located {
  readonly kind: 'bool';
  readonly value: boolean;
}
export interface NumberNode extends Located {
  readonly kind: 'number';
  readonly text: string;
  /** Set when the literal is a valid Go int. */
  readonly int: bigint | undefined;
  /** Set when the literal is representable as float64. */
  readonly float: number | undefined;
  /** What the literal becomes when passed to interface{}: int or float64; undefined when it overflows int. */
  readonly ideal: bigint | number | undefined;
}
export interface StringNode extends Located {
  readonly kind: 'string';
  readonly quoted: string;
  readonly value: string;
}
export interface IdentifierNode extends Located {
  readonly kind: 'identifier';
  readonly name: string;
  /** Resolved at parse time. */
  readonly fn: GoFunc;
}
export interface ChainNode extends Located {
  readonly kind: 'chain';
  readonly node: ArgNode;
  readonly fields: readonly string[];
}
export interface CommandNode extends Located {
  readonly kind: 'command';
  readonly args: readonly ArgNode[];
}
export interface PipeNode extends Located {
  readonly kind: 'pipe';
  readonly isAssign: boolean;
  readonly decl: readonly VariableNode[];
  readonly cmds: readonly CommandNode[];
}

export type Node = TextNode | ActionNode | IfNode | RangeNode | WithNode | TemplateNode | BreakNode | ContinueNode;

export interface TextNode extends Located {
  readonly kind: 'text';
  readonly text: string;
}
export interface ActionNode extends Located {
  readonly kind: 'action';
  readonly pipe: PipeNode;
}
export interface BranchBase extends Located {
  readonly pipe: PipeNode;
  readonly list: readonly Node[];
  readonly elseList: readonly Node[] | undefined;
}
export interface IfNode extends BranchBase {
  readonly kind: 'if';
}
export interface WithNode extends BranchBase {
  readonly kind: 'with';
}
export interface RangeNode extends BranchBase {
  readonly kind: 'range';
}
export interface TemplateNode extends Located {
  readonly kind: 'template';
  readonly name: string;
  readonly pipe: PipeNode | undefined;
}
export interface BreakNode extends Located {
  readonly kind: 'break';
}
export interface ContinueNode extends Located {
  readonly kind: 'continue';
}

/** The text/template/parse String() form of a node, used in error contexts. */
export function nodeString(n: ArgNode | CommandNode | Node): string {
  switch (n.kind) {
    case 'field':
      return n.idents.map((i) => '.' + i).join('');
    case 'variable':
      return n.name + n.idents.map((i) => '.' + i).join('');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return n.value ? 'true' : 'false';
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
    case 'identifier':
      return n.name;
    case 'chain': {
      const inner = n.node.kind === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return inner + n.fields.map((f) => '.' + f).join('');
    }
    case 'command':
      return n.args.map((a) => (a.kind === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) s = n.decl.map((d) => d.name).join(', ') + (n.isAssign ? ' = ' : ' := ');
      return s + n.cmds.map((c) => nodeString(c)).join(' | ');
    }
    case 'text':
      return n.text;
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'if':
    case 'with':
    case 'range':
      return `{{${n.kind} ${nodeString(n.pipe)}}}`;
    case 'template':
      return n.pipe ? `{{template ${JSON.stringify(n.name)} ${nodeString(n.pipe)}}}` : `{{template ${JSON.stringify(n.name)}}}`;
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
  }
}
