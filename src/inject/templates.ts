import { GoStruct, createFuncMap, parseTemplate, type FuncMap } from '../gotemplate/index.js';
import { isPlainObject } from './settings/proto-fields.js';
import { proxyConfigJson, type MeshConfig } from './settings/mesh.js';
import type { CompiledTemplate } from './types.js';

export interface TemplateContext {
  env: Readonly<Record<string, string | undefined>>;
  mesh: MeshConfig;
}

/**
 * protoToJSON in Istio's templates is only ever given `.ProxyConfig`; print it as PROXY_CONFIG
 * must be (defaults cleaned, jsonpb order) from the proto JSON the view carries.
 */
function protoToJSON(message: unknown): string {
  if (message instanceof GoStruct && message.jsonHook) {
    const json = message.jsonHook();
    if (isPlainObject(json)) return proxyConfigJson(json);
  }
  return '{}';
}

/** sprig, then Istio's own functions over it (Istio's win on name clashes, as in parseDryTemplate). */
function injectionFuncs(ctx: TemplateContext): FuncMap {
  return createFuncMap({ env: ctx.env, hooks: { protoToJSON } });
}

/** Parse one injection template once; Istio names every one of them "inject". */
export function compileInjectionTemplate(text: string, ctx: TemplateContext): CompiledTemplate {
  return parseTemplate(text, { name: 'inject', funcs: injectionFuncs(ctx) });
}
