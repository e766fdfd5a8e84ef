/** Public surface of the Go text/template engine. */
export { parseTemplate, type CompiledTemplate, type ParseOptions } from './template.js';
export { createFuncMap, type CreateFuncMapOptions } from './funcs.js';
export type { IstioHooks, IstioFuncOptions } from './istio.js';
export { TemplateError, FuncError, goFunc, type GoFunc, type FuncMap, type ParamType, type CustomParam } from './func.js';
export { BUILTINS } from './builtins.js';
export { SPRIG_FUNCS } from './sprig.js';
export { marshalJson, marshalJsonIndent, marshalYaml } from './encode.js';
export { formatValue, sprint, sprintf } from './fmt.js';
export * from './values.js';
