import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { buildServer } from '../../src/server/app.js';
import { createMetrics } from '../../src/server/metrics.js';
import { compileInjectionSettings } from '../../src/inject/engine.js';
import { injectAdmission } from '../../src/inject/webhook.js';
import { kubeInject } from '../../src/inject/kube-inject.js';
import { applyPatch } from '../../src/inject/patch.js';
import { normalizeAs } from '../../src/k8s/normalize.js';
import type { InjectionSettings } from '../../src/inject/types.js';
import { TESTDATA, caseSettings, loadInjectCases, type InjectCase } from './inject-cases.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const TEST_NS_ANNOTATIONS = {
  'openshift.io/sa.scc.uid-range': '1000620000/10000',
  'openshift.io/sa.scc.supplemental-groups': '1000620000/10000',
};

const WORKLOADS = new Set(['Deployment', 'DeploymentConfig', 'DaemonSet', 'StatefulSet', 'Job', 'ReplicaSet', 'ReplicationController', 'CronJob', 'Pod']);

/** Replace parts of a case's settings, e.g. our own templates/config instead of Istio's. */
export interface SettingsOverride {
  config?: string;
  values?: string;
}

export function compileCaseSettings(c: InjectCase, revision: string, override: SettingsOverride = {}): InjectionSettings {
  const s = { ...caseSettings(c), ...override };
  return compileInjectionSettings(
    { config: s.config, values: s.values, mesh: s.mesh },
    { revision, nativeSidecars: s.nativeSidecars, compliancePolicy: s.compliancePolicy, env: {} },
  );
}

/** Split like Istio's test: on "\n---", expand Lists, keep the workload kinds. */
export function workloadDocs(text: string): Obj[] {
  const out: Obj[] = [];
  for (const part of text.split('\n---')) {
    if (part.trim() === '') continue;
    const docs = parseAllDocuments(part).map((d) => d.toJS() as unknown);
    for (const d of docs) {
      if (!isObj(d)) continue;
      if (d.kind === 'List' && Array.isArray(d.items)) {
        for (const item of d.items) if (isObj(item) && WORKLOADS.has(String(item.kind))) out.push(item);
      } else if (WORKLOADS.has(String(d.kind))) out.push(d);
    }
  }
  return out;
}

/** objectToPod of Istio's webhook test: the Pod the workload's controller would create. */
export function objectToPod(doc: Obj): Obj {
  if (doc.kind === 'Pod') return structuredClone(doc);
  const meta = isObj(doc.metadata) ? doc.metadata : {};
  const name = String(meta.name ?? '');
  const spec = isObj(doc.spec) ? doc.spec : {};
  const template = (doc.kind === 'CronJob'
    ? ((spec.jobTemplate as Obj)?.spec as Obj)?.template
    : spec.template) as Obj | undefined;
  const tmeta: Obj = structuredClone(isObj(template?.metadata) ? template!.metadata : {});
  const pod: Obj = { apiVersion: 'v1', kind: 'Pod', metadata: tmeta, spec: structuredClone(template?.spec ?? {}) };
  if (doc.kind === 'Deployment') {
    tmeta.generateName = `${name}-fake-`;
    tmeta.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-fake`, controller: true, uid: '' }];
    tmeta.labels = { ...(isObj(tmeta.labels) ? tmeta.labels : {}), 'pod-template-hash': 'fake' };
  } else {
    tmeta.generateName = name;
    tmeta.ownerReferences = [{ apiVersion: String(doc.apiVersion), kind: String(doc.kind), name, controller: true, uid: '' }];
  }
  return pod;
}

function normalizeForCompare(pod: Obj, clearFieldRefApiVersion: boolean): Obj {
  const p = normalizeAs('Pod', pod) as Obj;
  const meta = isObj(p.metadata) ? p.metadata : {};
  if (isObj(meta.annotations)) {
    delete meta.annotations['sidecar.istio.io/status'];
    if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
  }
  if (clearFieldRefApiVersion && isObj(p.spec) && Array.isArray(p.spec.containers)) {
    for (const c of p.spec.containers as Obj[]) {
      for (const e of (Array.isArray(c.env) ? c.env : []) as Obj[]) {
        const fr = isObj(e.valueFrom) && isObj(e.valueFrom.fieldRef) ? e.valueFrom.fieldRef : undefined;
        if (fr) delete fr.apiVersion;
      }
    }
  }
  return p;
}

export interface CaseOutcome {
  ok: boolean;
  detail?: string;
}

export function runKubeInjectCase(c: InjectCase, override: SettingsOverride = {}): CaseOutcome {
  const input = readFileSync(join(TESTDATA, c.input), 'utf8');
  let settings: InjectionSettings;
  try {
    settings = compileCaseSettings(c, '', override);
  } catch (e) {
    return { ok: false, detail: `settings: ${String(e)}` };
  }
  let out: { output: string; warnings: string[] };
  try {
    out = kubeInject(settings, input);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (c.error) return msg.toLowerCase().includes(c.error.toLowerCase()) ? { ok: true } : { ok: false, detail: `error "${msg}" lacks "${c.error}"` };
    return { ok: false, detail: `threw: ${msg}` };
  }
  if (c.error) return { ok: false, detail: `expected an error containing "${c.error}"` };
  if (c.log && !out.warnings.some((w) => w.includes(c.log!))) return { ok: false, detail: `no warning containing "${c.log}"` };
  const golden = readFileSync(join(TESTDATA, c.golden!), 'utf8');
  if (out.output.trim() === golden.trim()) return { ok: true };
  return { ok: false, detail: firstDiff(out.output.trim(), golden.trim()) };
}

function firstDiff(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) return `line ${i + 1}: got ${JSON.stringify(al[i])} want ${JSON.stringify(bl[i])}`;
  }
  return 'differs';
}

/** The webhook path through the real HTTP handler with a real AdmissionReview. */
export async function runWebhookCase(c: InjectCase, override: SettingsOverride = {}): Promise<CaseOutcome> {
  let settings: InjectionSettings;
  try {
    settings = compileCaseSettings(c, 'default', override);
  } catch (e) {
    return { ok: false, detail: `settings: ${String(e)}` };
  }
  const webhookOpts = {
    openshift: caseSettings(c).openshift,
    // The fake cluster's one namespace, as Istio's test sets it up.
    namespaceAnnotations: (ns: string) => (ns === 'test-ns' ? TEST_NS_ANNOTATIONS : undefined),
  };
  const app = buildServer({
    engines: { inject: (r, path) => injectAdmission(settings, r, path, webhookOpts), validate: () => ({ allowed: true, reason: 'valid' }) },
    metrics: createMetrics(new Registry(), false),
    logger: pino({ level: 'silent' }),
  });
  try {
    const inputs = workloadDocs(readFileSync(join(TESTDATA, c.input), 'utf8'));
    const goldens = workloadDocs(readFileSync(join(TESTDATA, c.golden!), 'utf8'));
    if (inputs.length === 0) return { ok: false, detail: 'no injectable document' };
    if (inputs.length !== goldens.length) return { ok: false, detail: `${inputs.length} inputs vs ${goldens.length} goldens` };
    for (const [i, doc] of inputs.entries()) {
      const pod = objectToPod(doc);
      const ns = isObj(doc.metadata) && typeof doc.metadata.namespace === 'string' ? doc.metadata.namespace : 'default';
      const res = await app.inject({
        method: 'POST',
        url: '/inject',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: `${c.name}-${i}`, kind: { group: '', version: 'v1', kind: 'Pod' }, operation: 'CREATE', namespace: ns, object: pod } }),
      });
      const response = (res.json() as { response: { allowed: boolean; patch?: string; status?: { message?: string } } }).response;
      if (!response.allowed) return { ok: false, detail: `denied: ${response.status?.message}` };
      let got = pod;
      if (response.patch) {
        try {
          got = applyPatch(pod, JSON.parse(Buffer.from(response.patch, 'base64').toString()));
        } catch (e) {
          return { ok: false, detail: `patch does not apply: ${String(e)}` };
        }
      }
      const want = normalizeForCompare(objectToPod(goldens[i]!), false);
      const have = normalizeForCompare(got, true);
      if (!isDeepStrictEqual(have, want)) return { ok: false, detail: `doc ${i}: ${jsonDiff(have, want)}` };
    }
    return { ok: true };
  } catch (e) {
    return { ok: false, detail: `threw: ${e instanceof Error ? e.stack : String(e)}` };
  } finally {
    await app.close();
  }
}

function jsonDiff(a: unknown, b: unknown, path = ''): string {
  if (isDeepStrictEqual(a, b)) return '';
  if (isObj(a) && isObj(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!isDeepStrictEqual(a[k], b[k])) return jsonDiff(a[k], b[k], `${path}/${k}`);
    }
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (!isDeepStrictEqual(a[i], b[i])) return jsonDiff(a[i], b[i], `${path}/${i}`);
    }
  }
  return `${path}: got ${JSON.stringify(a)?.slice(0, 300)} want ${JSON.stringify(b)?.slice(0, 300)}`;
}

export interface InjectConformance {
  kubeInject: Map<string, boolean>;
  webhook: Map<string, boolean>;
  details: Map<string, string>;
}

export async function runInjectConformance(): Promise<InjectConformance> {
  const result: InjectConformance = { kubeInject: new Map(), webhook: new Map(), details: new Map() };
  for (const c of loadInjectCases()) {
    if (c.kubeInject) {
      const o = runKubeInjectCase(c);
      result.kubeInject.set(c.name, o.ok);
      if (!o.ok && o.detail) result.details.set(`kube-inject ${c.name}`, o.detail);
    }
    if (c.webhook) {
      const o = await runWebhookCase(c);
      result.webhook.set(c.name, o.ok);
      if (!o.ok && o.detail) result.details.set(`webhook ${c.name}`, o.detail);
    }
  }
  return result;
}
