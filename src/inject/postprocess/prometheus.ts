import { admissionError } from '../../errors.js';
import { goJsonString } from '../../go/json.js';
import { atoi, goQuote, parseBool } from '../../go/strconv.js';
import { clonePod, findSidecar, objectList, type EnvVar, type Pod } from './pod.js';

export const PROMETHEUS_ANNOTATIONS_ENV = 'ISTIO_PROMETHEUS_ANNOTATIONS';
export const MERGE_METRICS_ANNOTATION = 'prometheus.istio.io/merge-metrics';
const SECURE_PORT_ENV = 'ENVOY_SECURE_MERGED_METRICS_PORT';

// Prometheus treats `prometheus.io/port`, `prometheus-io/port`, `prometheus.io.port`… alike
// because it sanitizes annotation names into label names; Istio matches on the sanitized form.
const SCRAPE = 'prometheus_io_scrape';
const PORT = 'prometheus_io_port';
const PATH = 'prometheus_io_path';
const SCRAPE_TARGETS = 'prometheus_istio_io_scrape_targets';
const SECURE_PORT = 'prometheus_istio_io_secure_port';
const MERGED_KEYS = new Set([SCRAPE, PORT, PATH, SCRAPE_TARGETS]);

/** Data-plane ports pilot-agent must never scrape (pilot-agent status.istioReservedPorts). */
export const ISTIO_RESERVED_PORTS: Readonly<Record<string, string>> = {
  '15000': 'Envoy admin',
  '15001': 'outbound traffic capture',
  '15004': 'pilot debug',
  '15006': 'inbound traffic capture',
  '15008': 'HBONE tunnel',
  '15020': 'pilot-agent status / merged Prometheus',
  '15021': 'Envoy health',
  '15053': 'DNS proxy',
  '15090': 'Envoy Prometheus (already merged)',
};

/** Prometheus `strutil.SanitizeLabelName`: every character outside [a-zA-Z0-9_] becomes `_`. */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/gu, '_');
}

export interface ScrapeTarget {
  port: string;
  path: string;
}

export interface ScrapeConfiguration {
  scrape: string;
  path: string;
  port: string;
  targets: ScrapeTarget[];
}

/** pilot-agent's ParseScrapeTargets: `port[:path],…`, path defaulting to /metrics. */
export function parseScrapeTargets(raw: string): ScrapeTarget[] | { error: string } {
  const targets: ScrapeTarget[] = [];
  for (const rawEntry of raw.split(',')) {
    const entry = rawEntry.trim();
    if (entry === '') continue;
    const colon = entry.indexOf(':');
    const port = (colon < 0 ? entry : entry.slice(0, colon)).trim();
    if (port === '') return { error: `empty port in scrape target ${goQuote(entry)}` };
    const pathPart = colon < 0 ? '' : entry.slice(colon + 1).trim();
    targets.push({ port, path: pathPart === '' ? '/metrics' : pathPart });
  }
  return targets;
}

/** Go json.Marshal of status.PrometheusScrapeConfiguration (field order; targets omitempty). */
export function marshalScrapeConfiguration(c: ScrapeConfiguration): string {
  let out = `{"scrape":${goJsonString(c.scrape)},"path":${goJsonString(c.path)},"port":${goJsonString(c.port)}`;
  if (c.targets.length > 0) {
    const ts = c.targets.map((t) => `{"port":${goJsonString(t.port)},"path":${goJsonString(t.path)}}`);
    out += `,"targets":[${ts.join(',')}]`;
  }
  return `${out}}`;
}

/**
 * Annotation entries in a fixed order. Istio walks a Go map, so when several spellings of one
 * annotation disagree its pick is random; sorting by name makes ours reproducible.
 */
/**
 * Every name this module matches sanitizes to `prometheus_…`, and sanitizing keeps letters as they
 * are, so only keys starting with "prometheus" can match: the others (a pod may have thousands of
 * annotations) are neither sorted nor sanitized.
 */
function mayMatch(key: string): boolean {
  return key.startsWith('prometheus');
}

/** The annotations that may match, in Go's sorted key order. */
function sortedEntries(annotations: Record<string, string>): [string, string][] {
  return Object.keys(annotations)
    .filter(mayMatch)
    .sort()
    .map((k) => [k, annotations[k]!] as [string, string]);
}

function scrapeEnabled(annotations: Record<string, string>): boolean {
  for (const [k, v] of sortedEntries(annotations)) {
    if (sanitizeLabelName(k) !== SCRAPE) continue;
    const parsed = parseBool(v);
    if (parsed.ok) return parsed.value;
  }
  return true;
}

function mergeEnabled(annotations: Record<string, string>, meshDefault: boolean): boolean {
  const v = annotations[MERGE_METRICS_ANNOTATION];
  if (typeof v === 'string') {
    const parsed = parseBool(v);
    if (parsed.ok) return parsed.value;
  }
  return meshDefault;
}

function scrapeConfiguration(annotations: Record<string, string>): ScrapeConfiguration {
  const cfg: ScrapeConfiguration = { scrape: '', path: '', port: '', targets: [] };
  for (const [k, v] of sortedEntries(annotations)) {
    switch (sanitizeLabelName(k)) {
      case PORT:
        cfg.port = v;
        break;
      case SCRAPE:
        cfg.scrape = v;
        break;
      case PATH:
        cfg.path = v;
        break;
      case SCRAPE_TARGETS: {
        // Istio only logs an unparseable target list and carries on without targets.
        const parsed = parseScrapeTargets(v);
        if (Array.isArray(parsed)) cfg.targets = parsed;
        break;
      }
    }
  }
  return cfg;
}

type PortCheck = 'invalid' | 'agent' | { reserved: string } | undefined;

function checkPort(port: string, agentPort: string): PortCheck {
  const n = atoi(port);
  if (!n.ok || n.value < 1 || n.value > 65535) return 'invalid';
  const canon = String(n.value);
  if (canon === agentPort) return 'agent';
  const reason = ISTIO_RESERVED_PORTS[canon];
  return reason === undefined ? undefined : { reserved: reason };
}

function validateScrape(cfg: ScrapeConfiguration, agentPort: string): void {
  if (cfg.targets.length > 0) {
    for (const t of cfg.targets) {
      const problem = checkPort(t.port, agentPort);
      if (problem === undefined) continue;
      const why =
        problem === 'invalid'
          ? `invalid target port ${goQuote(t.port)}`
          : problem === 'agent'
            ? `target port ${t.port} conflicts with agent port`
            : `target port ${t.port} is reserved for Istio (${problem.reserved}) and cannot be scraped`;
      throw admissionError('MA204_INVALID_PROMETHEUS_SCRAPE', 'targets', why);
    }
  } else if (cfg.port !== '') {
    const problem = checkPort(cfg.port, agentPort);
    if (problem === undefined) return;
    const why =
      problem === 'invalid'
        ? `invalid port ${goQuote(cfg.port)}`
        : problem === 'agent'
          ? `port ${cfg.port} conflicts with agent port`
          : `port ${cfg.port} is reserved for Istio (${problem.reserved}) and cannot be scraped`;
    throw admissionError('MA204_INVALID_PROMETHEUS_SCRAPE', 'configuration', why);
  }
}

export interface PrometheusMergeOptions {
  /** meshConfig.defaultConfig.statusPort: where the agent serves merged metrics. */
  statusPort: number;
  /** meshConfig.enablePrometheusMerge (Istio's default is true). */
  meshEnablePrometheusMerge: boolean;
}

/**
 * Istio's applyPrometheusMerge ("metrics merging"): hand the app's scrape settings to the agent in
 * ISTIO_PROMETHEUS_ANNOTATIONS and point every prometheus.io annotation at the agent. The
 * annotations are rewritten even when there is no istio-proxy (templates without a sidecar still
 * get them). A pod whose port already equals the status port is left alone: it was re-injected or
 * the user manages scraping. Throws MA204 with Istio's text for unusable ports.
 */
export function applyPrometheusMerge(pod: Pod, opts: PrometheusMergeOptions): Pod {
  const out = clonePod(pod);
  const annotations = out.metadata?.annotations ?? {};
  if (!scrapeEnabled(annotations) || !mergeEnabled(annotations, opts.meshEnablePrometheusMerge)) return out;
  const agentPort = String(opts.statusPort);
  const current = sortedEntries(annotations).find(([k]) => sanitizeLabelName(k) === PORT);
  if (current && current[1] === agentPort) return out;

  const cfg = scrapeConfiguration(annotations);
  if (cfg.targets.length > 0) {
    // Agents that predate multi-target scraping read only port/path, so they get the first target.
    cfg.port = cfg.targets[0]!.port;
    cfg.path = cfg.targets[0]!.path;
  }
  validateScrape(cfg, agentPort);

  const sidecar = findSidecar(out);
  const empty = cfg.scrape === '' && cfg.path === '' && cfg.port === '' && cfg.targets.length === 0;
  if (sidecar && !empty) {
    const env: EnvVar = { name: PROMETHEUS_ANNOTATIONS_ENV, value: marshalScrapeConfiguration(cfg) };
    sidecar.env = [...objectList<EnvVar>(sidecar.env), env];
  }
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotations)) {
    if (!mayMatch(k) || !MERGED_KEYS.has(sanitizeLabelName(k))) kept[k] = v;
  }
  kept['prometheus.io/port'] = agentPort;
  kept['prometheus.io/path'] = '/stats/prometheus';
  kept['prometheus.io/scrape'] = 'true';
  out.metadata = { ...(out.metadata ?? {}), annotations: kept };
  return out;
}

/**
 * Istio's applySecurePrometheusAnnotation: advertise the agent's TLS metrics port
 * (`prometheus.istio.io/secure-port`) when istio-proxy has ENVOY_SECURE_MERGED_METRICS_PORT set,
 * unless the user already chose one under any spelling.
 */
export function applySecurePrometheusAnnotation(pod: Pod): Pod {
  const out = clonePod(pod);
  const annotations = out.metadata?.annotations ?? {};
  if (Object.keys(annotations).some((k) => mayMatch(k) && sanitizeLabelName(k) === SECURE_PORT)) return out;
  const sidecar = findSidecar(out);
  if (!sidecar) return out;
  const env = objectList<EnvVar>(sidecar.env).find(
    (e) => e.name === SECURE_PORT_ENV && typeof e.value === 'string' && e.value !== '' && e.value !== '0',
  );
  if (!env) return out;
  out.metadata = {
    ...(out.metadata ?? {}),
    annotations: { ...annotations, 'prometheus.istio.io/secure-port': env.value as string },
  };
  return out;
}
