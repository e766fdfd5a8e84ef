import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AdmissionError, admissionError, describeError } from '../errors.js';
import { compileInjectionSettings } from '../inject/engine.js';
import { kubeInject, splitYamlDocuments } from '../inject/kube-inject.js';
import { parseYamlDocuments } from '../k8s/yaml-parse.js';
import { parseInjectConfigFile } from '../inject/settings/injection-config.js';
import { parseInjectionPolicy, type InjectionPolicy } from '../inject/policy/rules.js';
import { stringify as toYamlText } from 'yaml';
import { readVerbArgs } from './args.js';
import type { CliIO } from './io.js';

const DEFAULT_TEMPLATES_DIR = resolve(import.meta.dirname, '../../templates');

export const KUBE_INJECT_USAGE = `usage: mesh-admission kube-inject -f FILE|- [options]
  -f, --filename FILE        input YAML (- for stdin); required
  -o, --output FILE          write here instead of stdout
  --injectConfigFile F       the ConfigMap's 'config' YAML, or a bare template (then it is 'sidecar')
  --valuesFile F             the ConfigMap's 'values' JSON
  --meshConfigFile F         MeshConfig YAML (the istio ConfigMap's 'mesh' key)
  -r, --revision REV         revision written into the pods (default: none, shown as "default"); with
                             --from-cluster also the ConfigMaps' -<revision> suffix
  --native-sidecars BOOL     inject istio-proxy as a native sidecar (default true; Kubernetes >= 1.29)
  --injection-policy F       the operator's injection policy (YAML); a violating workload fails with the
                             webhook's denial (exit 1)
  --from-cluster             read config/values from the injector ConfigMap and mesh from the mesh
                             ConfigMap, as istioctl kube-inject does (local files given still win)
  -i, --istioNamespace NS    namespace of those ConfigMaps (default istio-system)
  --injectConfigMapName NAME injector ConfigMap (default istio-sidecar-injector)
  --meshConfigMapName NAME   mesh ConfigMap (default istio)
  --kubeconfig FILE          kubeconfig instead of $KUBECONFIG / ~/.kube/config
  -h, --help                 show this help
Without --injectConfigFile/--valuesFile (or --from-cluster) the project's templates/ are used.
Exit status: 0 injected, 1 a document could not be injected, 2 unusable input or arguments.`;

/** `kube-inject`, like `istioctl kube-inject` with local files (no cluster needed). */
export async function kubeInjectCommand(argv: string[], io: CliIO): Promise<number> {
  const values = readVerbArgs(io, KUBE_INJECT_USAGE, () =>
    parseArgs({
      args: argv,
      strict: true,
      options: {
        filename: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        injectConfigFile: { type: 'string' },
        valuesFile: { type: 'string' },
        meshConfigFile: { type: 'string' },
        revision: { type: 'string', short: 'r', default: '' },
        'native-sidecars': { type: 'string', default: 'true' },
        'injection-policy': { type: 'string' },
        'from-cluster': { type: 'boolean' },
        istioNamespace: { type: 'string', short: 'i', default: 'istio-system' },
        injectConfigMapName: { type: 'string', default: 'istio-sidecar-injector' },
        meshConfigMapName: { type: 'string', default: 'istio' },
        kubeconfig: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (typeof values === 'number') return values;
  const read = (file: string, what: string): string => {
    try {
      return io.readFile(file);
    } catch (e) {
      throw admissionError('MA501_INPUT_UNREADABLE', `${what} ${file}`, describeError(e));
    }
  };
  let input: string;
  let settings;
  let policy: InjectionPolicy | undefined;
  try {
    input = values.filename === '-' ? await io.readStdin() : read(values.filename, 'input');
    // The Kubernetes client is loaded only when asked for: injecting a file stays a fast, local call.
    const fromCluster = values['from-cluster'] ? await import('./cluster.js') : undefined;
    const cluster = fromCluster
      ? await fromCluster.injectorConfigMaps(fromCluster.cliApis(values.kubeconfig), {
          namespace: values.istioNamespace,
          injectConfigMapName: values.injectConfigMapName,
          meshConfigMapName: values.meshConfigMapName,
          revision: values.revision,
        })
      : undefined;
    const configText = values.injectConfigFile
      ? read(values.injectConfigFile, '--injectConfigFile')
      : (cluster?.config ?? read(`${DEFAULT_TEMPLATES_DIR}/config`, 'default config'));
    // A bare template is accepted too; re-serialise it as a config so the engine sees one format.
    const config = parseInjectConfigFile(configText);
    settings = compileInjectionSettings(
      {
        config: toYamlText({ ...config, policy: 'enabled' }),
        values: values.valuesFile ? read(values.valuesFile, '--valuesFile') : (cluster?.values ?? read(`${DEFAULT_TEMPLATES_DIR}/values`, 'default values')),
        ...(values.meshConfigFile ? { mesh: read(values.meshConfigFile, '--meshConfigFile') } : cluster ? { mesh: cluster.mesh } : {}),
      },
      { revision: values.revision === 'default' ? '' : values.revision, nativeSidecars: values['native-sidecars'] !== 'false' },
    );
    const policyFile = values['injection-policy'];
    if (policyFile !== undefined) policy = parseInjectionPolicy(read(policyFile, '--injection-policy'), policyFile);
  } catch (e) {
    io.stderr(`${describeError(e)}\n`);
    return 2;
  }
  // One document at a time, so a failure can name the document it came from.
  const source = values.filename === '-' ? '<stdin>' : values.filename;
  const output: string[] = [];
  const docs = splitYamlDocuments(input);
  for (const [index, raw] of docs.entries()) {
    let result;
    try {
      result = kubeInject(settings, raw, { policy });
    } catch (e) {
      const where = docs.length > 1 ? `${source}#${index}` : source;
      const hint =
        isTemplateNotFound(e)
          ? values.injectConfigFile
            ? ` (the templates come from --injectConfigFile ${values.injectConfigFile})`
            : values['from-cluster']
              ? ` (the templates come from configmap ${values.istioNamespace}/${values.injectConfigMapName}${values.revision && values.revision !== 'default' ? `-${values.revision}` : ''}; give yours with --injectConfigFile FILE)`
              : ` (the templates come from the default ${DEFAULT_TEMPLATES_DIR}/config; give yours with --injectConfigFile FILE)`
          : '';
      io.stderr(`Error: ${where}: ${describeDocument(raw)}: ${describeError(e)}${hint}\n`);
      return 1;
    }
    for (const w of result.warnings) io.stderr(w);
    output.push(result.output);
  }
  if (values.output) writeFileSync(values.output, output.join(''));
  else io.stdout(output.join(''));
  return 0;
}

/** "Deployment shop/web" for an error line; the parse error itself is reported by the caller. */
function describeDocument(raw: string): string {
  let doc: unknown;
  try {
    doc = parseYamlDocuments(raw)[0];
  } catch {
    return 'document';
  }
  if (typeof doc !== 'object' || doc === null) return 'document';
  const o = doc as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  const kind = typeof o.kind === 'string' ? o.kind : 'document';
  const name = typeof o.metadata?.name === 'string' ? o.metadata.name : '<no name>';
  const ns = typeof o.metadata?.namespace === 'string' ? `${o.metadata.namespace}/` : '';
  return `${kind} ${ns}${name}`;
}

/** A missing template, as istiod reports it: MA202 wrapped in injectPod's "failed to run injection template: ". */
function isTemplateNotFound(e: unknown): boolean {
  if (!(e instanceof AdmissionError)) return false;
  return e.code === 'MA202_TEMPLATE_NOT_FOUND' || (e.code === 'MA201_TEMPLATE_RUN' && /requested template "[^"]*" not found; have /.test(e.message));
}
