import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import { GoUrlError, isGoRequestUri, parseRequestUri, type GoUrl } from './go-url.js';

/**
 * CEL as the apiserver evaluates `x-kubernetes-validations`: the standard library (from
 * @marcbachmann/cel-js) plus the Kubernetes extension functions the Istio CRDs call. Error texts
 * are rewritten to cel-go's wording because they end up in user-visible messages.
 */

/** The value `url()` returns; a class so CEL can dispatch `URL.getScheme()` on it. */
export class KubeUrl {
  constructor(readonly parsed: GoUrl) {}
}

class CelFunctionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CelFunctionError';
  }
}

function toUrl(s: string): KubeUrl {
  try {
    return new KubeUrl(parseRequestUri(s));
  } catch (e) {
    const why = e instanceof GoUrlError ? e.message : String(e);
    throw new CelFunctionError(`URL parse error during conversion from string: ${why}`);
  }
}

function hostname(u: KubeUrl): string {
  const h = u.parsed.host;
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

function buildEnvironment(): Environment {
  return new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false })
    .registerType('URL', KubeUrl)
    .registerFunction('url(string): URL', (s: string) => toUrl(s))
    .registerFunction('isURL(string): bool', (s: string) => isGoRequestUri(s))
    .registerFunction('URL.getScheme(): string', (u: KubeUrl) => u.parsed.scheme)
    .registerFunction('URL.getHost(): string', (u: KubeUrl) => u.parsed.host + (u.parsed.port ? `:${u.parsed.port}` : ''))
    .registerFunction('URL.getHostname(): string', (u: KubeUrl) => hostname(u))
    .registerFunction('URL.getPort(): string', (u: KubeUrl) => u.parsed.port)
    .registerFunction('URL.getEscapedPath(): string', (u: KubeUrl) => u.parsed.path)
    .registerFunction('URL.getQuery(): map<string, list<string>>', (u: KubeUrl) => {
      const out = new Map<string, string[]>();
      for (const [k, v] of new URLSearchParams(u.parsed.query)) out.set(k, [...(out.get(k) ?? []), v]);
      return out;
    });
}

let env: Environment | undefined;
const programs = new Map<string, ParseResult | CelCompileError>();

export class CelCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CelCompileError';
  }
}

function summaryOf(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'summary' in e && typeof e.summary === 'string') return e.summary;
  if (e instanceof Error) return e.message.split('\n')[0] ?? e.message;
  return String(e);
}

/** Parses once per distinct rule text; a rule that does not parse is reported, never thrown. */
export function compileCel(expression: string): ParseResult | CelCompileError {
  const hit = programs.get(expression);
  if (hit) return hit;
  env ??= buildEnvironment();
  let program: ParseResult | CelCompileError;
  try {
    program = env.parse(expression);
  } catch (e) {
    program = new CelCompileError(`compilation failed: ${summaryOf(e)}`);
  }
  programs.set(expression, program);
  return program;
}

/** cel-go's spelling of the runtime errors the Istio rules can hit. */
function celGoWording(e: unknown): string {
  const s = summaryOf(e);
  const noKey = /^No such key: (.*)$/.exec(s);
  if (noKey) return `no such key: ${noKey[1]}`;
  if (/^int\(\) type error/.test(s)) return "type conversion error from 'string' to 'int'";
  if (/^Invalid duration string/.test(s)) return "type conversion error from 'string' to 'google.protobuf.Duration'";
  if (/index out of range/.test(s)) return 'index out of range';
  if (/no matching overload/.test(s)) return `no such overload: ${s}`;
  return s;
}

export type CelOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

export function evaluateCel(program: ParseResult, vars: Record<string, unknown>): CelOutcome {
  try {
    return { ok: true, value: program(vars) as unknown };
  } catch (e) {
    return { ok: false, error: celGoWording(e) };
  }
}
