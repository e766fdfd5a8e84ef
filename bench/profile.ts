/**
 * `npm run bench:profile`: where one admission's CPU goes, stage by stage. Runs the webhook answer
 * (body text in, answer text out, as a worker computes it) under the V8 CPU profiler (the data
 * `node --cpu-prof` writes) for a repeated pod (template cache hits) and for pods that differ (misses),
 * and prints each stage's share of self time and µs per request (bench/README.md keeps the table).
 */
import { Session } from 'node:inspector/promises';
import { answerReview } from '../src/admission/answer.js';
import { createEngines, lookupsFromState } from '../src/workers/engines.js';
import { BENCH_FEATURES, admissionReview, defaultSettings, envHeavyPod, realisticPod } from './fixtures.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const STAGES: Array<[string, (url: string, fn: string) => boolean]> = [
  ['Go-template execution', (u) => u.includes('/src/gotemplate/')],
  ['parse of the rendered YAML', (u) => /\/src\/k8s\/yaml-|\/node_modules\/yaml\//.test(u)],
  ['Go-typed normalise', (u) => /\/src\/k8s\/(normalize|go-json|gotypes|quantity|rfc3339)/.test(u)],
  ['strategic merge', (u) => u.includes('/src/k8s/smp')],
  ['JSON patch diff', (u) => u.includes('/src/inject/patch') || u.includes('fast-json-patch')],
  ['post-processing', (u) => u.includes('/src/inject/postprocess/')],
  ['template cache (key hash, lookup)', (u, f) => u.includes('/src/inject/template-cache') || u.includes('internal/crypto') || f === 'update' || f === 'digest'],
  ['deep copies and depth walks (k8s/json)', (u) => u.endsWith('/src/k8s/json.ts')],
  ['body decode + answer encode', (u, f) => u.includes('/src/admission/') || (u === '' && (f === 'parse' || f === 'stringify'))],
  ['GC', (_u, f) => f === '(garbage collector)'],
  ['injection glue (decide, data, pipeline, status)', (u) => u.includes('/src/inject/')],
];

function stageOf(url: string, fn: string): string {
  for (const [name, test] of STAGES) if (test(url, fn)) return name;
  return fn === '(program)' || fn === '(idle)' ? '(idle)' : 'other (JSON/crypto natives, runtime)';
}

async function profile(label: string, bodies: () => string, n: number): Promise<void> {
  const settings = defaultSettings();
  const engines = createEngines(BENCH_FEATURES, () => ({ value: settings, hash: 'bench' }), () => lookupsFromState(BENCH_FEATURES, {}));
  for (let i = 0; i < Math.min(n, 2000); i++) answerReview(engines, 'inject', bodies(), '/inject');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) answerReview(engines, 'inject', bodies(), '/inject');
  const cpu = process.cpuUsage(cpu0);
  const { profile: p } = (await session.post('Profiler.stop')) as { profile: Profile };
  session.disconnect();
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  const others = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const [i, id] of (p.samples ?? []).entries()) {
    const node = byId.get(id)!;
    const stage = stageOf(node.callFrame.url, node.callFrame.functionName);
    const dt = p.timeDeltas?.[i] ?? 0;
    if (stage === '(idle)') continue;
    self.set(stage, (self.get(stage) ?? 0) + dt);
    if (stage.startsWith('other')) {
      const k = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*node_modules\//, '').slice(-40)}`;
      others.set(k, (others.get(k) ?? 0) + dt);
    }
    if (TOP > 0) {
      const k = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*\/(src|node_modules)\//, '$1/')}:${node.callFrame.lineNumber + 1}`;
      functions.set(k, (functions.get(k) ?? 0) + dt);
    }
    total += dt;
  }
  const cpuUs = ((cpu.user + cpu.system) / n);
  console.log(`\n${label}: ${n} requests, ${cpuUs.toFixed(0)} µs CPU per request`);
  console.log('| stage | profile share | CPU µs per request |\n|---|---|---|');
  for (const [stage, t] of [...self].sort((a, b) => b[1] - a[1])) {
    console.log(`| ${stage} | ${((100 * t) / total).toFixed(1)}% | ${((cpuUs * t) / total).toFixed(0)} |`);
  }
  const top = [...others].sort((a, b) => b[1] - a[1]).slice(0, 6);
  console.log(`  largest in "other": ${top.map(([k, t]) => `${k.trim()} ${((100 * t) / total).toFixed(1)}%`).join('; ')}`);
  if (TOP > 0) {
    console.log(`  top ${TOP} functions by self time:`);
    for (const [k, t] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`    ${((100 * t) / total).toFixed(1).padStart(5)}% ${k}`);
  }
}

/** `--top N`: also list the N functions with the most self time in each profile. */
const topAt = process.argv.indexOf('--top');
const TOP = topAt > 0 ? Number(process.argv[topAt + 1] ?? 20) : 0;
/** `--only hit|miss|env`: profile one of the three cases. */
const onlyAt = process.argv.indexOf('--only');
const ONLY = onlyAt > 0 ? process.argv[onlyAt + 1] : undefined;

const pod = realisticPod() as { metadata: { labels: Record<string, string> } };
const same = admissionReview(pod);
let serial = 0;
const differing = () => admissionReview({ ...pod, metadata: { ...pod.metadata, labels: { ...pod.metadata.labels, bench: String(serial++) } } });
const heavy = admissionReview(envHeavyPod());
if (!ONLY || ONLY === 'hit') await profile('realistic pod, repeated (cache hit)', () => same, 3000);
if (!ONLY || ONLY === 'miss') await profile('realistic pod, every one different (cache miss)', differing, 2000);
if (!ONLY || ONLY === 'env') await profile('2000-env pod, repeated (cache hit)', () => heavy, 150);
