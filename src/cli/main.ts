import { describeError } from '../errors.js';
import { processIO, type CliIO } from './io.js';

/** Each verb is loaded only when used, so `validate` does not pay for the injector and vice versa. */
const VERBS: Record<string, { summary: string; run: (argv: string[], io: CliIO) => Promise<number> }> = {
  'kube-inject': {
    summary: 'inject the Istio sidecar into Kubernetes YAML, like istioctl kube-inject',
    run: async (argv, io) => (await import('./kube-inject.js')).kubeInjectCommand(argv, io),
  },
  explain: {
    summary: 'why a pod is (or is not) injected: webhook selectors, the decision, what gets added',
    run: async (argv, io) => (await import('./explain.js')).explainCommand(argv, io),
  },
  validate: {
    summary: 'validate Istio resources (CRD schema + CEL, then the webhook rules)',
    run: async (argv, io) => (await import('./validate.js')).validateCommand(argv, io),
  },
  'render-template': {
    summary: 'execute a Go text/template with JSON data, as the injector does',
    run: async (argv, io) => (await import('./render-template.js')).renderTemplateCommand(argv, io),
  },
  precheck: {
    summary: "what in the cluster's webhook configurations would conflict with installing under a revision",
    run: async (argv, io) => (await import('./precheck.js')).precheckCommand(argv, io),
  },
  tag: {
    summary: 'revision tags: set, generate, list, remove istio-revision-tag-<tag> webhooks, as istioctl tag',
    run: async (argv, io) => (await import('./tag.js')).tagCommand(argv, io),
  },
  'stale-pods': {
    summary: 'list injected pods whose template hash differs from the current configuration',
    run: async (argv, io) => (await import('./stale-pods.js')).stalePodsCommand(argv, io),
  },
  preview: {
    summary: 'what a proposed injector configuration would change in the injected workloads running now',
    run: async (argv, io) => (await import('./preview.js')).previewCommand(argv, io),
  },
};

export function usage(): string {
  const lines = Object.entries(VERBS).map(([name, v]) => `  ${name.padEnd(16)} ${v.summary}`);
  return `usage: mesh-admission <verb> [options]   (in a clone: npm run -s cli -- <verb> [options])\n\nverbs:\n${lines.join('\n')}\n\nRun a verb with --help for its options.\n`;
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    io.stdout(usage());
    return verb === undefined ? 2 : 0;
  }
  const entry = VERBS[verb];
  if (!entry) {
    io.stderr(`unknown verb '${verb}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await entry.run(rest, io);
  } catch (e) {
    io.stderr(`${verb}: ${describeError(e)}\n`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/main.ts')) {
  const code = await runCli(process.argv.slice(2), processIO());
  process.exitCode = code;
}
