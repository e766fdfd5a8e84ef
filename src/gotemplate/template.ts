/** Parse once, execute many: the compiled template object. */
import { BUILTINS } from './builtins.js';
import { compileTrees } from './compile.js';
import { TemplateError, type FuncMap } from './func.js';
import { parseTrees, type ParsedTree } from './parser.js';

export interface ParseOptions {
  /** Template name used in error messages (Go's template name / ParseName). Default "template". */
  readonly name?: string;
  /** Functions on top of Go's builtins; these win on name clashes, as Template.Funcs does. */
  readonly funcs?: FuncMap;
}

export interface CompiledTemplate {
  readonly name: string;
  /** Names of every template defined by the text (the main one plus {{define}}/{{block}}). */
  readonly templateNames: readonly string[];
  /** Runs the template against `data`; throws TemplateError with Go's message on failure. */
  execute(data: unknown): string;
  /** Runs a named associated template (as Go's ExecuteTemplate). */
  executeTemplate(name: string, data: unknown): string;
}

export function parseTemplate(text: string, options: ParseOptions = {}): CompiledTemplate {
  const name = options.name ?? 'template';
  const funcs: FuncMap = options.funcs ? { ...BUILTINS, ...options.funcs } : BUILTINS;
  const trees = parseTrees(text, name, funcs);
  return new Compiled(name, trees);
}

class Compiled implements CompiledTemplate {
  readonly templateNames: readonly string[];
  private readonly run: (name: string, data: unknown) => string;
  constructor(
    readonly name: string,
    private readonly trees: ReadonlyMap<string, ParsedTree>,
  ) {
    this.templateNames = [...trees.keys()];
    this.run = compileTrees(trees);
  }

  execute(data: unknown): string {
    return this.executeTemplate(this.name, data);
  }

  executeTemplate(name: string, data: unknown): string {
    const tree = this.trees.get(name);
    if (!tree) {
      throw new TemplateError(`template: no template ${JSON.stringify(name)} associated with template ${JSON.stringify(this.name)}`, 'exec');
    }
    return this.run(name, data);
  }
}
