/** `render-template -t TEMPLATE_FILE -d DATA.json [--name NAME]`: runs a Go template the way Istio's injector would. */
import { ERROR_CATALOGUE } from '../errors.js';
import { createFuncMap } from '../gotemplate/funcs.js';
import { TemplateError } from '../gotemplate/func.js';
import { parseTemplate } from '../gotemplate/template.js';

export interface RenderTemplateIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (p: string) => string;
}

export const RENDER_TEMPLATE_USAGE = `usage: mesh-admission render-template -t TEMPLATE_FILE -d DATA.json [--name NAME]
  Executes a Go text/template with JSON data and Istio's injector functions (sprig and friends).
  -t, --template FILE   the template text
  -d, --data FILE       the data, as JSON
  --name NAME           the template's name in error messages (default inject)
  -h, --help            show this help
Exit status: 0 rendered, 1 template error, 2 unusable input or arguments.`;
const USAGE = RENDER_TEMPLATE_USAGE;

interface Args {
  template: string;
  data: string;
  name: string;
}

function parseArgs(argv: string[]): Args | string | 'help' {
  let template: string | undefined;
  let data: string | undefined;
  let name = 'inject';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '-t':
      case '--template':
        template = value();
        break;
      case '-d':
      case '--data':
        data = value();
        break;
      case '--name':
        name = value() ?? '';
        break;
      case '-h':
      case '--help':
        return 'help';
      default:
        return `unknown argument ${JSON.stringify(a)}; ${USAGE}`;
    }
  }
  if (!template || !data) return `both -t and -d are required; ${USAGE}`;
  if (name === '') return `--name needs a value; ${USAGE}`;
  return { template, data, name };
}

export async function renderTemplateCommand(argv: string[], io: RenderTemplateIO): Promise<number> {
  const args = parseArgs(argv);
  if (args === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (typeof args === 'string') {
    io.stderr(ERROR_CATALOGUE.MA500_USAGE.message(args) + '\n');
    return 2;
  }
  let text: string;
  let dataText: string;
  try {
    text = io.readFile(args.template);
  } catch (e) {
    io.stderr(ERROR_CATALOGUE.MA501_INPUT_UNREADABLE.message(args.template, e instanceof Error ? e.message : String(e)) + '\n');
    return 2;
  }
  try {
    dataText = io.readFile(args.data);
  } catch (e) {
    io.stderr(ERROR_CATALOGUE.MA501_INPUT_UNREADABLE.message(args.data, e instanceof Error ? e.message : String(e)) + '\n');
    return 2;
  }
  let data: unknown;
  try {
    data = JSON.parse(dataText) as unknown;
  } catch (e) {
    io.stderr(ERROR_CATALOGUE.MA501_INPUT_UNREADABLE.message(args.data, `invalid JSON: ${e instanceof Error ? e.message : String(e)}`) + '\n');
    return 2;
  }
  try {
    const tmpl = parseTemplate(text, { name: args.name, funcs: createFuncMap() });
    io.stdout(tmpl.execute(data));
    return 0;
  } catch (e) {
    if (e instanceof TemplateError) {
      io.stderr(e.message + '\n');
      return 1;
    }
    throw e;
  }
}
