import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CONFORMANCE_DIR } from '../../conformance/corpus.js';
import type { Container, Pod } from '../../../src/inject/postprocess/pod.js';

export const INJECT_TESTDATA = join(CONFORMANCE_DIR, 'istio-inject', 'testdata');

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The pod (template) of every injectable document, in document order, lists flattened. */
export function podsOf(doc: unknown): Pod[] {
  if (!isObj(doc)) return [];
  const kind = doc.kind;
  const spec = isObj(doc.spec) ? doc.spec : undefined;
  if (kind === 'List') return Array.isArray(doc.items) ? doc.items.flatMap(podsOf) : [];
  if (kind === 'Pod') return [doc as Pod];
  if (kind === 'CronJob') {
    const jt = isObj(spec?.jobTemplate) ? spec.jobTemplate : undefined;
    const jspec = isObj(jt?.spec) ? jt.spec : undefined;
    return isObj(jspec?.template) ? [jspec.template as Pod] : [];
  }
  const workloadKinds = ['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet', 'Job', 'ReplicationController', 'DeploymentConfig'];
  if (typeof kind === 'string' && workloadKinds.includes(kind) && isObj(spec?.template)) return [spec.template as Pod];
  return [];
}

export function readPods(file: string): Pod[] {
  const text = readFileSync(join(INJECT_TESTDATA, file), 'utf8');
  return parseAllDocuments(text).flatMap((d) => podsOf(d.toJSON()));
}

/** Goldens named `<input>.injected` whose input is in the corpus: same settings family as the input. */
export function goldenPairs(): { input: string; golden: string }[] {
  if (!existsSync(INJECT_TESTDATA)) return [];
  const files = new Set(readdirSync(INJECT_TESTDATA));
  return [...files]
    .filter((f) => f.endsWith('.yaml.injected') && files.has(f.slice(0, -'.injected'.length)))
    .sort()
    .map((golden) => ({ input: golden.slice(0, -'.injected'.length), golden }));
}

export function allContainers(pod: Pod): Container[] {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
}

/** Every golden in the corpus, whatever settings produced it. */
export function allGoldens(): string[] {
  if (!existsSync(INJECT_TESTDATA)) return [];
  return readdirSync(INJECT_TESTDATA)
    .filter((f) => f.endsWith('.injected'))
    .sort();
}
