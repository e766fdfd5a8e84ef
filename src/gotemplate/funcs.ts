/** The function map Istio's injector gives its templates: sprig's TxtFuncMap with Istio's helpers on top. */
import type { FuncMap } from './func.js';
import { istioFuncs, type IstioFuncOptions } from './istio.js';
import { SPRIG_FUNCS } from './sprig.js';

export type CreateFuncMapOptions = IstioFuncOptions;

/** Istio entries override sprig entries of the same name, as parseDryTemplate layers them. */
export function createFuncMap(options: CreateFuncMapOptions = {}): FuncMap {
  return { ...SPRIG_FUNCS, ...istioFuncs(options) };
}
