/** Executor for parsed templates, following text/template's exec.go semantics and error texts. */
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

const NO_FINAL: unique symbol = Symbol('noFinal');
type Final = unknown;

const BREAK = { signal: 'break' } as const;
const CONTINUE = { signal: 'continue' } as const;

/** Go's maxExecDepth is 100000; JS stacks are shallower, so recursion is bounded earlier. */
export const MAX_EXEC_DEPTH = 1000;

class ExecFailure extends Error {}

type ErrNode = Located & (ArgNode | CommandNode | Node);

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

const methodFuncCache = new WeakMap<(...a: never[]) => unknown, GoFunc>();

function methodAsFunc(m: (...args: unknown[]) => unknown): GoFunc {
  let f = methodFuncCache.get(m);
  if (!f) {
    f = { params: new Array<ParamType>(m.length).fill('any'), fn: m };
    methodFuncCache.set(m, f);
  }
  return f;
}

export class ExecState {
  private out = '';
  private names: string[] = [];
  private values: unknown[] = [];
  /**
   * Whether each variable, and dot, holds an element taken out of a []interface{} or map[string]interface{}
   * by range: Go then sees the static type interface {}, which shows in "can't evaluate field" errors.
   */
  private ifaces: boolean[] = [];
  private dotIface = false;
  private varBase = 0;
  private node: ErrNode | undefined;
  private tmplName: string;
  private depth = 0;
  /**
   * Lists made by `$v = append $v x` that only that variable holds: nothing has read the variable
   * since, so no other value can alias the list and appending in place is unobservable.
   */
  private readonly ownedLists = new WeakSet<unknown[]>();

  constructor(
    private readonly trees: ReadonlyMap<string, ParsedTree>,
    name: string,
  ) {
    this.tmplName = name;
  }

  run(tree: ParsedTree, data: unknown): string {
    const dot = data === null ? undefined : data;
    this.push('$', dot);
    try {
      this.walk(dot, tree.root);
    } catch (e) {
      throw this.toTemplateError(e);
    }
    return this.out;
  }

  private toTemplateError(e: unknown): TemplateError {
    if (e instanceof ExecFailure) return new TemplateError(e.message, 'exec');
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      return new TemplateError(this.message(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`), 'exec');
    }
    const msg = e instanceof Error ? e.message : String(e);
    return new TemplateError(this.message(`internal error: ${msg}`), 'exec');
  }

  // ------------------------------------------------------------------ errors
  private message(msg: string): string {
    const n = this.node;
    if (!n) return `template: ${this.tmplName}: ${msg}`;
    const text = n.src.text;
    const before = text.slice(0, n.pos);
    const nl = before.lastIndexOf('\n');
    const col = nl < 0 ? Buffer.byteLength(before) : Buffer.byteLength(before.slice(nl + 1));
    let line = 1;
    for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 10) line++;
    const ctx = nodeString(n);
    return `template: ${n.src.parseName}:${line}:${col}: executing ${JSON.stringify(this.tmplName)} at <${ctx}>: ${msg}`;
  }

  private fail(msg: string): never {
    throw new ExecFailure(this.message(msg));
  }

  // ------------------------------------------------------------------ variables
  private push(name: string, value: unknown): void {
    this.names.push(name);
    this.values.push(value);
    this.ifaces.push(false);
  }
  private mark(): number {
    return this.names.length;
  }
  private pop(mark: number): void {
    this.names.length = mark;
    this.values.length = mark;
    this.ifaces.length = mark;
  }
  private setVar(name: string, value: unknown, iface = false): void {
    for (let i = this.names.length - 1; i >= this.varBase; i--) {
      if (this.names[i] === name) {
        this.values[i] = value;
        this.ifaces[i] = iface;
        return;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }
  private setTopVar(n: number, value: unknown, iface: boolean): void {
    this.values[this.values.length - n] = value;
    this.ifaces[this.ifaces.length - n] = iface;
  }
  private varIface(name: string): boolean {
    for (let i = this.names.length - 1; i >= this.varBase; i--) {
      if (this.names[i] === name) return this.ifaces[i]!;
    }
    return false;
  }
  /** The variable's value without failing (undefined when it is not declared). */
  private lookupVar(name: string): unknown {
    for (let i = this.names.length - 1; i >= this.varBase; i--) {
      if (this.names[i] === name) return this.values[i];
    }
    return undefined;
  }
  private varValue(name: string): unknown {
    for (let i = this.names.length - 1; i >= this.varBase; i--) {
      if (this.names[i] === name) return this.values[i];
    }
    this.fail(`undefined variable: ${name}`);
  }

  // ------------------------------------------------------------------ walking
  private walk(dot: unknown, nodes: readonly Node[]): void {
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      switch (node.kind) {
        case 'text':
          this.out += node.text;
          break;
        case 'action': {
          if (this.appendToOwnVariable(dot, node.pipe)) break;
          const val = this.evalPipeline(dot, node.pipe);
          if (node.pipe.decl.length === 0) this.printValue(node, val);
          break;
        }
        case 'if':
        case 'with': {
          const mark = this.mark();
          const val = this.evalPipeline(dot, node.pipe);
          if (isTrue(val)) {
            if (node.kind === 'with') {
              const saved = this.dotIface;
              this.dotIface = false;
              this.walk(val, node.list);
              this.dotIface = saved;
            } else this.walk(dot, node.list);
          } else if (node.elseList) this.walk(dot, node.elseList);
          this.pop(mark);
          break;
        }
        case 'range':
          this.walkRange(dot, node);
          break;
        case 'template':
          this.walkTemplate(dot, node);
          break;
        case 'break':
          throw BREAK;
        case 'continue':
          throw CONTINUE;
      }
    }
  }

  /**
   * `{{ $v = append $v x }}`: sprig copies the list on every call, which makes the usual collecting
   * loop quadratic. When $v holds a list an earlier such assignment made and nothing has read $v
   * since (see ownedLists), x is pushed onto it instead; the result is the same list Go would build.
   * Returns false when the action is not of that shape, and the normal path evaluates it.
   */
  private appendToOwnVariable(dot: unknown, pipe: PipeNode): boolean {
    if (!pipe.isAssign || pipe.decl.length !== 1 || pipe.cmds.length !== 1) return false;
    const args = pipe.cmds[0]!.args;
    const fn = args[0];
    const target = args[1];
    if (args.length !== 3 || fn?.kind !== 'identifier' || fn.fn.listAppend !== true) return false;
    if (target?.kind !== 'variable' || target.idents.length !== 0 || target.name !== pipe.decl[0]!.name) return false;
    const name = target.name;
    const current = this.lookupVar(name);
    if (!Array.isArray(current) || !this.ownedLists.has(current)) {
      const fresh = this.evalPipeline(dot, pipe);
      if (Array.isArray(fresh)) this.ownedLists.add(fresh);
      return true;
    }
    this.node = pipe;
    const param = fn.fn.params[1] ?? 'any';
    const elem = this.evalArg(dot, param, args[2]!);
    if (this.ownedLists.has(current)) {
      current.push(elem);
    } else {
      // Evaluating x read $v, so the list may now be seen elsewhere: copy, as append does.
      const fresh = [...current, elem];
      this.setVar(name, fresh);
      this.ownedLists.add(fresh);
    }
    return true;
  }

  private walkRange(dot: unknown, r: RangeNode): void {
    this.node = r;
    const outer = this.mark();
    const val = this.evalPipeline(dot, r.pipe);
    const mark = this.mark();
    const decl = r.pipe.decl;
    const generic = Array.isArray(val) || isPlainMap(val);
    const savedDotIface = this.dotIface;
    const one = (index: unknown, elem: unknown): boolean => {
      const iface = generic && !(elem instanceof GoStruct || elem instanceof GoNilPointer || elem instanceof GoStringMap);
      if (decl.length > 0) {
        if (r.pipe.isAssign) {
          if (decl.length > 1) {
            this.setVar(decl[0]!.name, index);
            this.setVar(decl[1]!.name, elem, iface);
          } else this.setVar(decl[0]!.name, elem, iface);
        } else {
          this.setTopVar(1, elem, iface);
          if (decl.length > 1) this.setTopVar(2, index, false);
        }
      }
      this.dotIface = iface;
      try {
        this.walk(elem, r.list);
      } catch (e) {
        if (e === BREAK) {
          this.pop(mark);
          this.dotIface = savedDotIface;
          return false;
        }
        if (e !== CONTINUE) throw e;
      } finally {
        this.dotIface = savedDotIface;
      }
      this.pop(mark);
      return true;
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
      if (decl.length > 1) this.fail(`can't use ${n} to iterate over more than one variable`);
      for (let i = 0n; i < n; i++) if (!one(wrap(i), wrap(i))) break;
      ranged = n > 0n;
    } else if (val !== undefined && val !== null) {
      this.fail(`range can't iterate over ${formatValue(val, false)}`);
    }
    if (!ranged && r.elseList) this.walk(dot, r.elseList);
    this.pop(outer);
  }

  private walkTemplate(dot: unknown, t: TemplateNode): void {
    this.node = t;
    const tree = this.trees.get(t.name);
    if (!tree) this.fail(`template ${JSON.stringify(t.name)} not defined`);
    const newDot = t.pipe ? this.evalPipeline(dot, t.pipe) : undefined;
    if (this.depth >= MAX_EXEC_DEPTH) {
      this.node = t;
      this.fail(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    }
    const savedBase = this.varBase;
    const savedName = this.tmplName;
    const mark = this.mark();
    this.varBase = mark;
    this.tmplName = t.name;
    this.depth++;
    this.push('$', newDot);
    const savedIface = this.dotIface;
    this.dotIface = false;
    this.walk(newDot, tree.root);
    this.dotIface = savedIface;
    this.depth--;
    this.pop(mark);
    this.varBase = savedBase;
    this.tmplName = savedName;
  }

  private printValue(node: ErrNode, v: unknown): void {
    if (typeof v === 'string') {
      this.out += v;
      return;
    }
    if (typeof v === 'function') {
      this.node = node;
      this.fail(`can't print ${nodeString(node)} of type func`);
    }
    this.out += formatValue(v, true);
  }

  // ------------------------------------------------------------------ evaluation
  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.node = pipe;
    let value: unknown = undefined;
    let final: Final = NO_FINAL;
    const cmds = pipe.cmds;
    for (let i = 0; i < cmds.length; i++) {
      value = this.evalCommand(dot, cmds[i]!, final);
      // A nil interface{} result is "no value", as reflect.ValueOf(nil) is in Go.
      if (value === null) value = undefined;
      final = value;
    }
    const decl = pipe.decl;
    for (let i = 0; i < decl.length; i++) {
      if (pipe.isAssign) this.setVar(decl[i]!.name, value);
      else this.push(decl[i]!.name, value);
    }
    return value;
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        // Go reports a failing call against the whole command, other problems against the name.
        this.node = first;
        return this.evalCall(dot, first.fn, cmd, first.name, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.node = first;
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        return this.fail('nil is not a command');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.value;
    }
  }

  private idealConstant(n: NumberNode): bigint | number {
    this.node = n;
    if (n.ideal === undefined) this.fail(`${n.text} overflows int`);
    return n.ideal;
  }

  private notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== NO_FINAL) this.fail(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  private evalFieldNode(dot: unknown, field: FieldNode, args: readonly ArgNode[], final: Final): unknown {
    this.node = field;
    return this.evalFieldChain(dot, dot, this.dotIface, field, field.idents, args, final);
  }

  private evalChainNode(dot: unknown, chain: ChainNode, args: readonly ArgNode[], final: Final): unknown {
    this.node = chain;
    if (chain.node.kind === 'nil') this.fail(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, 'value', chain.node);
    return this.evalFieldChain(dot, pipe, false, chain, chain.fields, args, final);
  }

  private evalVariableNode(dot: unknown, v: VariableNode, args: readonly ArgNode[], final: Final): unknown {
    this.node = v;
    const value = this.varValue(v.name);
    // Once read, a list may be held elsewhere too, so it can no longer be extended in place.
    if (Array.isArray(value)) this.ownedLists.delete(value);
    if (v.idents.length === 0) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, this.varIface(v.name), v, v.idents, args, final);
  }

  private evalFieldChain(
    dot: unknown,
    receiver: unknown,
    iface: boolean,
    node: ErrNode,
    idents: readonly string[],
    args: readonly ArgNode[],
    final: Final,
  ): unknown {
    const n = idents.length;
    for (let i = 0; i < n - 1; i++) {
      const fromGenericMap = isPlainMap(receiver);
      receiver = this.evalField(dot, idents[i]!, node, EMPTY_ARGS, NO_FINAL, receiver, iface);
      iface = fromGenericMap;
    }
    return this.evalField(dot, idents[n - 1]!, node, args, final, receiver, iface);
  }

  private evalField(
    dot: unknown,
    fieldName: string,
    node: ErrNode,
    args: readonly ArgNode[],
    final: Final,
    receiver: unknown,
    iface = false,
  ): unknown {
    if (receiver === undefined) return undefined;
    if (receiver === null) {
      this.fail(`nil pointer evaluating interface {}.${fieldName}`);
    }
    const hasArgs = args.length > 1 || final !== NO_FINAL;
    if (receiver instanceof GoStruct || receiver instanceof GoNilPointer) {
      const m = receiver.methods[fieldName];
      if (m) return this.evalCall(dot, methodAsFunc(m), node, fieldName, args, final);
    } else if (receiver instanceof GoEnum && fieldName === 'String') {
      const name = receiver.name;
      return this.evalCall(dot, methodAsFunc(() => name), node, fieldName, args, final);
    }
    if (isPlainMap(receiver)) {
      if (hasArgs) this.fail(`${fieldName} is not a method but has arguments`);
      return hasOwn(receiver, fieldName) ? receiver[fieldName] : undefined;
    }
    if (receiver instanceof GoStruct) {
      if (hasOwn(receiver.fields, fieldName)) {
        if (hasArgs) this.fail(`${fieldName} has arguments but cannot be invoked as function`);
        return receiver.fields[fieldName];
      }
      this.fail(`can't evaluate field ${fieldName} in type ${iface ? 'interface {}' : receiver.typeName}`);
    }
    if (receiver instanceof GoStringMap) {
      if (hasArgs) this.fail(`${fieldName} is not a method but has arguments`);
      return receiver.get(fieldName);
    }
    if (receiver instanceof GoNilPointer) {
      if (receiver.knownFields && !receiver.knownFields.includes(fieldName)) {
        this.fail(`can't evaluate field ${fieldName} in type ${receiver.typeName}`);
      }
      this.fail(`nil pointer evaluating ${receiver.typeName}.${fieldName}`);
    }
    this.fail(`can't evaluate field ${fieldName} in type ${iface ? 'interface {}' : goTypeName(receiver)}`);
  }

  private evalCall(
    dot: unknown,
    fn: GoFunc,
    /** Where "error calling" is reported: the command for functions, the field node for methods. */
    node: ErrNode,
    name: string,
    cmdArgs: readonly ArgNode[],
    final: Final,
  ): unknown {
    // cmdArgs[0] is the function (or method) itself.
    const nArgs = cmdArgs.length === 0 ? 0 : cmdArgs.length - 1;
    const numIn = nArgs + (final !== NO_FINAL ? 1 : 0);
    const numFixed = fn.params.length;
    if (fn.variadic !== undefined) {
      if (numIn < numFixed) this.fail(`wrong number of args for ${name}: want at least ${numFixed} got ${nArgs}`);
    } else if (numIn !== numFixed) {
      this.fail(`wrong number of args for ${name}: want ${numFixed} got ${numIn}`);
    }
    if (fn.shortCircuit) {
      const wantTruth = fn.shortCircuit === 'or';
      let v: unknown = undefined;
      for (let i = 1; i <= nArgs; i++) {
        v = this.evalArg(dot, 'value', cmdArgs[i]!);
        if (isTrue(v) === wantTruth) return v;
      }
      if (final !== NO_FINAL) v = final;
      return v;
    }
    const argv: unknown[] = new Array<unknown>(numIn);
    let i = 0;
    for (; i < numFixed && i < nArgs; i++) argv[i] = this.evalArg(dot, fn.params[i]!, cmdArgs[i + 1]!);
    if (fn.variadic !== undefined) for (; i < nArgs; i++) argv[i] = this.evalArg(dot, fn.variadic, cmdArgs[i + 1]!);
    if (final !== NO_FINAL) {
      const t = i < numFixed ? fn.params[i]! : (fn.variadic ?? 'any');
      argv[i] = this.validateType(final, t);
    }
    if (fn.withCalleeName) argv.unshift(nArgs > 0 ? nodeString(cmdArgs[1]!) : formatValue(final, false));
    try {
      return (fn.fn as (...a: unknown[]) => unknown)(...argv);
    } catch (e) {
      if (e instanceof ExecFailure || e === BREAK || e === CONTINUE) throw e;
      if (e instanceof RangeError && /call stack/i.test(e.message)) throw e;
      this.node = node;
      this.fail(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private evalArg(dot: unknown, type: ParamType, n: ArgNode): unknown {
    this.node = n;
    switch (n.kind) {
      case 'dot':
        return this.validateType(dot, type);
      case 'nil':
        if (type === 'any') return null;
        if (type === 'value') return undefined;
        if (type === 'stringMap') return new GoStringMap(null);
        if (type === 'map' || type === 'list') return null;
        if (typeof type !== 'string' && type.nilable) return null;
        return this.fail(`cannot assign nil to ${paramGoType(type)}`);
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], NO_FINAL), type);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, EMPTY_ARGS, NO_FINAL), type);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), type);
      case 'identifier':
        return this.validateType(this.evalCall(dot, n.fn, n, n.name, [n], NO_FINAL), type);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, EMPTY_ARGS, NO_FINAL), type);
    }
    switch (type) {
      case 'any':
      case 'value':
        return n.kind === 'number' ? this.idealConstant(n) : n.value;
      case 'bool':
        if (n.kind === 'bool') return n.value;
        return this.fail(`expected bool; found ${nodeString(n)}`);
      case 'int':
        if (n.kind === 'number' && n.int !== undefined) return n.int;
        return this.fail(`expected integer; found ${nodeString(n)}`);
      case 'float64':
        if (n.kind === 'number' && n.float !== undefined) return n.float;
        return this.fail(`expected float; found ${nodeString(n)}`);
      case 'string':
        if (n.kind === 'string') return n.value;
        return this.fail(`expected string; found ${nodeString(n)}`);
    }
    return this.fail(`can't handle ${nodeString(n)} for arg of type ${paramGoType(type)}`);
  }

  private validateType(value: unknown, type: ParamType): unknown {
    if (type === 'value') return value;
    if (typeof type !== 'string') {
      if (value === undefined || value === null) {
        if (type.nilable) return null;
        if (value === undefined) this.fail(`invalid value; expected ${type.goType}`);
      }
      if (!type.accepts(value)) this.fail(`wrong type for value; expected ${type.goType}; got ${goTypeName(value)}`);
      return value;
    }
    if (value === undefined) {
      switch (type) {
        case 'any':
          return null;
        case 'stringMap':
          return new GoStringMap(null);
        case 'map':
        case 'list':
          return null;
      }
      return this.fail(`invalid value; expected ${paramGoType(type)}`);
    }
    let ok: boolean;
    switch (type) {
      case 'any':
        return value;
      case 'string':
        ok = typeof value === 'string';
        break;
      case 'int':
        ok = typeof value === 'bigint';
        break;
      case 'float64':
        ok = typeof value === 'number';
        break;
      case 'bool':
        ok = typeof value === 'boolean';
        break;
      case 'stringMap':
        ok = value instanceof GoStringMap;
        break;
      case 'map':
        ok = isPlainMap(value);
        break;
      case 'list':
        ok = Array.isArray(value);
        break;
    }
    if (!ok) this.fail(`wrong type for value; expected ${paramGoType(type)}; got ${goTypeName(value)}`);
    return value;
  }
}

const EMPTY_ARGS: readonly ArgNode[] = [];

export type { IdentifierNode };
