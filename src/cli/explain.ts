import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { admissionError, describeError } from '../errors.js';
import { readRawConfigDir } from '../config/dir-source.js';
import { compileInjectionSettings } from '../inject/engine.js';
import { explainPod, formatExplanation, webhookEntries } from '../inject/explain.js';
import { podsOf } from '../inject/kube-inject.js';
import { parseYamlDocuments } from '../k8s/yaml-parse.js';
import { readVerbArgs } from './args.js';
import type { CliIO } from './io.js';

const ROOT = resolve(import.meta.dirname, '../..');

export const EXPLAIN_USAGE = `usage: mesh-admission explain -f FILE|- [options]
  Why is (or isn't) a pod injected? Both stages: which MutatingWebhookConfiguration entries the API
  server would call for the pod in its namespace, then the injector's decision and what it adds.
  -f, --filename FILE          Pods or workloads (YAML, - for stdin)
  -l, --namespace-labels K=V,...  labels of the pod's namespace (e.g. istio-injection=enabled)
  --webhook-config FILE        the MutatingWebhookConfiguration(s) (kubectl get ... -o yaml); default
                               manifests/mutatingwebhook.yaml
  --inject-config-dir DIR      the injector configuration (files config, values); default templates/
  --mesh-config FILE           MeshConfig YAML`;

function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw admissionError('MA500_USAGE', `--namespace-labels wants key=value pairs, got '${part}'`);
    out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

export async function explainCommand(argv: string[], io: CliIO): Promise<number> {
  const values = readVerbArgs(io, EXPLAIN_USAGE, () =>
    parseArgs({
      args: argv,
      strict: true,
      options: {
        filename: { type: 'string', short: 'f' },
        'namespace-labels': { type: 'string', short: 'l', default: '' },
        'webhook-config': { type: 'string', default: resolve(ROOT, 'manifests/mutatingwebhook.yaml') },
        'inject-config-dir': { type: 'string', default: resolve(ROOT, 'templates') },
        'mesh-config': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (typeof values === 'number') return values;
  let pods;
  let settings;
  let entries;
  let nsLabels;
  try {
    nsLabels = parseLabels(values['namespace-labels']);
    const input = values.filename === '-' ? await io.readStdin() : io.readFile(values.filename);
    pods = podsOf(input);
    entries = webhookEntries(parseYamlDocuments(io.readFile(values['webhook-config'])));
    if (entries.length === 0) throw admissionError('MA501_INPUT_UNREADABLE', values['webhook-config'], 'no MutatingWebhookConfiguration webhooks in it');
    settings = compileInjectionSettings(readRawConfigDir(values['inject-config-dir'], values['mesh-config']));
  } catch (e) {
    io.stderr(`${describeError(e)}\n`);
    return 2;
  }
  if (pods.length === 0) {
    io.stderr('no Pod or workload with a pod template in the input\n');
    return 2;
  }
  for (const p of pods) io.stdout(formatExplanation(p.title, explainPod(settings, entries, p.pod, p.namespace, nsLabels)));
  return 0;
}
