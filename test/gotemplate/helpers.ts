import { createFuncMap } from '../../src/gotemplate/funcs.js';
import { TemplateError } from '../../src/gotemplate/func.js';
import { parseTemplate } from '../../src/gotemplate/template.js';

const FUNCS = createFuncMap({ env: { PRESENT: 'here', EMPTY: '' } });

/** Executes `text` (named "t", with sprig + Istio functions) against `data`. */
export function run(text: string, data: unknown = {}): string {
  return parseTemplate(text, { name: 't', funcs: FUNCS }).execute(data);
}

/** The TemplateError message the template produces at parse or execution time. */
export function errorOf(text: string, data: unknown = {}): string {
  try {
    run(text, data);
  } catch (e) {
    if (e instanceof TemplateError) return e.message;
    throw new Error(`expected TemplateError, got ${String(e)}`);
  }
  throw new Error('expected an error, template ran fine');
}
