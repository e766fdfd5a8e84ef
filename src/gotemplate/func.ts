/** How template functions are described to the engine. */

/**
 * Go parameter types the engine can check and convert to, the way reflect-based calls do:
 *  any        interface{} (a missing value arrives as null)
 *  value      reflect.Value (builtins: the raw value, undefined = invalid)
 *  string / int / float64 / bool
 *  stringMap  map[string]string (GoStringMap; nil allowed)
 *  map        map[string]interface{} (plain object; nil allowed)
 *  list       []interface{} (array; nil allowed)
 */
export type BasicParamType = 'any' | 'value' | 'string' | 'int' | 'float64' | 'bool' | 'stringMap' | 'map' | 'list';

/** A Go type the engine does not know natively (a struct, a pointer, a typed slice). */
export interface CustomParam {
  /** Go's spelling, for error messages: `v1.ObjectMeta`, `*durationpb.Duration`, `[]v1.Container`. */
  readonly goType: string;
  readonly accepts: (v: unknown) => boolean;
  /** Pointers, slices and maps may receive nil (passed to the function as null). */
  readonly nilable: boolean;
}

export type ParamType = BasicParamType | CustomParam;

export interface GoFunc {
  readonly params: readonly ParamType[];
  /** Element type of a trailing `...T` parameter. */
  readonly variadic?: ParamType;
  /** Throw FuncError (or any Error) for Go's `error` return; the engine wraps it as `error calling NAME: ...`. */
  readonly fn: (...args: never[]) => unknown;
  /** `and` / `or`: arguments are evaluated lazily, left to right. */
  readonly shortCircuit?: 'and' | 'or';
  /** `call`: receives the callee's source text first, for Go's error messages. */
  readonly withCalleeName?: boolean;
  /**
   * `append`/`push`: returns a new list, its first argument plus its second. The executor may instead
   * extend in place a list that only the assigned variable can see (`$l = append $l x` in a loop),
   * which keeps such loops linear instead of copying the list on every iteration.
   */
  readonly listAppend?: boolean;
}

export type FuncMap = Readonly<Record<string, GoFunc>>;

/** An error a template function reports (Go's second return value). */
export class FuncError extends Error {
  override readonly name = 'FuncError';
}

/** Errors from parsing or executing a template, with Go's exact message text. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    message: string,
    readonly phase: 'parse' | 'exec',
  ) {
    super(message);
  }
}

/** Builds a GoFunc tersely: `f(['int', 'string'], (n, s) => ...)`. */
export function goFunc<A extends unknown[]>(
  params: readonly ParamType[],
  fn: (...args: A) => unknown,
  variadic?: ParamType,
): GoFunc {
  return variadic === undefined ? { params, fn: fn as GoFunc['fn'] } : { params, variadic, fn: fn as GoFunc['fn'] };
}
