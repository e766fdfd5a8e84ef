/**
 * Execution of parsed templates, with text/template's exec.go semantics and error texts, compiled once per
 * configuration: every node becomes a closure with its kind, arity, parameter types and variables resolved
 * ahead of time, so executing a template per pod walks no tree and builds no argument arrays.
 *
 * Variables live in one array per template invocation, each declaration in a slot chosen at compile time.
 * The compile-time scope follows the stack exec.go keeps at run time (not the parser's, which also sees a
 * branch's own declarations in its else-branch), so every reference finds the variable Go would find.
 */
import {
  nodeString,
  type ArgNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type Located,
  type Node,
  type NumberNode,
  type PipeNode,
  type RangeNode,
  type TemplateNode,
  type VariableNode,
} from './ast.js';
import { formatValue } from './fmt.js';
import { TemplateError, type BasicParamType, type GoFunc, type ParamType } from './func.js';
import type { ParsedTree } from './parser.js';
import {
  GoEnum,
  GoNilPointer,
  GoStringMap,
  GoStruct,
  GoTypedInt,
  goTypeName,
  hasOwn,
  isPlainMap,
  isTrue,
  sortedKeys,
} from './values.js';

/** Go's maxExecDepth is 100000; JS stacks are shallower, so recursion is bounded earlier. */
export const MAX_EXEC_DEPTH = 1000;

type ErrNode = Located & (ArgNode | CommandNode | Node);

/** What running a node list tells its range loop: go on, or a `{{break}}` / `{{continue}}` was reached. */
const NEXT = 0;
const BREAK = 1;
const CONTINUE = 2;
type Signal = typeof NEXT | typeof BREAK | typeof CONTINUE;

type Emit = (r: Run, dot: unknown) => Signal;
type Eval = (r: Run, dot: unknown) => unknown;
/** A pipeline command: `final` is the previous command's result, absent (undefined) for the first command. */
type CommandEval = (r: Run, dot: unknown, final: unknown) => unknown;
type Check = (r: Run, value: unknown) => unknown;

class ExecFailure extends Error {}

const PARAM_GO_TYPE: Record<BasicParamType, string> = {
  any: 'interface {}',
  value: 'reflect.Value',
  string: 'string',
  int: 'int',
  float64: 'float64',
  bool: 'bool',
  stringMap: 'map[string]string',
  map: 'map[string]interface {}',
  list: '[]interface {}',
};

function paramGoType(t: ParamType): string {
  return typeof t === 'string' ? PARAM_GO_TYPE[t] : t.goType;
}

/** The state of one execution: output, the current template's variables, and where an error is reported. */
class Run {
  out = '';
  vals: unknown[];
  /**
   * Whether each variable, and dot, holds an element taken out of a []interface{} or map[string]interface{}
   * by range: Go then sees the static type interface {}, which shows in "can't evaluate field" errors.
   */
  ifaces: boolean[];
  dotIface = false;
  node: ErrNode | undefined;
  depth = 0;
  /**
   * Lists made by `$v = append $v x` that only that variable holds: nothing has read the variable
   * since, so no other value can alias the list and appending in place is unobservable.
   */
  owned: WeakSet<unknown[]> | undefined;

  constructor(
    public tmplName: string,
    frameSize: number,
  ) {
    this.vals = new Array<unknown>(frameSize);
    this.ifaces = new Array<boolean>(frameSize).fill(false);
  }

  message(msg: string): string {
    const n = this.node;
    if (!n) return `template: ${this.tmplName}: ${msg}`;
    const text = n.src.text;
    const before = text.slice(0, n.pos);
    const nl = before.lastIndexOf('\n');
    const col = nl < 0 ? Buffer.byteLength(before) : Buffer.byteLength(before.slice(nl + 1));
    let line = 1;
    for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 10) line++;
    return `template: ${n.src.parseName}:${line}:${col}: executing ${JSON.stringify(this.tmplName)} at <${nodeString(n)}>: ${msg}`;
  }

  fail(msg: string): never {
    throw new ExecFailure(this.message(msg));
  }

  toTemplateError(e: unknown): TemplateError {
    if (e instanceof ExecFailure) return new TemplateError(e.message, 'exec');
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      return new TemplateError(this.message(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`), 'exec');
    }
    const msg = e instanceof Error ? e.message : String(e);
    return new TemplateError(this.message(`internal error: ${msg}`), 'exec');
  }

  /** Once read, a list may be held elsewhere too, so it can no longer be extended in place. */
  disown(value: unknown): void {
    if (this.owned !== undefined && Array.isArray(value)) this.owned.delete(value);
  }
}

/** A compiled template body: its variable frame size and its node list (linked after every tree is compiled). */
interface CompiledTree {
  frameSize: number;
  body: Emit;
}

/** Variables visible at a point of the template: names and slots, innermost last. */
class Scope {
  private readonly names: string[] = ['$'];
  private readonly slots: number[] = [0];
  size = 1;

  resolve(name: string): number | undefined {
    for (let i = this.names.length - 1; i >= 0; i--) if (this.names[i] === name) return this.slots[i];
    return undefined;
  }
  declare(name: string): number {
    const slot = this.size++;
    this.names.push(name);
    this.slots.push(slot);
    return slot;
  }
  mark(): number {
    return this.names.length;
  }
  pop(mark: number): void {
    this.names.length = mark;
    this.slots.length = mark;
  }
}

/** Compiles every tree of a template set; returns an executor by template name. */
export function compileTrees(trees: ReadonlyMap<string, ParsedTree>): (name: string, data: unknown) => string {
  const compiled = new Map<string, CompiledTree>();
  for (const name of trees.keys()) compiled.set(name, { frameSize: 1, body: () => NEXT });
  const c = new Compiler(compiled);
  for (const [name, tree] of trees) {
    const scope = new Scope();
    const body = c.list(tree.root, scope);
    const target = compiled.get(name)!;
    target.body = body;
    target.frameSize = scope.size;
  }
  return (name, data) => {
    const tree = compiled.get(name);
    if (!tree) throw new TemplateError(`template: no template ${JSON.stringify(name)} is defined`, 'exec');
    const r = new Run(name, tree.frameSize);
    const dot = data === null ? undefined : data;
    r.vals[0] = dot;
    try {
      tree.body(r, dot);
    } catch (e) {
      throw r.toTemplateError(e);
    }
    return r.out;
  };
}

const EMPTY_ARGS: readonly ArgNode[] = [];

class Compiler {
  constructor(private readonly trees: ReadonlyMap<string, CompiledTree>) {}

  // ------------------------------------------------------------------ node lists
  list(nodes: readonly Node[], scope: Scope): Emit {
    const fns: Emit[] = [];
    let text = '';
    const flush = () => {
      if (text === '') return;
      const t = text;
      fns.push((r) => {
        r.out += t;
        return NEXT;
      });
      text = '';
    };
    for (const node of nodes) {
      if (node.kind === 'text') {
        text += node.text;
        continue;
      }
      flush();
      fns.push(this.node(node, scope));
    }
    flush();
    if (fns.length === 0) return () => NEXT;
    if (fns.length === 1) return fns[0]!;
    const n = fns.length;
    return (r, dot) => {
      for (let i = 0; i < n; i++) {
        const s = fns[i]!(r, dot);
        if (s !== NEXT) return s;
      }
      return NEXT;
    };
  }

  private node(node: Node, scope: Scope): Emit {
    switch (node.kind) {
      case 'text': {
        const t = node.text;
        return (r) => {
          r.out += t;
          return NEXT;
        };
      }
      case 'action': {
        const append = this.appendToOwnVariable(node.pipe, scope);
        if (append) {
          return (r, dot) => {
            append(r, dot);
            return NEXT;
          };
        }
        const pipe = this.pipeline(node.pipe, scope);
        if (node.pipe.decl.length > 0) {
          return (r, dot) => {
            pipe(r, dot);
            return NEXT;
          };
        }
        return (r, dot) => {
          const v = pipe(r, dot);
          if (typeof v === 'string') r.out += v;
          else printValue(r, node, v);
          return NEXT;
        };
      }
      case 'if':
      case 'with': {
        const outer = scope.mark();
        const pipe = this.pipeline(node.pipe, scope);
        const inner = scope.mark();
        const list = this.list(node.list, scope);
        scope.pop(inner);
        const elseList = node.elseList ? this.list(node.elseList, scope) : undefined;
        scope.pop(outer);
        if (node.kind === 'with') {
          return (r, dot) => {
            const val = pipe(r, dot);
            if (isTrue(val)) {
              const saved = r.dotIface;
              r.dotIface = false;
              const s = list(r, val);
              r.dotIface = saved;
              return s;
            }
            return elseList ? elseList(r, dot) : NEXT;
          };
        }
        return (r, dot) => {
          if (isTrue(pipe(r, dot))) return list(r, dot);
          return elseList ? elseList(r, dot) : NEXT;
        };
      }
      case 'range':
        return this.range(node, scope);
      case 'template':
        return this.template(node, scope);
      case 'break':
        return () => BREAK;
      case 'continue':
        return () => CONTINUE;
    }
  }

  /**
   * `{{ $v = append $v x }}`: sprig copies the list on every call, which makes the usual collecting
   * loop quadratic. When $v holds a list an earlier such assignment made and nothing has read $v
   * since (see Run.owned), x is pushed onto it instead; the result is the same list Go would build.
   * Returns undefined when the action is not of that shape, and the normal path evaluates it.
   */
  private appendToOwnVariable(pipe: PipeNode, scope: Scope): Eval | undefined {
    if (!pipe.isAssign || pipe.decl.length !== 1 || pipe.cmds.length !== 1) return undefined;
    const args = pipe.cmds[0]!.args;
    const fn = args[0];
    const target = args[1];
    if (args.length !== 3 || fn?.kind !== 'identifier' || fn.fn.listAppend !== true) return undefined;
    if (target?.kind !== 'variable' || target.idents.length !== 0 || target.name !== pipe.decl[0]!.name) return undefined;
    const slot = scope.resolve(target.name);
    // x is compiled twice (alone and inside the whole pipeline): a declaration in it would get two slots.
    if (slot === undefined || declares(args[2]!)) return undefined;
    const whole = this.pipeline(pipe, scope);
    const elemArg = this.arg(fn.fn.params[1] ?? 'any', args[2]!, scope);
    return (r, dot) => {
      const current = r.vals[slot];
      const owned = (r.owned ??= new WeakSet<unknown[]>());
      if (!Array.isArray(current) || !owned.has(current)) {
        const fresh = whole(r, dot);
        if (Array.isArray(fresh)) owned.add(fresh);
        return undefined;
      }
      r.node = pipe;
      const elem = elemArg(r, dot);
      if (owned.has(current)) {
        current.push(elem);
      } else {
        // Evaluating x read $v, so the list may now be seen elsewhere: copy, as append does.
        const fresh = [...current, elem];
        r.vals[slot] = fresh;
        r.ifaces[slot] = false;
        owned.add(fresh);
      }
      return undefined;
    };
  }

  private range(node: RangeNode, scope: Scope): Emit {
    const outer = scope.mark();
    const pipe = this.pipeline(node.pipe, scope);
    const decl = node.pipe.decl;
    // Per iteration: `:=` sets the two slots just declared, `=` the variables the names resolve to.
    const elemSlot = decl.length === 0 ? undefined : node.pipe.isAssign ? scope.resolve(decl[decl.length > 1 ? 1 : 0]!.name) : scope.size - 1;
    const indexSlot = decl.length < 2 ? undefined : node.pipe.isAssign ? scope.resolve(decl[0]!.name) : scope.size - 2;
    const inner = scope.mark();
    const body = this.list(node.list, scope);
    scope.pop(inner);
    const elseList = node.elseList ? this.list(node.elseList, scope) : undefined;
    scope.pop(outer);
    const twoVars = decl.length > 1;

    return (r, dot) => {
      r.node = node;
      const val = pipe(r, dot);
      const generic = Array.isArray(val) || isPlainMap(val);
      const savedDotIface = r.dotIface;
      const one = (index: unknown, elem: unknown): boolean => {
        const iface = generic && !(elem instanceof GoStruct || elem instanceof GoNilPointer || elem instanceof GoStringMap);
        if (elemSlot !== undefined) {
          if (indexSlot !== undefined) setSlot(r, indexSlot, index, false, decl[0]!);
          setSlot(r, elemSlot, elem, iface, decl[twoVars ? 1 : 0]!);
        }
        r.dotIface = iface;
        const s = body(r, elem);
        r.dotIface = savedDotIface;
        return s !== BREAK;
      };
      let ranged = false;
      if (Array.isArray(val)) {
        for (let i = 0; i < val.length; i++) if (!one(BigInt(i), val[i])) break;
        ranged = val.length > 0;
      } else if (val instanceof GoStringMap) {
        const keys = sortedKeys(val.keys());
        for (const k of keys) if (!one(k, val.get(k))) break;
        ranged = keys.length > 0;
      } else if (isPlainMap(val)) {
        const keys = sortedKeys(Object.keys(val));
        for (const k of keys) if (!one(k, val[k])) break;
        ranged = keys.length > 0;
      } else if (typeof val === 'bigint' || val instanceof GoTypedInt) {
        // Go 1.22+: range over an integer yields 0..n-1 of the integer's own type.
        const n = typeof val === 'bigint' ? val : val.value;
        const wrap = typeof val === 'bigint' ? (i: bigint): unknown => i : (i: bigint): unknown => new GoTypedInt(val.type, i);
        if (twoVars) r.fail(`can't use ${n} to iterate over more than one variable`);
        for (let i = 0n; i < n; i++) if (!one(wrap(i), wrap(i))) break;
        ranged = n > 0n;
      } else if (val !== undefined && val !== null) {
        r.fail(`range can't iterate over ${formatValue(val, false)}`);
      }
      if (!ranged && elseList) return elseList(r, dot);
      return NEXT;
    };
  }

  private template(node: TemplateNode, scope: Scope): Emit {
    const callee = this.trees.get(node.name);
    const pipe = node.pipe ? this.pipeline(node.pipe, scope) : undefined;
    const name = node.name;
    return (r, dot) => {
      r.node = node;
      if (!callee) return r.fail(`template ${JSON.stringify(name)} not defined`);
      const newDot = pipe ? pipe(r, dot) : undefined;
      if (r.depth >= MAX_EXEC_DEPTH) {
        r.node = node;
        r.fail(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
      }
      const savedVals = r.vals;
      const savedIfaces = r.ifaces;
      const savedName = r.tmplName;
      const savedIface = r.dotIface;
      r.vals = new Array<unknown>(callee.frameSize);
      r.ifaces = new Array<boolean>(callee.frameSize).fill(false);
      r.vals[0] = newDot;
      r.tmplName = name;
      r.depth++;
      r.dotIface = false;
      callee.body(r, newDot);
      r.dotIface = savedIface;
      r.depth--;
      r.vals = savedVals;
      r.ifaces = savedIfaces;
      r.tmplName = savedName;
      return NEXT;
    };
  }

  // ------------------------------------------------------------------ pipelines and commands
  private pipeline(pipe: PipeNode, scope: Scope): Eval {
    const cmds = pipe.cmds.map((cmd, i) => this.command(cmd, i > 0, scope));
    const decls = pipe.decl.map((d) => ({ node: d, slot: pipe.isAssign ? scope.resolve(d.name) : scope.declare(d.name) }));
    const n = cmds.length;
    const first = cmds[0]!;
    if (decls.length === 0 && n === 1) {
      return (r, dot) => {
        r.node = pipe;
        const value = first(r, dot, undefined);
        // A nil interface{} result is "no value", as reflect.ValueOf(nil) is in Go.
        return value === null ? undefined : value;
      };
    }
    return (r, dot) => {
      r.node = pipe;
      let value: unknown = undefined;
      for (let i = 0; i < n; i++) {
        value = cmds[i]!(r, dot, value);
        if (value === null) value = undefined;
      }
      for (let i = 0; i < decls.length; i++) {
        const d = decls[i]!;
        setSlot(r, d.slot, value, false, d.node);
      }
      return value;
    };
  }

  private command(cmd: CommandNode, hasFinal: boolean, scope: Scope): CommandEval {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field':
        return this.fieldChain(first, (_r, dot) => dot, true, first.idents, cmd.args, hasFinal, scope);
      case 'chain':
        return this.chain(first, cmd.args, hasFinal, scope);
      case 'identifier': {
        // Go reports a failing call against the whole command, other problems against the name.
        const call = this.call(first.fn, cmd, first.name, cmd.args, hasFinal, scope);
        return (r, dot, final) => {
          r.node = first;
          return call(r, dot, final);
        };
      }
      case 'pipe': {
        const inner = this.pipeline(first, scope);
        const notFn = cmd.args.length > 1 || hasFinal;
        return (r, dot) => {
          if (notFn) notAFunction(r, first);
          return inner(r, dot);
        };
      }
      case 'variable':
        return this.variable(first, cmd.args, hasFinal, scope);
    }
    const notFn = cmd.args.length > 1 || hasFinal;
    const literal = this.literal(first);
    return (r, dot) => {
      r.node = first;
      if (notFn) notAFunction(r, first);
      return literal(r, dot);
    };
  }

  /** A command that is a bare operand: bool, dot, nil, number or string. */
  private literal(first: ArgNode): Eval {
    switch (first.kind) {
      case 'bool': {
        const v = first.value;
        return () => v;
      }
      case 'dot':
        return (_r, dot) => dot;
      case 'nil':
        return (r) => r.fail('nil is not a command');
      case 'number':
        return (r) => idealConstant(r, first);
      case 'string': {
        const v = first.value;
        return () => v;
      }
      default:
        throw new Error(`not an operand: ${first.kind}`);
    }
  }

  private chain(chain: ChainNode, args: readonly ArgNode[], hasFinal: boolean, scope: Scope): CommandEval {
    const receiver = chain.node.kind === 'nil' ? undefined : this.arg('value', chain.node, scope);
    const rest = this.fieldChain(chain, receiver ?? (() => undefined), false, chain.fields, args, hasFinal, scope);
    return (r, dot, final) => {
      r.node = chain;
      if (!receiver) r.fail(`indirection through explicit nil in ${nodeString(chain)}`);
      return rest(r, dot, final);
    };
  }

  private variable(v: VariableNode, args: readonly ArgNode[], hasFinal: boolean, scope: Scope): CommandEval {
    const slot = scope.resolve(v.name);
    const name = v.name;
    if (v.idents.length === 0) {
      const notFn = args.length > 1 || hasFinal;
      return (r) => {
        r.node = v;
        if (slot === undefined) return r.fail(`undefined variable: ${name}`);
        const value = r.vals[slot];
        r.disown(value);
        if (notFn) notAFunction(r, args[0]!);
        return value;
      };
    }
    const rest = this.fieldChain(
      v,
      (r) => r.vals[slot!],
      false,
      v.idents,
      args,
      hasFinal,
      scope,
      (r) => r.ifaces[slot!]!,
    );
    return (r, dot, final) => {
      r.node = v;
      if (slot === undefined) return r.fail(`undefined variable: ${name}`);
      r.disown(r.vals[slot]);
      return rest(r, dot, final);
    };
  }

  /**
   * `.A.B.C args` on a receiver: every field but the last is read without arguments; the last may be a
   * method given the command's arguments (and the pipeline's previous value).
   */
  private fieldChain(
    node: FieldNode | ChainNode | VariableNode,
    receiverOf: Eval,
    receiverIsDot: boolean,
    idents: readonly string[],
    args: readonly ArgNode[],
    hasFinal: boolean,
    scope: Scope,
    ifaceOf?: (r: Run) => boolean,
  ): CommandEval {
    const n = idents.length;
    const steps: Array<(r: Run, dot: unknown, receiver: unknown, iface: boolean, final: unknown) => unknown> = [];
    for (let i = 0; i < n - 1; i++) steps.push(this.field(idents[i]!, node, EMPTY_ARGS, false, scope));
    const last = this.field(idents[n - 1]!, node, args, hasFinal, scope);
    const isField = node.kind === 'field';
    return (r, dot, final) => {
      if (isField) r.node = node;
      let receiver = receiverOf(r, dot);
      let iface = receiverIsDot ? r.dotIface : ifaceOf ? ifaceOf(r) : false;
      for (let i = 0; i < steps.length; i++) {
        const fromGenericMap = isPlainMap(receiver);
        receiver = steps[i]!(r, dot, receiver, iface, undefined);
        iface = fromGenericMap;
      }
      return last(r, dot, receiver, iface, final);
    };
  }

  private field(
    fieldName: string,
    node: ErrNode,
    args: readonly ArgNode[],
    hasFinal: boolean,
    scope: Scope,
  ): (r: Run, dot: unknown, receiver: unknown, iface: boolean, final: unknown) => unknown {
    const hasArgs = args.length > 1 || hasFinal;
    // A method's parameters are all interface{}, so its arguments compile without knowing the method.
    const methodArgs = args.slice(1).map((a) => this.arg('any', a, scope));
    const nArgs = methodArgs.length;
    const numIn = nArgs + (hasFinal ? 1 : 0);
    const callMethod = (r: Run, dot: unknown, m: (...a: unknown[]) => unknown, final: unknown): unknown => {
      if (numIn !== m.length) r.fail(`wrong number of args for ${fieldName}: want ${m.length} got ${numIn}`);
      const argv = new Array<unknown>(numIn);
      for (let i = 0; i < nArgs; i++) argv[i] = methodArgs[i]!(r, dot);
      if (hasFinal) argv[nArgs] = final === undefined ? null : final;
      return invoke(r, node, fieldName, m, argv);
    };
    return (r, dot, receiver, iface, final) => {
      if (receiver === undefined) return undefined;
      if (receiver === null) r.fail(`nil pointer evaluating interface {}.${fieldName}`);
      if (receiver instanceof GoStruct || receiver instanceof GoNilPointer) {
        const m = receiver.methods[fieldName];
        if (m) return callMethod(r, dot, m as (...a: unknown[]) => unknown, final);
      } else if (receiver instanceof GoEnum && fieldName === 'String') {
        const name = receiver.name;
        return callMethod(r, dot, () => name, final);
      }
      if (isPlainMap(receiver)) {
        if (hasArgs) r.fail(`${fieldName} is not a method but has arguments`);
        return hasOwn(receiver, fieldName) ? receiver[fieldName] : undefined;
      }
      if (receiver instanceof GoStruct) {
        if (hasOwn(receiver.fields, fieldName)) {
          if (hasArgs) r.fail(`${fieldName} has arguments but cannot be invoked as function`);
          return receiver.fields[fieldName];
        }
        r.fail(`can't evaluate field ${fieldName} in type ${iface ? 'interface {}' : receiver.typeName}`);
      }
      if (receiver instanceof GoStringMap) {
        if (hasArgs) r.fail(`${fieldName} is not a method but has arguments`);
        return receiver.get(fieldName);
      }
      if (receiver instanceof GoNilPointer) {
        if (receiver.knownFields && !receiver.knownFields.includes(fieldName)) {
          r.fail(`can't evaluate field ${fieldName} in type ${receiver.typeName}`);
        }
        r.fail(`nil pointer evaluating ${receiver.typeName}.${fieldName}`);
      }
      return r.fail(`can't evaluate field ${fieldName} in type ${iface ? 'interface {}' : goTypeName(receiver)}`);
    };
  }

  /**
   * A call of a function resolved at parse time. `cmdArgs[0]` is the function itself; `node` is where
   * "error calling" is reported (the command).
   */
  private call(fn: GoFunc, node: ErrNode, name: string, cmdArgs: readonly ArgNode[], hasFinal: boolean, scope: Scope): CommandEval {
    const nArgs = cmdArgs.length === 0 ? 0 : cmdArgs.length - 1;
    const numIn = nArgs + (hasFinal ? 1 : 0);
    const numFixed = fn.params.length;
    if (fn.variadic !== undefined ? numIn < numFixed : numIn !== numFixed) {
      const msg =
        fn.variadic !== undefined
          ? `wrong number of args for ${name}: want at least ${numFixed} got ${nArgs}`
          : `wrong number of args for ${name}: want ${numFixed} got ${numIn}`;
      return (r) => r.fail(msg);
    }
    if (fn.shortCircuit) {
      const wantTruth = fn.shortCircuit === 'or';
      const operands = cmdArgs.slice(1).map((a) => this.arg('value', a, scope));
      return (r, dot, final) => {
        let v: unknown = undefined;
        for (let i = 0; i < operands.length; i++) {
          v = operands[i]!(r, dot);
          if (isTrue(v) === wantTruth) return v;
        }
        if (hasFinal) v = final;
        return v;
      };
    }
    const evals: Eval[] = [];
    for (let i = 0; i < nArgs; i++) evals.push(this.arg(i < numFixed ? fn.params[i]! : fn.variadic!, cmdArgs[i + 1]!, scope));
    const finalCheck = hasFinal ? checker(nArgs < numFixed ? fn.params[nArgs]! : (fn.variadic ?? 'any')) : undefined;
    const f = fn.fn as (...a: unknown[]) => unknown;
    if (fn.withCalleeName) {
      const callee = nArgs > 0 ? nodeString(cmdArgs[1]!) : undefined;
      return (r, dot, final) => {
        const argv = evals.map((e) => e(r, dot));
        if (finalCheck) argv.push(finalCheck(r, final));
        argv.unshift(callee ?? formatValue(final, false));
        return invoke(r, node, name, f, argv);
      };
    }
    const e0 = evals[0];
    const e1 = evals[1];
    // The common arities call directly; the rest spread an argument array.
    switch (numIn) {
      case 0:
        return (r) => invoke0(r, node, name, f);
      case 1:
        if (finalCheck) return (r, _dot, final) => invoke1(r, node, name, f, finalCheck(r, final));
        return (r, dot) => invoke1(r, node, name, f, e0!(r, dot));
      case 2:
        if (finalCheck) {
          return (r, dot, final) => {
            const a = e0!(r, dot);
            return invoke2(r, node, name, f, a, finalCheck(r, final));
          };
        }
        return (r, dot) => {
          const a = e0!(r, dot);
          return invoke2(r, node, name, f, a, e1!(r, dot));
        };
      default:
        return (r, dot, final) => {
          const argv = new Array<unknown>(numIn);
          for (let i = 0; i < nArgs; i++) argv[i] = evals[i]!(r, dot);
          if (finalCheck) argv[nArgs] = finalCheck(r, final);
          return invoke(r, node, name, f, argv);
        };
    }
  }

  // ------------------------------------------------------------------ arguments
  /** An argument that is evaluated (not a literal), before its type is checked. */
  private operand(n: FieldNode | VariableNode | PipeNode | IdentifierNode | ChainNode, scope: Scope): CommandEval {
    switch (n.kind) {
      case 'field':
        return this.fieldChain(n, (_r, dot) => dot, true, n.idents, [n], false, scope);
      case 'variable':
        return this.variable(n, EMPTY_ARGS, false, scope);
      case 'pipe': {
        const p = this.pipeline(n, scope);
        return (r, dot) => p(r, dot);
      }
      case 'identifier':
        return this.call(n.fn, n, n.name, [n], false, scope);
      case 'chain':
        return this.chain(n, EMPTY_ARGS, false, scope);
    }
  }

  /** An argument evaluated for a parameter of type `type` (text/template's evalArg). */
  private arg(type: ParamType, n: ArgNode, scope: Scope): Eval {
    const check = checker(type);
    switch (n.kind) {
      case 'dot':
        return (r, dot) => {
          r.node = n;
          return check(r, dot);
        };
      case 'nil': {
        if (type === 'any') return setNode(n, () => null);
        if (type === 'value') return setNode(n, () => undefined);
        if (type === 'stringMap') return setNode(n, () => new GoStringMap(null));
        if (type === 'map' || type === 'list') return setNode(n, () => null);
        if (typeof type !== 'string' && type.nilable) return setNode(n, () => null);
        const msg = `cannot assign nil to ${paramGoType(type)}`;
        return setNode(n, (r) => r.fail(msg));
      }
      case 'field':
      case 'variable':
      case 'pipe':
      case 'identifier':
      case 'chain': {
        const inner = this.operand(n, scope);
        return (r, dot) => {
          r.node = n;
          return check(r, inner(r, dot, undefined));
        };
      }
    }
    switch (type) {
      case 'any':
      case 'value':
        if (n.kind === 'number') return setNode(n, (r) => idealConstant(r, n));
        return constant(n, n.value);
      case 'bool':
        if (n.kind === 'bool') return constant(n, n.value);
        return failing(n, `expected bool; found ${nodeString(n)}`);
      case 'int':
        if (n.kind === 'number' && n.int !== undefined) return constant(n, n.int);
        return failing(n, `expected integer; found ${nodeString(n)}`);
      case 'float64':
        if (n.kind === 'number' && n.float !== undefined) return constant(n, n.float);
        return failing(n, `expected float; found ${nodeString(n)}`);
      case 'string':
        if (n.kind === 'string') return constant(n, n.value);
        return failing(n, `expected string; found ${nodeString(n)}`);
    }
    return failing(n, `can't handle ${nodeString(n)} for arg of type ${paramGoType(type)}`);
  }
}

/** Whether an argument declares a variable (a parenthesized pipeline `($x := ...)` may). */
function declares(n: ArgNode): boolean {
  if (n.kind === 'chain') return declares(n.node);
  if (n.kind !== 'pipe') return false;
  return n.decl.length > 0 || n.cmds.some((c) => c.args.some(declares));
}

// ------------------------------------------------------------------ run-time helpers
function setNode(n: ErrNode, f: (r: Run) => unknown): Eval {
  return (r) => {
    r.node = n;
    return f(r);
  };
}

function constant(n: ErrNode, value: unknown): Eval {
  return (r) => {
    r.node = n;
    return value;
  };
}

function failing(n: ErrNode, msg: string): Eval {
  return (r) => {
    r.node = n;
    return r.fail(msg);
  };
}

function setSlot(r: Run, slot: number | undefined, value: unknown, iface: boolean, v: VariableNode): void {
  if (slot === undefined) return r.fail(`undefined variable: ${v.name}`);
  r.vals[slot] = value;
  r.ifaces[slot] = iface;
}

function notAFunction(r: Run, first: ArgNode): never {
  return r.fail(`can't give argument to non-function ${nodeString(first)}`);
}

function idealConstant(r: Run, n: NumberNode): bigint | number {
  r.node = n;
  if (n.ideal === undefined) r.fail(`${n.text} overflows int`);
  return n.ideal;
}

function printValue(r: Run, node: ErrNode, v: unknown): void {
  if (typeof v === 'function') {
    r.node = node;
    r.fail(`can't print ${nodeString(node)} of type func`);
  }
  r.out += formatValue(v, true);
}

/** A function's error return becomes `error calling NAME: ...` at the command; the engine's own errors pass. */
function callFailed(r: Run, node: ErrNode, name: string, e: unknown): never {
  if (e instanceof ExecFailure) throw e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) throw e;
  r.node = node;
  return r.fail(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
}

function invoke(r: Run, node: ErrNode, name: string, f: (...a: unknown[]) => unknown, argv: unknown[]): unknown {
  try {
    return f(...argv);
  } catch (e) {
    return callFailed(r, node, name, e);
  }
}

function invoke0(r: Run, node: ErrNode, name: string, f: (...a: unknown[]) => unknown): unknown {
  try {
    return f();
  } catch (e) {
    return callFailed(r, node, name, e);
  }
}

function invoke1(r: Run, node: ErrNode, name: string, f: (...a: unknown[]) => unknown, a: unknown): unknown {
  try {
    return f(a);
  } catch (e) {
    return callFailed(r, node, name, e);
  }
}

function invoke2(r: Run, node: ErrNode, name: string, f: (...a: unknown[]) => unknown, a: unknown, b: unknown): unknown {
  try {
    return f(a, b);
  } catch (e) {
    return callFailed(r, node, name, e);
  }
}

const checkers = new Map<BasicParamType, Check>();

/** text/template's validateType for one parameter type, chosen at compile time. */
function checker(type: ParamType): Check {
  if (typeof type !== 'string') {
    return (r, value) => {
      if (value === undefined || value === null) {
        if (type.nilable) return null;
        if (value === undefined) r.fail(`invalid value; expected ${type.goType}`);
      }
      if (!type.accepts(value)) r.fail(`wrong type for value; expected ${type.goType}; got ${goTypeName(value)}`);
      return value;
    };
  }
  let c = checkers.get(type);
  if (!c) {
    c = basicChecker(type);
    checkers.set(type, c);
  }
  return c;
}

function basicChecker(type: BasicParamType): Check {
  const goType = PARAM_GO_TYPE[type];
  const wrong = (r: Run, value: unknown): never => r.fail(`wrong type for value; expected ${goType}; got ${goTypeName(value)}`);
  const invalid = (r: Run): never => r.fail(`invalid value; expected ${goType}`);
  switch (type) {
    case 'value':
      return (_r, v) => v;
    case 'any':
      return (_r, v) => (v === undefined ? null : v);
    case 'stringMap':
      return (r, v) => (v === undefined ? new GoStringMap(null) : v instanceof GoStringMap ? v : wrong(r, v));
    case 'map':
      return (r, v) => (v === undefined ? null : isPlainMap(v) ? v : wrong(r, v));
    case 'list':
      return (r, v) => (v === undefined ? null : Array.isArray(v) ? v : wrong(r, v));
    case 'string':
      return (r, v) => (typeof v === 'string' ? v : v === undefined ? invalid(r) : wrong(r, v));
    case 'int':
      return (r, v) => (typeof v === 'bigint' ? v : v === undefined ? invalid(r) : wrong(r, v));
    case 'float64':
      return (r, v) => (typeof v === 'number' ? v : v === undefined ? invalid(r) : wrong(r, v));
    case 'bool':
      return (r, v) => (typeof v === 'boolean' ? v : v === undefined ? invalid(r) : wrong(r, v));
  }
}
