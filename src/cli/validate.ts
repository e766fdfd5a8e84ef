import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { admissionError, describeError } from '../errors.js';
import { parseYamlDocuments } from '../k8s/yaml-parse.js';
import { cliCacheDir } from './io.js';
import { createCrdValidator, defaultCrdValidator, loadCrdValidatorFromFile, parseCrdCatalog, useCrdDiskCache, type CrdValidator } from '../validate/schema/index.js';
import { validateObject } from '../validate/webhook.js';

/**
 * `validate -f FILE...`: offline validation in the spirit of `istioctl validate`. Each document
 * goes through the apiserver's CRD schema stage (OpenAPI + CEL) and then the webhook's rules, so
 * one run answers "would `kubectl apply` accept this?".
 */
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (p: string) => string;
  readStdin: () => Promise<string>;
}

export const VALIDATE_USAGE = `usage: mesh-admission validate -f FILE|DIR [-f ...] [--schema-only | --webhook-only] [-n NAMESPACE]
                [--crds FILE | --from-cluster] [--allow-unknown-fields]
       mesh-admission validate --from-cluster [-n NAMESPACE] [--schema-only | --webhook-only]

Validates every document of every file (multi-document YAML or JSON; "-" reads standard input)
against Istio's CRD schemas and then the validation webhook's rules. Other kinds, and IstioOperator
(an istioctl install input the webhook never sees), are skipped with a note.
With --from-cluster and no -f: the upgrade audit. Every stored Istio resource (all namespaces, or
-n NAMESPACE) is checked again with this version's rules, as its next update would be; those that
would be refused are listed.

  -f, --filename FILE   file or directory (recursive: *.yaml, *.yml, *.json) to validate; repeat it or
                        separate names with commas
      --schema-only     only the CRD schema stage (OpenAPI v3 + x-kubernetes-validations)
      --webhook-only    only the validation webhook's rules
  -n, --namespace NS    namespace for documents that have none (default "default")
      --crds FILE       CRD definitions (e.g. kubectl get crd -o yaml) instead of the default
                        (MESH_ADMISSION_CRDS); without any, only the webhook rules run, with a note
      --from-cluster    read Istio's CRDs from the cluster (current kubeconfig); without -f, audit
                        the resources stored in the cluster
      --kubeconfig FILE with --from-cluster: this kubeconfig instead of $KUBECONFIG / ~/.kube/config
      --allow-unknown-fields
                        accept fields the CRD schema does not declare (kubectl --validate=false
                        prunes them silently; by default they are errors, as with kubectl apply)
  -h, --help            show this help

Exit status: 0 all documents valid, 1 some document invalid, 2 unusable input or arguments.`;

interface Options {
  files: string[];
  schema: boolean;
  webhook: boolean;
  namespace: string;
  /** -n was given: the audit then reads that namespace only. */
  namespaceGiven: boolean;
  crds?: string;
  fromCluster: boolean;
  kubeconfig?: string;
  /** --schema-only was given: missing CRDs are then an error, not a skipped layer. */
  schemaOnly: boolean;
  allowUnknownFields: boolean;
  help: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Options {
  const opts: Options = { files: [], schema: true, webhook: true, namespace: 'default', namespaceGiven: false, fromCluster: false, schemaOnly: false, allowUnknownFields: false, help: false };
  let schemaOnly = false;
  let webhookOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`${name} needs a value`);
      i++;
      return next;
    };
    switch (name) {
      case '-f':
      case '--filename':
        opts.files.push(...value().split(',').filter((f) => f !== ''));
        break;
      case '-n':
      case '--namespace':
        opts.namespace = value();
        opts.namespaceGiven = true;
        break;
      case '--crds':
        opts.crds = value();
        break;
      case '--from-cluster':
        opts.fromCluster = true;
        break;
      case '--kubeconfig':
        opts.kubeconfig = value();
        break;
      case '--schema-only':
        schemaOnly = true;
        break;
      case '--allow-unknown-fields':
        opts.allowUnknownFields = true;
        break;
      case '--webhook-only':
        webhookOnly = true;
        break;
      case '-h':
      case '--help':
        opts.help = true;
        break;
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  if (schemaOnly && webhookOnly) throw new UsageError('--schema-only and --webhook-only exclude each other');
  if (!opts.help && opts.files.length === 0 && !opts.fromCluster) throw new UsageError('at least one -f FILE is required (or --from-cluster to audit the cluster)');
  if (opts.fromCluster && opts.crds !== undefined) throw new UsageError('--crds and --from-cluster exclude each other');
  opts.schemaOnly = schemaOnly;
  opts.schema = !webhookOnly;
  opts.webhook = !schemaOnly;
  return opts;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `kind: List` manifests (kubectl get -o yaml) carry the real objects in `items`. */
function flattenLists(doc: unknown): unknown[] {
  if (isRecord(doc) && typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items)) {
    return doc.items.flatMap(flattenLists);
  }
  return [doc];
}

function describe(obj: unknown, defaultNamespace: string): string {
  if (!isRecord(obj)) return '<not a mapping>';
  const kind = typeof obj.kind === 'string' && obj.kind !== '' ? obj.kind : '<no kind>';
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  const ns = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : defaultNamespace;
  const name = typeof meta.name === 'string' && meta.name !== '' ? meta.name : '<no name>';
  return `${kind} ${ns}/${name}`;
}

/** Like istioctl, a document without a namespace is validated as if in --namespace. */
function withNamespace(obj: Record<string, unknown>, namespace: string): Record<string, unknown> {
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  if (typeof meta.namespace === 'string' && meta.namespace !== '') return obj;
  return { ...obj, metadata: { ...meta, namespace } };
}

function isIstioGroup(obj: Record<string, unknown>): boolean {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return group === 'istio.io' || group.endsWith('.istio.io');
}

/** Kinds from a --crds file outside Istio's groups get the schema stage only (the webhook knows none). */
function knownToCrds(crds: CrdValidator, obj: Record<string, unknown>): boolean {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return crds.list().some((g) => g.group === group && g.kind === obj.kind);
}

/** Multi-line multierror texts become one line so each invalid document is one line. */
function oneLine(s: string): string {
  return s.replace(/\s*\n\s*(\*\s*)?/g, (_m, star: string | undefined) => (star ? ' * ' : ' ')).trim();
}

interface Tally {
  documents: number;
  invalid: number;
  skipped: number;
}

function validateDocument(obj: unknown, source: string, opts: Options, crds: CrdValidator | undefined, io: CliIo, tally: Tally): void {
  tally.documents++;
  const what = describe(obj, opts.namespace);
  if (!isRecord(obj)) {
    tally.invalid++;
    io.stderr(`Error: ${source}: ${what}: ${admissionError('MA603_NOT_A_RESOURCE', 'the document is not a mapping').message}\n`);
    return;
  }
  if (obj.kind === 'IstioOperator' && typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith('install.istio.io/')) {
    tally.skipped++;
    io.stderr(`Skipped: ${source}: ${what}: IstioOperator is an istioctl install input, not validated by the webhook\n`);
    return;
  }
  const istio = isIstioGroup(obj);
  if (!istio && !(crds && knownToCrds(crds, obj))) {
    tally.skipped++;
    io.stderr(`Skipped: ${source}: ${what}: not an Istio resource (apiVersion ${JSON.stringify(obj.apiVersion ?? '')})\n`);
    return;
  }
  const target = withNamespace(obj, opts.namespace);
  const problems: string[] = [];
  if (crds) {
    if (!opts.allowUnknownFields) problems.push(...crds.unknownFields(target));
    problems.push(...crds.validate(target).errors);
  }
  // The apiserver never calls the webhook for an object its schema stage rejected.
  if (opts.webhook && istio && problems.length === 0) {
    const outcome = validateObject(target);
    if (!outcome.allowed) problems.push(outcome.message ?? 'denied');
    for (const w of outcome.warnings) io.stderr(`Warning: ${source}: ${what}: ${oneLine(w)}\n`);
  }
  if (problems.length > 0) {
    tally.invalid++;
    io.stderr(`Error: ${source}: ${what} is invalid: ${problems.map(oneLine).join('; ')}\n`);
  }
}

const MANIFEST_SUFFIXES = ['.yaml', '.yml', '.json'];

/** A directory stands for every manifest below it (sorted, so output order is stable); a file for itself. */
function expandPath(path: string): string[] {
  if (path === '-') return [path];
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return [path]; // reading it reports the error with the file's name
  }
  if (!isDir) return [path];
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    } catch (e) {
      throw admissionError('MA501_INPUT_UNREADABLE', dir, describeError(e));
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (MANIFEST_SUFFIXES.some((s) => e.name.endsWith(s))) out.push(p);
    }
  };
  walk(path);
  return out;
}

function validatorOf(crds: ReadonlyArray<Record<string, unknown>>): CrdValidator {
  if (crds.length === 0) throw admissionError('MA600_CRD_SCHEMAS_UNAVAILABLE', 'the cluster', 'no Istio CustomResourceDefinitions are installed');
  return createCrdValidator(parseCrdCatalog(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: crds }), 'the cluster'));
}

/** The Kubernetes client is loaded only for --from-cluster: validating files stays a fast, local call. */
async function clusterAccess() {
  const [audit, cluster] = await Promise.all([import('./audit.js'), import('./cluster.js')]);
  return { istioCrds: audit.istioCrds, storedObjects: audit.storedObjects, cliApis: cluster.cliApis };
}

/** The upgrade audit: every stored Istio resource through the same stages as a file's documents. */
async function auditCluster(opts: Options, io: CliIo): Promise<number> {
  const tally: Tally = { documents: 0, invalid: 0, skipped: 0 };
  let objects: Array<Record<string, unknown>>;
  let crds: CrdValidator | undefined;
  try {
    const { istioCrds, storedObjects, cliApis } = await clusterAccess();
    const apis = cliApis(opts.kubeconfig);
    const defs = await istioCrds(apis);
    crds = opts.schema ? validatorOf(defs) : undefined;
    objects = await storedObjects(apis, defs, opts.namespaceGiven ? opts.namespace : undefined);
  } catch (e) {
    io.stderr(`Error: ${describeError(e)}\n`);
    return 2;
  }
  for (const obj of objects) validateDocument(obj, 'cluster', opts, crds, io, tally);
  const ok = tally.documents - tally.invalid - tally.skipped;
  io.stdout(
    `${tally.documents} stored resource(s)${opts.namespaceGiven ? ` in namespace ${opts.namespace}` : ''}: ${ok} pass the current rules, ` +
      `${tally.invalid} would be refused on their next update\n`,
  );
  return tally.invalid > 0 ? 1 : 0;
}

export async function validateCommand(argv: string[], io: CliIo): Promise<number> {
  let opts: Options;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`${admissionError('MA500_USAGE', e.message).message}\n${VALIDATE_USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    io.stdout(`${VALIDATE_USAGE}\n`);
    return 0;
  }

  if (opts.fromCluster && opts.files.length === 0) return auditCluster(opts, io);
  const cache = cliCacheDir();
  useCrdDiskCache(cache === undefined ? undefined : join(cache, 'crds'));

  let crds: CrdValidator | undefined;
  if (opts.schema) {
    if (opts.crds !== undefined) {
      try {
        crds = loadCrdValidatorFromFile(opts.crds);
      } catch (e) {
        io.stderr(`Error: ${admissionError('MA600_CRD_SCHEMAS_UNAVAILABLE', opts.crds, describeError(e)).message}\n`);
        return 2;
      }
    } else if (opts.fromCluster) {
      try {
        const { istioCrds, cliApis } = await clusterAccess();
        crds = validatorOf(await istioCrds(cliApis(opts.kubeconfig)));
      } catch (e) {
        io.stderr(`Error: ${describeError(e)}\n`);
        return 2;
      }
    } else {
      const d = defaultCrdValidator();
      if (d.ok) crds = d.validator;
      else if (opts.schemaOnly) {
        io.stderr(`Error: ${d.error}\n(use --crds FILE, --from-cluster or set MESH_ADMISSION_CRDS)\n`);
        return 2;
      } else {
        // No CRDs at hand (a fresh clone without the corpus): the webhook rules still answer most questions.
        io.stderr('Note: no CRD schemas at hand (--crds FILE, --from-cluster or MESH_ADMISSION_CRDS); the schema layer was skipped, only the webhook rules ran\n');
      }
    }
  }

  const tally: Tally = { documents: 0, invalid: 0, skipped: 0 };
  let unreadable = 0;
  let stdinText: string | undefined;
  let files: string[];
  try {
    files = opts.files.flatMap(expandPath);
  } catch (e) {
    io.stderr(`Error: ${describeError(e)}\n`);
    return 2;
  }
  for (const file of files) {
    const source = file === '-' ? '<stdin>' : file;
    let text: string;
    try {
      text = file === '-' ? (stdinText ??= await io.readStdin()) : io.readFile(file);
    } catch (e) {
      unreadable++;
      io.stderr(`Error: ${admissionError('MA501_INPUT_UNREADABLE', source, describeError(e)).message}\n`);
      continue;
    }
    // kubectl and istioctl read YAML with yaml.v2 rules (yes/no booleans, 0-prefixed octal), so
    // the same text must mean the same object here.
    let docs: unknown[];
    try {
      docs = parseYamlDocuments(text);
    } catch (e) {
      unreadable++;
      io.stderr(`Error: ${admissionError('MA501_INPUT_UNREADABLE', source, `not valid YAML: ${describeError(e)}`).message}\n`);
      continue;
    }
    docs.forEach((value, index) => {
      const where = docs.length > 1 ? `${source}#${index}` : source;
      if (value === null || value === undefined) return;
      for (const obj of flattenLists(value)) validateDocument(obj, where, opts, crds, io, tally);
    });
  }

  const valid = tally.documents - tally.invalid - tally.skipped;
  io.stdout(
    `${tally.documents} document(s) in ${files.length} file(s): ${valid} valid, ${tally.invalid} invalid` +
      `${tally.skipped ? `, ${tally.skipped} skipped` : ''}${unreadable ? `, ${unreadable} unreadable` : ''}\n`,
  );
  if (unreadable > 0) return 2;
  return tally.invalid > 0 ? 1 : 0;
}
