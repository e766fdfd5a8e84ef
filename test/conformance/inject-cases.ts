import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { CONFORMANCE_DIR } from './corpus.js';

/** One row of Istio's TestInjection, from cases.yaml or auto-discovered. */
export interface InjectCase {
  name: string;
  input: string;
  golden?: string;
  values?: Record<string, unknown>;
  mesh?: Record<string, unknown>;
  overlay?: string;
  features?: Record<string, unknown>;
  error?: string;
  log?: string;
  kubeInject: boolean;
  webhook: boolean;
}

export const INJECT_DIR = join(CONFORMANCE_DIR, 'istio-inject');
export const TESTDATA = join(INJECT_DIR, 'testdata');

type Row = Record<string, unknown>;

export function loadInjectCases(): InjectCase[] {
  const rows = parseYaml(readFileSync(join(INJECT_DIR, 'cases.yaml'), 'utf8')) as Row[];
  const cases: InjectCase[] = [];
  const claimed = new Set<string>();
  for (const r of rows) {
    if (typeof r.input !== 'string') continue;
    const golden = typeof r.golden === 'string' ? r.golden : undefined;
    claimed.add(golden ?? `${r.input}.injected`);
    cases.push({
      name: golden ?? `${r.input} (error)`,
      input: r.input,
      golden,
      values: r.values as Record<string, unknown> | undefined,
      mesh: r.mesh as Record<string, unknown> | undefined,
      overlay: r.overlay as string | undefined,
      features: r.features as Record<string, unknown> | undefined,
      error: r.error as string | undefined,
      log: r.log as string | undefined,
      kubeInject: r.kubeInject !== false,
      webhook: r.webhook !== false && r.error === undefined,
    });
  }
  for (const file of readdirSync(TESTDATA).sort()) {
    if (file.endsWith('.iop.yaml') || !file.endsWith('.yaml')) continue;
    const golden = `${file}.injected`;
    if (claimed.has(golden) || !existsSync(join(TESTDATA, golden))) continue;
    cases.push({ name: golden, input: file, golden, kubeInject: true, webhook: true });
  }
  // Explicit rows may name the same golden twice (proxy-override-args); keep names unique.
  const seen = new Map<string, number>();
  for (const c of cases) {
    const n = seen.get(c.name) ?? 0;
    seen.set(c.name, n + 1);
    if (n > 0) c.name = `${c.name}#${n + 1}`;
  }
  return cases;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Set a dotted path in a values object, creating the objects on the way (Istio's --set style). */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = target;
  for (const p of parts.slice(0, -1)) {
    if (!isObj(cur[p])) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts.at(-1)!] = value;
}

/** Helm's value merge: maps merge, a user null deletes the default key, anything else replaces. */
function helmMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else if (isObj(v) && isObj(out[k])) out[k] = helmMerge(out[k] as Record<string, unknown>, v);
    else out[k] = v;
  }
  return out;
}

/**
 * settings/default/config.yaml carries templates from another Istio build than the goldens (its
 * sidecar adds a GOMAXPROCS env and trims the canonical name differently), while templates/ holds
 * the ones the goldens were made with. Use those for the four templates the corpus exercises.
 */
const SHIPPED_TEMPLATES: Record<string, string> = {
  sidecar: 'injection-template.yaml',
  gateway: 'gateway-injection-template.yaml',
  'grpc-simple': 'grpc-simple.yaml',
  'grpc-agent': 'grpc-agent.yaml',
};

function withShippedTemplates(configText: string): string {
  const doc = parseYaml(configText) as Row;
  const templates = isObj(doc.templates) ? { ...doc.templates } : {};
  for (const [name, file] of Object.entries(SHIPPED_TEMPLATES)) {
    templates[name] = readFileSync(join(INJECT_DIR, 'templates', file), 'utf8');
  }
  doc.templates = templates;
  return toYaml(doc, { lineWidth: 0 });
}

/** Istio's DetectNativeSidecar under ENABLE_NATIVE_SIDECARS=auto: every node's kubelet at 1.33 or later. */
function allNodesSupportNativeSidecars(versions: unknown): boolean {
  if (!Array.isArray(versions)) return true;
  return versions.every((v) => {
    const m = /^v?(\d+)\.(\d+)/.exec(String(v));
    return m !== null && (Number(m[1]) > 1 || Number(m[2]) >= 33);
  });
}

export interface CaseSettings {
  config: string;
  values: string;
  mesh: string;
  nativeSidecars: boolean;
  compliancePolicy: string;
  openshift: boolean;
}

/** The {config, values, mesh} triple a case runs with, derived from the frozen default render. */
export function caseSettings(c: InjectCase): CaseSettings {
  const dir = join(INJECT_DIR, 'settings/default');
  const configText = withShippedTemplates(readFileSync(join(dir, 'config.yaml'), 'utf8'));
  let values = JSON.parse(readFileSync(join(dir, 'values.json'), 'utf8')) as Record<string, unknown>;
  let mesh = (parseYaml(readFileSync(join(dir, 'mesh.yaml'), 'utf8')) ?? {}) as Record<string, unknown>;
  let config = configText;
  for (const [path, v] of Object.entries(c.values ?? {})) setPath(values, path, v);
  if (c.overlay) {
    const iop = parseYaml(readFileSync(join(TESTDATA, c.overlay), 'utf8')) as Row;
    const spec = isObj(iop.spec) ? iop.spec : {};
    if (isObj(spec.values)) values = helmMerge(values, spec.values);
    if (isObj(spec.meshConfig)) mesh = helmMerge(mesh, spec.meshConfig);
    const extra = isObj(spec.values) && isObj(spec.values.sidecarInjectorWebhook) ? spec.values.sidecarInjectorWebhook.templates : undefined;
    if (isObj(extra)) {
      const doc = parseYaml(configText) as Row;
      doc.templates = { ...(isObj(doc.templates) ? doc.templates : {}), ...extra };
      config = toYaml(doc, { lineWidth: 0 });
    }
  }
  for (const [path, v] of Object.entries(c.mesh ?? {})) setPath(mesh, path, v);
  const features = c.features ?? {};
  return {
    config,
    values: JSON.stringify(values),
    mesh: toYaml(mesh),
    nativeSidecars: features.ENABLE_NATIVE_SIDECARS !== false && allNodesSupportNativeSidecars(features.nodeKubeletVersions),
    compliancePolicy: typeof features.COMPLIANCE_POLICY === 'string' ? features.COMPLIANCE_POLICY : '',
    openshift: features.PLATFORM === 'openshift',
  };
}
