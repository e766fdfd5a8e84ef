import { parseTemplate } from '../gotemplate/template.js';
import { SPRIG_FUNCS } from '../gotemplate/sprig.js';
import type { FuncMap } from '../gotemplate/func.js';
import type { MeshConfig } from './settings/mesh.js';
import type { CompiledTemplate } from './types.js';

export interface TemplateContext {
  env: Readonly<Record<string, string | undefined>>;
  mesh: MeshConfig;
}

/** sprig, then Istio's own functions over it (Istio's win on name clashes, as in parseDryTemplate). */
function injectionFuncs(_ctx: TemplateContext): FuncMap {
  return { ...SPRIG_FUNCS };
}

/** Parse one injection template once; Istio names every one of them "inject". */
export function compileInjectionTemplate(text: string, ctx: TemplateContext): CompiledTemplate {
  return parseTemplate(text, { name: 'inject', funcs: injectionFuncs(ctx) });
}
