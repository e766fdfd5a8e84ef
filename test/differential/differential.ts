import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { parseAllDocuments, stringify as toYaml } from 'yaml';
import { describeError } from '../../src/errors.js';
import { injectAdmission } from '../../src/inject/webhook.js';
import { kubeInject } from '../../src/inject/kube-inject.js';
import { ISTIO_PROTOS } from '../../src/proto/istio.js';
import { jsonpbDecodeErrors } from '../../src/proto/jsonpb.js';
import { findKind } from '../../src/validate/kinds/registry.js';
import { validateAdmission } from '../../src/validate/webhook.js';
import { CONFORMANCE_DIR } from '../conformance/corpus.js';
import { objectToPod } from '../conformance/inject-report.js';
import type { OracleBatch } from '../oracle/oracle.js';
import { canonical, firstJsonDiff, firstLineDiff } from './compare.js';
import { SETTINGS_VARIANTS, generateInjectCase, type InjectCaseSpec } from './gen-inject.js';
import { generateValidateCase, type DatasetResource, type ValidateCaseSpec } from './gen-validate.js';
import { Rng, caseSeed } from './rng.js';
import { oracleSettings, ourSettings, variantSettings } from './settings.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export type Kind = 'inject' | 'validate';

export interface Difference {
  kind: Kind;
  seed: number;
  index: number;
  /** Which comparison failed: kube-inject, webhook or validate. */
  path: string;
  summary: string;
  /** Files of the reproducer, name → content. */
  files: Record<string, string>;
  /** The generated case, so the minimiser can re-run smaller versions of it. */
  spec: { kind: 'inject'; inject: InjectCaseSpec } | { kind: 'validate'; validate: ValidateCaseSpec };
  /** Set by minimise(): what was removed and the oracle calls it took. */
  minimised?: { removed: string[]; runs: number };
}

export interface Tally {
  agree: number;
  differ: number;
}

// ---------------------------------------------------------------- injection

/** The Pod a workload's controller would create (the conformance harness' recipe), in the workload's namespace. */
export function podFor(doc: Obj): Obj {
  const pod = objectToPod(doc);
  const meta = isObj(doc.metadata) ? doc.metadata : {};
  const tmeta = isObj(pod.metadata) ? pod.metadata : {};
  if (typeof meta.namespace === 'string' && !tmeta.namespace) tmeta.namespace = meta.namespace;
  return pod;
}

function reviewFor(pod: Obj): Obj {
  const meta = isObj(pod.metadata) ? pod.metadata : {};
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'differential',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : 'default',
      operation: 'CREATE',
      userInfo: {},
      object: pod,
    },
  };
}

interface WebhookResult {
  allowed: boolean;
  message?: string;
  pod?: unknown;
  error?: string;
}

function applied(pod: Obj, ops: unknown): { pod?: unknown; error?: string } {
  try {
    return { pod: jsonpatch.applyPatch(structuredClone(pod), structuredClone(ops) as Operation[], true, false).newDocument };
  } catch (e) {
    // The applier's message goes on to dump the operation and the whole document: keep its first line.
    return { error: `patch does not apply: ${describeError(e).split('\n')[0]}` };
  }
}

function istioWebhookResult(pod: Obj, body: unknown): WebhookResult {
  const resp = isObj(body) && isObj(body.response) ? body.response : undefined;
  if (!resp) return { allowed: false, error: `no response in ${JSON.stringify(body).slice(0, 200)}` };
  const allowed = resp.allowed === true;
  const message = isObj(resp.status) && typeof resp.status.message === 'string' ? resp.status.message : undefined;
  if (!allowed || typeof resp.patch !== 'string') return { allowed, message, pod: allowed ? pod : undefined };
  const ops = JSON.parse(Buffer.from(resp.patch, 'base64').toString('utf8')) as unknown;
  return { allowed, message, ...applied(pod, ops) };
}

function ourWebhookResult(spec: InjectCaseSpec, pod: Obj, review: Obj): WebhookResult {
  const req = review.request as Parameters<typeof injectAdmission>[1];
  const d = injectAdmission(ourSettings(spec.variant, 'webhook', spec.native), req, spec.path);
  if (!d.allowed) return { allowed: false, message: d.message };
  if (!d.patch) return { allowed: true, pod };
  return { allowed: true, ...applied(pod, d.patch) };
}

function firstInjectable(text: string): Obj | undefined {
  for (const d of parseAllDocuments(text)) {
    const v = d.toJS() as unknown;
    if (isObj(v) && typeof v.kind === 'string') return v;
  }
  return undefined;
}

/** Istio lists known templates in Go map order (random per call); compare them as a sorted list. */
function sortTemplateList(msg: string): string {
  return msg.replace(/(not found; have )([^\n"]*)/g, (_m, head: string, list: string) => `${head}${list.split(', ').sort().join(', ')}`);
}

/**
 * Istio's multierror lists invalid annotations in map order (random); we sort them (README). Compare
 * the bullets as a sorted list.
 */
const DECODE_PREFIX = 'error decoding configuration: ';

/**
 * Whether Istio's decode error is one it may give for some Go map order: with two wrong entries in one map,
 * which one jsonpb meets first changes per call (we report the first in document order).
 */
function decodeErrorInMapOrder(object: unknown, istioMessage: string): boolean {
  if (!istioMessage.startsWith(DECODE_PREFIX) || !isObj(object)) return false;
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const found = findKind(apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '', typeof object.kind === 'string' ? object.kind : '');
  if (found?.type !== 'istio') return false;
  return jsonpbDecodeErrors(ISTIO_PROTOS, found.entry.proto, object.spec ?? null).includes(istioMessage.slice(DECODE_PREFIX.length));
}

function sortBullets(msg: string): string {
  // An item may span lines (an annotation's YAML value), so items are what lies between bullet marks.
  const parts = msg.split('\n\t* ');
  if (parts.length < 3) return msg;
  const head = parts.shift() ?? '';
  const last = parts.pop() ?? '';
  const tail = /\n*$/.exec(last)?.[0] ?? '';
  parts.push(last.slice(0, last.length - tail.length));
  return `${[head, ...parts.sort()].join('\n\t* ')}${tail}`;
}

/** Istio's error text is contained in ours (we may add context around it, never change it). */
function sameError(istio: string, ours: string): boolean {
  const norm = (m: string) => sortBullets(sortTemplateList(m.replace(/^Error: /, '').trim()));
  const i = norm(istio);
  return i !== '' && norm(ours).includes(i);
}

async function runInjectCase(batch: OracleBatch, seed: number, index: number, spec: InjectCaseSpec): Promise<Difference[]> {
  const texts = variantSettings(spec.variant);
  let input = toYaml(spec.workload);
  if (spec.reinject) {
    const first = await batch.ask({ verb: 'kube-inject', settings: oracleSettings(texts, '', spec.native), input });
    if (first.code === 0 && first.stdout) input = first.stdout;
  }
  const diffs: Difference[] = [];
  const files = (extra: Record<string, string>): Record<string, string> => ({
    'input.yaml': input,
    'case.json': `${JSON.stringify({ seed, index, variant: SETTINGS_VARIANTS[spec.variant]!.name, native: spec.native, reinject: spec.reinject, path: spec.path, settings: texts.source }, null, 2)}\n`,
    ...(spec.variant !== 0 ? { 'values.json': texts.values, 'mesh.yaml': texts.mesh } : {}),
    ...extra,
  });

  // kube-inject: byte for byte.
  const istio = await batch.ask({ verb: 'kube-inject', settings: oracleSettings(texts, '', spec.native), input });
  let ours: { ok: boolean; out: string };
  try {
    ours = { ok: true, out: kubeInject(ourSettings(spec.variant, 'kube-inject', spec.native), input).output };
  } catch (e) {
    ours = { ok: false, out: describeError(e) };
  }
  const istioOk = istio.code === 0 && !istio.error;
  let summary: string | undefined;
  if (istioOk !== ours.ok) summary = istioOk ? `we fail: ${ours.out.slice(0, 200)}` : `Istio fails, we inject: ${(istio.stderr ?? istio.error ?? '').trim().slice(0, 200)}`;
  else if (istioOk && istio.stdout !== ours.out) summary = firstLineDiff(istio.stdout ?? '', ours.out);
  else if (!istioOk && !sameError(istio.stderr ?? istio.error ?? '', ours.out)) summary = `error text: istio ${JSON.stringify((istio.stderr ?? '').trim().slice(0, 200))} ours ${JSON.stringify(ours.out.slice(0, 200))}`;
  if (summary) {
    diffs.push({ kind: 'inject', seed, index, path: 'kube-inject', summary, spec: { kind: 'inject', inject: spec }, files: files({ 'istio.out': istio.stdout ?? '', 'istio.err': istio.stderr ?? istio.error ?? '', 'ours.out': ours.out }) });
  }

  // webhook: the patches, applied to the pod.
  const doc = firstInjectable(input);
  if (doc && (doc.kind === 'Pod' || isObj(doc.spec))) {
    const pod = podFor(doc);
    const review = reviewFor(pod);
    const a = await batch.ask({ verb: 'webhook', settings: oracleSettings(texts, 'default', spec.native), path: spec.path, review });
    const iw = a.error ? { allowed: false, error: a.error } : istioWebhookResult(pod, a.body);
    const ow = ourWebhookResult(spec, pod, review);
    let s: string | undefined;
    if (iw.error) s = `istio: ${iw.error}`;
    else if (ow.error) s = `ours: ${ow.error}`;
    else if (iw.allowed !== ow.allowed) s = `allowed: istio ${iw.allowed} ours ${ow.allowed} (${(iw.message ?? ow.message ?? '').slice(0, 200)})`;
    else if (!iw.allowed && !sameError(iw.message ?? '', ow.message ?? '')) s = `message: istio ${JSON.stringify(iw.message)} ours ${JSON.stringify(ow.message)}`;
    else if (iw.allowed && canonical(iw.pod) !== canonical(ow.pod)) s = firstJsonDiff(iw.pod, ow.pod);
    if (s) {
      diffs.push({
        kind: 'inject', seed, index, path: 'webhook', summary: s, spec: { kind: 'inject', inject: spec },
        files: files({ 'review.json': `${JSON.stringify(review, null, 2)}\n`, 'istio.json': `${JSON.stringify(iw, null, 2)}\n`, 'ours.json': `${JSON.stringify(ow, null, 2)}\n` }),
      });
    }
  }
  return diffs;
}

// ---------------------------------------------------------------- validation

let dataset: DatasetResource[] | undefined;

export function validDataset(): DatasetResource[] {
  if (dataset) return dataset;
  const dir = join(CONFORMANCE_DIR, 'istio-validation', 'valid-dataset');
  dataset = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.yaml')) continue;
    for (const d of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const v = d.toJS() as DatasetResource['object'];
      if (isObj(v)) dataset.push({ file, object: v });
    }
  }
  return dataset;
}

function validationReview(spec: ValidateCaseSpec): Obj {
  const obj = spec.object as Obj;
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  // The API server fills a namespaced object's namespace from the request before any webhook runs.
  if (isObj(obj.metadata) && meta.namespace === undefined) meta.namespace = 'default';
  const av = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const slash = av.lastIndexOf('/');
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'differential',
      kind: { group: slash < 0 ? '' : av.slice(0, slash), version: av.slice(slash + 1), kind },
      resource: { group: slash < 0 ? '' : av.slice(0, slash), version: av.slice(slash + 1), resource: `${kind.toLowerCase()}s` },
      namespace: typeof meta.namespace === 'string' ? meta.namespace : 'default',
      name: typeof meta.name === 'string' ? meta.name : '',
      operation: 'CREATE',
      userInfo: {},
      object: obj,
    },
  };
}

async function runValidateCase(batch: OracleBatch, seed: number, index: number, spec: ValidateCaseSpec): Promise<Difference[]> {
  const review = validationReview(spec);
  const a = await batch.ask({ verb: 'validate', review });
  const resp = isObj(a.body) && isObj(a.body.response) ? a.body.response : undefined;
  const ours = validateAdmission(review.request as Parameters<typeof validateAdmission>[0]);
  let summary: string | undefined;
  const istio = resp
    ? {
        allowed: resp.allowed === true,
        message: isObj(resp.status) && typeof resp.status.message === 'string' ? resp.status.message : undefined,
        warnings: Array.isArray(resp.warnings) ? (resp.warnings as string[]) : [],
      }
    : undefined;
  if (!istio) summary = `istio gave no answer: ${a.error ?? a.text ?? ''}`.slice(0, 300);
  else if (istio.allowed !== ours.allowed) summary = `allowed: istio ${istio.allowed} ours ${ours.allowed}: ${(istio.message ?? ours.message ?? '').slice(0, 240)}`;
  // Istio's multierrors over maps (labels, selectors) list in Go map order, which changes per call.
  else if (!istio.allowed && sortBullets(istio.message ?? '') !== sortBullets(ours.message ?? '') && !decodeErrorInMapOrder(spec.object, istio.message ?? '')) summary = `message: istio ${JSON.stringify(istio.message)} ours ${JSON.stringify(ours.message)}`;
  else if (istio.allowed && canonical(istio.warnings) !== canonical(ours.warnings)) summary = `warnings: istio ${JSON.stringify(istio.warnings)} ours ${JSON.stringify(ours.warnings)}`;
  if (!summary) return [];
  return [
    {
      kind: 'validate', seed, index, path: 'validate', summary, spec: { kind: 'validate', validate: spec },
      files: {
        'input.yaml': toYaml(spec.object),
        'case.json': `${JSON.stringify({ seed, index, source: spec.source, mutations: spec.mutations }, null, 2)}\n`,
        'istio.json': `${JSON.stringify(istio ?? a, null, 2)}\n`,
        'ours.json': `${JSON.stringify(ours, null, 2)}\n`,
      },
    },
  ];
}

// ---------------------------------------------------------------- the run

export interface RunOptions {
  seed: number;
  count: number;
  kinds: readonly Kind[];
  /** Run only this case index (to replay a reproducer). */
  only?: number;
  progress?: (kind: Kind, done: number) => void;
}

export interface RunResult {
  tallies: Record<Kind, Tally>;
  differences: Difference[];
}

export async function runDifferential(batch: OracleBatch, opts: RunOptions): Promise<RunResult> {
  const tallies: Record<Kind, Tally> = { inject: { agree: 0, differ: 0 }, validate: { agree: 0, differ: 0 } };
  const differences: Difference[] = [];
  for (const kind of opts.kinds) {
    const indexes = opts.only !== undefined ? [opts.only] : Array.from({ length: opts.count }, (_, i) => i);
    let done = 0;
    for (const index of indexes) {
      const rng = new Rng(caseSeed(opts.seed + (kind === 'inject' ? 0 : 7919), index));
      const d =
        kind === 'inject'
          ? await runInjectCase(batch, opts.seed, index, generateInjectCase(rng))
          : await runValidateCase(batch, opts.seed, index, generateValidateCase(rng, validDataset()));
      if (d.length === 0) tallies[kind].agree++;
      else tallies[kind].differ++;
      differences.push(...d);
      opts.progress?.(kind, ++done);
    }
  }
  return { tallies, differences };
}

// ---------------------------------------------------------------- minimising

/**
 * One cause, one key: the path and the summary with numbers blurred; quoted output lines blurred
 * (they change with everything around them), but the words of an error message kept, with the
 * values quoted inside it blurred.
 */
export function differenceKey(d: Pick<Difference, 'path' | 'summary'>): string {
  const blurred = /^(message|error text|allowed|Istio fails|we fail)/.test(d.summary)
    ? d.summary
        .replace(/unknown value \\".*?\\" for enum/g, 'unknown value \\"…\\" for enum')
        .replace(/\\"[^"\\]*\\"/g, '\\"…\\"')
        .replace(/'[^']*'/g, "'…'")
    : d.summary.replace(/"[^"]*"/g, '"…"');
  return `${d.path}: ${blurred.replace(/\d+/g, 'N').slice(0, 200)}`;
}

type Step = (string | number)[];

/** Every removable place of a JSON value, shallow ones first (removing a big subtree early saves runs). */
function removablePaths(v: unknown): Step[] {
  const out: Step[] = [];
  let level: Array<{ at: Step; v: unknown }> = [{ at: [], v }];
  while (level.length > 0) {
    const next: typeof level = [];
    for (const { at, v: x } of level) {
      const entries: Array<[string | number, unknown]> = Array.isArray(x) ? x.map((e, i) => [i, e]) : isObj(x) ? Object.entries(x) : [];
      for (const [k, child] of entries) {
        const step = [...at, k];
        // Without apiVersion, kind or a name no case gets as far as the difference.
        if (!(at.length === 0 && (k === 'apiVersion' || k === 'kind')) && !(at.length === 1 && at[0] === 'metadata' && k === 'name')) out.push(step);
        next.push({ at: step, v: child });
      }
    }
    level = next;
  }
  return out;
}

function without(v: unknown, at: Step): unknown {
  const copy = structuredClone(v);
  let parent: unknown = copy;
  for (const k of at.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[k];
  const last = at[at.length - 1]!;
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete (parent as Obj)[last];
  return copy;
}

function caseOf(d: Difference): unknown {
  return d.spec.kind === 'inject' ? d.spec.inject.workload : d.spec.validate.object;
}

async function rerun(batch: OracleBatch, d: Difference, spec: Difference['spec']): Promise<Difference | undefined> {
  const found =
    spec.kind === 'inject'
      ? await runInjectCase(batch, d.seed, d.index, spec.inject)
      : await runValidateCase(batch, d.seed, d.index, spec.validate);
  const key = differenceKey(d);
  return found.find((f) => f.path === d.path && differenceKey(f) === key);
}

/**
 * A smaller case with the same difference: greedy removal of fields, list items, annotations and
 * containers (shallow first), then plainer settings (base variant, no re-injection, /inject), each
 * kept when the same kind of difference (differenceKey) persists. At most maxRuns re-runs of the case.
 */
export async function minimise(batch: OracleBatch, d: Difference, maxRuns = 60): Promise<Difference> {
  let best = d;
  let spec = d.spec;
  let runs = 0;
  const removed: string[] = [];
  const attempt = async (candidate: Difference['spec'], what: string): Promise<boolean> => {
    if (runs >= maxRuns) return false;
    runs++;
    const hit = await rerun(batch, d, candidate);
    if (!hit) return false;
    best = hit;
    spec = candidate;
    removed.push(what);
    return true;
  };
  if (spec.kind === 'inject') {
    const plain: Array<[Partial<InjectCaseSpec>, string]> = [[{ variant: 0 }, 'settings variant'], [{ reinject: false }, 're-injection'], [{ path: '/inject' }, 'cluster/network path']];
    for (const [change, what] of plain) {
      const cur = (spec as { inject: InjectCaseSpec }).inject;
      if (Object.entries(change).every(([k, v]) => cur[k as keyof InjectCaseSpec] === v)) continue;
      await attempt({ kind: 'inject', inject: { ...cur, ...change } }, what);
    }
  }
  let skip = 0;
  for (;;) {
    const paths = removablePaths(caseOf({ ...d, spec }));
    let accepted = false;
    for (let i = skip; i < paths.length && runs < maxRuns; i++) {
      const smaller = without(caseOf({ ...d, spec }), paths[i]!);
      const candidate: Difference['spec'] =
        spec.kind === 'inject' ? { kind: 'inject', inject: { ...spec.inject, workload: smaller as Obj } } : { kind: 'validate', validate: { ...spec.validate, object: smaller as ValidateCaseSpec['object'] } };
      if (await attempt(candidate, paths[i]!.join('.'))) {
        // Paths before i were tried and kept the difference away; go on from here in the smaller case.
        skip = i;
        accepted = true;
        break;
      }
    }
    if (!accepted || runs >= maxRuns) break;
  }
  return { ...best, minimised: { removed, runs } };
}

/**
 * Minimise the first `perKind` differences of each kind of difference (differenceKey); the others
 * point at their kind's minimal reproducer. Bounded: at most maxRuns re-runs per minimised case.
 */
export async function minimiseAll(batch: OracleBatch, diffs: readonly Difference[], perKind = 1, maxRuns = 60): Promise<Difference[]> {
  const done = new Map<string, number>();
  const out: Difference[] = [];
  for (const d of diffs) {
    const key = differenceKey(d);
    const n = done.get(key) ?? 0;
    done.set(key, n + 1);
    out.push(n < perKind ? await minimise(batch, d, maxRuns) : d);
  }
  return out;
}

function reproducerName(d: Difference): string {
  return `${d.kind}-s${d.seed}-${String(d.index).padStart(5, '0')}-${d.path}`;
}

/**
 * Write each difference as a folder of files: <dir>/<kind>-<seed>-<index>-<path>/. A minimised one has
 * the smaller case's files (input.yaml is the minimal input); the others name the minimal
 * reproducer of their kind of difference in SUMMARY.
 */
export function writeReproducers(dir: string, diffs: readonly Difference[]): void {
  const minimal = new Map<string, string>();
  for (const d of diffs) if (d.minimised && !minimal.has(differenceKey(d))) minimal.set(differenceKey(d), reproducerName(d));
  for (const d of diffs) {
    const sub = join(dir, reproducerName(d));
    mkdirSync(sub, { recursive: true });
    for (const [name, text] of Object.entries(d.files)) writeFileSync(join(sub, name), text);
    const lines = [d.summary, `replay (the whole generated case): npm run differential -- --kind ${d.kind} --seed ${d.seed} --case ${d.index}`];
    if (d.minimised) {
      lines.push(`minimised in ${d.minimised.runs} re-runs; input.yaml is the smallest case found with this difference; removed: ${d.minimised.removed.join(', ') || 'nothing'}`);
    } else {
      const m = minimal.get(differenceKey(d));
      lines.push(m ? `not minimised; the minimal reproducer of this kind of difference is ${m}` : 'not minimised');
    }
    writeFileSync(join(sub, 'SUMMARY'), `${lines.join('\n')}\n`);
  }
}
