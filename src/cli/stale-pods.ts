import { parseAllDocuments } from 'yaml';
import { admissionError, describeError } from '../errors.js';
import { readRawConfigDir } from '../config/dir-source.js';
import { TEMPLATE_HASH_ANNOTATION, hashRawConfig } from '../config/types.js';
import { apiErrorInfo, listInPages, loadKubeConfig, makeApis } from '../kube/client.js';
import type { Pod } from '../kube/types.js';

export interface StalePodsIO {
  stdout(s: string): void;
  stderr(s: string): void;
  readFile(p: string): string;
  readStdin(): Promise<string>;
}

/** Istio's marker that a pod went through injection. */
const INJECTED_STATUS_ANNOTATION = 'sidecar.istio.io/status';

export const STALE_PODS_USAGE = `usage: mesh-admission stale-pods (-f PODS.yaml|- | --from-cluster [-n NS] [--kubeconfig FILE])
                (--current-hash HASH | --inject-config-dir DIR [--mesh-config FILE]) [options]
  Lists injected pods whose template hash differs from the current configuration (restart them).
  -f, --filename FILE        pods (kubectl get pods -o yaml), - for stdin
  --from-cluster             list the pods through the Kubernetes API (current kubeconfig)
  -n, --namespace NS         with --from-cluster: only this namespace (default all)
  --kubeconfig FILE          kubeconfig to use instead of $KUBECONFIG / ~/.kube/config
  --current-hash HASH        the configuration hash to compare against
  --inject-config-dir DIR    compute the hash from this configuration directory
  --mesh-config FILE         with --inject-config-dir: the MeshConfig file
  -o, --output text|json     output format (default text)
  --fail-if-stale            exit 1 when a stale pod is found
  -h, --help                 show this help
Exit status: 0 done, 1 stale pods and --fail-if-stale, 2 unusable input or arguments.`;
const USAGE = STALE_PODS_USAGE;

interface Args {
  file?: string;
  fromCluster: boolean;
  namespace?: string;
  kubeconfig?: string;
  currentHash?: string;
  configDir?: string;
  meshFile?: string;
  output: 'text' | 'json';
  failIfStale: boolean;
}

export interface StalePod {
  namespace: string;
  name: string;
  /** The hash the pod was injected with; null when injected by something that did not stamp one (e.g. istiod). */
  hash: string | null;
}

function parseArgs(argv: string[]): Args | 'help' {
  const rest = argv[0] === 'stale-pods' ? argv.slice(1) : argv;
  const out: Partial<Args> & { output: 'text' | 'json'; failIfStale: boolean; fromCluster: boolean } = {
    output: 'text',
    failIfStale: false,
    fromCluster: false,
  };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const inline = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = rest[++i];
      if (v === undefined) throw admissionError('MA500_USAGE', `${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '-f':
      case '--filename':
        out.file = value();
        break;
      case '--current-hash':
        out.currentHash = value();
        break;
      case '--inject-config-dir':
        out.configDir = value();
        break;
      case '--mesh-config':
        out.meshFile = value();
        break;
      case '-o':
      case '--output': {
        const v = value();
        if (v !== 'text' && v !== 'json') throw admissionError('MA500_USAGE', `--output must be text or json, got "${v}"`);
        out.output = v;
        break;
      }
      case '--fail-if-stale':
        out.failIfStale = true;
        break;
      case '--from-cluster':
        out.fromCluster = true;
        break;
      case '-n':
      case '--namespace':
        out.namespace = value();
        break;
      case '--kubeconfig':
        out.kubeconfig = value();
        break;
      case '-h':
      case '--help':
        return 'help';
      default:
        throw admissionError('MA500_USAGE', `unknown argument "${a}"\n${USAGE}`);
    }
  }
  if (out.file === undefined && !out.fromCluster) throw admissionError('MA500_USAGE', `-f is required (or --from-cluster)\n${USAGE}`);
  if (out.file !== undefined && out.fromCluster) throw admissionError('MA500_USAGE', `give either -f or --from-cluster, not both\n${USAGE}`);
  if ((out.currentHash === undefined) === (out.configDir === undefined)) {
    throw admissionError('MA500_USAGE', `give exactly one of --current-hash or --inject-config-dir\n${USAGE}`);
  }
  if (out.meshFile !== undefined && out.configDir === undefined) {
    throw admissionError('MA500_USAGE', '--mesh-config only makes sense with --inject-config-dir');
  }
  return out as Args;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Every Pod in a YAML/JSON stream of Pods, `kind: List`/`PodList` documents, or both. */
export function podsFromText(text: string, file: string): Record<string, unknown>[] {
  const pods: Record<string, unknown>[] = [];
  const visit = (v: unknown): void => {
    const o = record(v);
    if (o === undefined) return;
    if (Array.isArray(o['items'])) {
      for (const item of o['items']) visit(item);
      return;
    }
    if (o['kind'] === 'Pod') pods.push(o);
  };
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw admissionError('MA501_INPUT_UNREADABLE', file, doc.errors[0]!.message);
    }
    visit(doc.toJS());
  }
  return pods;
}

/** Injected pods whose template-hash annotation is missing or differs from `currentHash`. */
export function findStalePods(pods: Record<string, unknown>[], currentHash: string): StalePod[] {
  const stale: StalePod[] = [];
  for (const pod of pods) {
    const meta = record(pod['metadata']) ?? {};
    const annotations = record(meta['annotations']) ?? {};
    if (annotations[INJECTED_STATUS_ANNOTATION] === undefined) continue;
    const hash = annotations[TEMPLATE_HASH_ANNOTATION];
    if (hash === currentHash) continue;
    stale.push({
      namespace: typeof meta['namespace'] === 'string' ? meta['namespace'] : 'default',
      name: typeof meta['name'] === 'string' ? meta['name'] : '<unnamed>',
      hash: typeof hash === 'string' ? hash : null,
    });
  }
  return stale.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/** The cluster's pods (one namespace or all), through the API: what `kubectl get pods -A -o yaml` shows. */
async function podsFromCluster(args: Args): Promise<Record<string, unknown>[]> {
  const { kc } = loadKubeConfig(args.kubeconfig ? { kubeconfigPath: args.kubeconfig } : {});
  const core = makeApis(kc).core;
  try {
    const ns = args.namespace;
    // Paged, and only each pod's metadata kept: a cluster's pods do not have to fit in memory whole.
    const list = await listInPages((q) => (ns ? core.listNamespacedPod({ namespace: ns, ...q }) : core.listPodForAllNamespaces(q)), (p: Pod) => ({ kind: 'Pod', metadata: p.metadata ?? {} }));
    return list.items;
  } catch (e) {
    throw admissionError('MA701_KUBE_API', 'list pods', apiErrorInfo(e).message);
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]! + 3))).join('')).join('\n') + '\n';
}

/**
 * `stale-pods`: list pods injected with a template other than the current one, so they can be restarted.
 * Exit codes: 0 done, 1 stale pods found and --fail-if-stale given, 2 usage or input error.
 */
export async function stalePodsCommand(argv: string[], io: StalePodsIO): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args === 'help') {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    let currentHash: string;
    if (args.currentHash !== undefined) {
      currentHash = args.currentHash;
    } else {
      currentHash = hashRawConfig(readRawConfigDir(args.configDir!, args.meshFile));
    }
    let pods: Record<string, unknown>[];
    if (args.fromCluster) {
      pods = await podsFromCluster(args);
    } else {
      const file = args.file!;
      let text: string;
      try {
        text = file === '-' ? await io.readStdin() : io.readFile(file);
      } catch (e) {
        throw admissionError('MA501_INPUT_UNREADABLE', file === '-' ? 'stdin' : file, describeError(e));
      }
      pods = podsFromText(text, file === '-' ? 'stdin' : file);
    }
    const stale = findStalePods(pods, currentHash);
    if (args.output === 'json') {
      io.stdout(`${JSON.stringify({ currentHash, podsChecked: pods.length, stale }, null, 2)}\n`);
    } else if (stale.length > 0) {
      io.stdout(table([['NAMESPACE', 'NAME', 'INJECTED-HASH'], ...stale.map((s) => [s.namespace, s.name, s.hash ?? '<none>'])]));
    }
    io.stderr(`${stale.length} of ${pods.length} pods injected with a template other than ${currentHash}\n`);
    return stale.length > 0 && args.failIfStale ? 1 : 0;
  } catch (e) {
    io.stderr(`${describeError(e)}\n`);
    return 2;
  }
}
