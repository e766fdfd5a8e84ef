import { goJsonSortedKeys, goJsonString } from '../../go/json.js';
import { atoi, parseBool } from '../../go/strconv.js';
import {
  annotationsOf,
  clonePod,
  containerList,
  findSidecar,
  isRecord,
  objectList,
  PROXY_CONTAINER,
  type Container,
  type EnvVar,
  type GRPCAction,
  type HTTPGetAction,
  type HTTPHeader,
  type IntOrString,
  type LifecycleHandler,
  type Pod,
  type Probe,
  type TCPSocketAction,
} from './pod.js';

/** The env pilot-agent reads to serve the app's probes on its status port. */
export const KUBE_APP_PROBERS_ENV = 'ISTIO_KUBE_APP_PROBERS';
export const REWRITE_PROBERS_ANNOTATION = 'sidecar.istio.io/rewriteAppHTTPProbers';
export const STATUS_PORT_ANNOTATION = 'status.sidecar.istio.io/port';
const STATUS_ANNOTATION = 'sidecar.istio.io/status';

/** One entry of ISTIO_KUBE_APP_PROBERS (Istio's `inject.Prober`). */
export interface AppProber {
  httpGet?: HTTPGetAction;
  tcpSocket?: TCPSocketAction;
  grpc?: GRPCAction;
  timeoutSeconds?: number;
}

/** pilot-agent's URL scheme for the probes it takes over (status.FormatProberURL). */
export function proberUrls(container: string) {
  return {
    readyz: `/app-health/${container}/readyz`,
    livez: `/app-health/${container}/livez`,
    startupz: `/app-health/${container}/startupz`,
    prestopz: `/app-lifecycle/${container}/prestopz`,
    poststartz: `/app-lifecycle/${container}/poststartz`,
  };
}

/**
 * Istio's annotation-over-values switch: a parseable `sidecar.istio.io/rewriteAppHTTPProbers`
 * wins, anything unparseable falls back to values.sidecarInjectorWebhook.rewriteAppHTTPProbe.
 */
export function shouldRewriteAppHTTPProbers(
  annotations: Record<string, string> | undefined,
  valuesDefault: boolean,
): boolean {
  const v = annotations?.[REWRITE_PROBERS_ANNOTATION];
  if (typeof v === 'string') {
    const parsed = parseBool(v);
    if (parsed.ok) return parsed.value;
  }
  return valuesDefault;
}

// ---- Go-shaped JSON of a prober: struct field order and omitempty exactly as corev1 tags say ----

function marshalIntOrString(v: IntOrString | undefined): string {
  if (typeof v === 'string') return goJsonString(v);
  return String(typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function marshalHeaders(headers: HTTPHeader[]): string {
  return `[${headers.map((h) => `{"name":${goJsonString(str(h.name))},"value":${goJsonString(str(h.value))}}`).join(',')}]`;
}

function marshalHTTPGet(a: HTTPGetAction): string {
  const parts: string[] = [];
  if (str(a.path) !== '') parts.push(`"path":${goJsonString(str(a.path))}`);
  parts.push(`"port":${marshalIntOrString(a.port)}`);
  if (str(a.host) !== '') parts.push(`"host":${goJsonString(str(a.host))}`);
  if (str(a.scheme) !== '') parts.push(`"scheme":${goJsonString(str(a.scheme))}`);
  const headers = objectList<HTTPHeader>(a.httpHeaders);
  if (headers.length > 0) parts.push(`"httpHeaders":${marshalHeaders(headers)}`);
  return `{${parts.join(',')}}`;
}

function marshalTCPSocket(a: TCPSocketAction): string {
  const parts = [`"port":${marshalIntOrString(a.port)}`];
  if (str(a.host) !== '') parts.push(`"host":${goJsonString(str(a.host))}`);
  return `{${parts.join(',')}}`;
}

function marshalGRPC(a: GRPCAction): string {
  const port = typeof a.port === 'number' ? Math.trunc(a.port) : 0;
  // `service` has no omitempty in corev1, so an unset service is written as null.
  const service = typeof a.service === 'string' ? goJsonString(a.service) : 'null';
  const parts = [`"port":${port}`, `"service":${service}`];
  if (str(a.mode) !== '') parts.push(`"mode":${goJsonString(str(a.mode))}`);
  return `{${parts.join(',')}}`;
}

export function marshalAppProber(p: AppProber | null): string {
  if (p === null) return 'null';
  const parts: string[] = [];
  if (p.httpGet) parts.push(`"httpGet":${marshalHTTPGet(p.httpGet)}`);
  if (p.tcpSocket) parts.push(`"tcpSocket":${marshalTCPSocket(p.tcpSocket)}`);
  if (p.grpc) parts.push(`"grpc":${marshalGRPC(p.grpc)}`);
  if (typeof p.timeoutSeconds === 'number' && p.timeoutSeconds !== 0) {
    parts.push(`"timeoutSeconds":${Math.trunc(p.timeoutSeconds)}`);
  }
  return `{${parts.join(',')}}`;
}

/** Go json.Marshal of map[string]*Prober: keys sorted bytewise. */
export function marshalAppProbers(probers: ReadonlyMap<string, AppProber | null>): string {
  const keys = goJsonSortedKeys(probers.keys());
  return `{${keys.map((k) => `${goJsonString(k)}:${marshalAppProber(probers.get(k) ?? null)}`).join(',')}}`;
}

// ---- reading probes off containers ----

function probeToProber(probe: Probe | null | undefined): AppProber | undefined {
  if (!isRecord(probe)) return undefined;
  const timeoutSeconds = typeof probe.timeoutSeconds === 'number' ? probe.timeoutSeconds : undefined;
  if (isRecord(probe.httpGet)) return { httpGet: structuredClone(probe.httpGet), timeoutSeconds };
  if (isRecord(probe.tcpSocket)) return { tcpSocket: structuredClone(probe.tcpSocket), timeoutSeconds };
  if (isRecord(probe.grpc)) return { grpc: structuredClone(probe.grpc), timeoutSeconds };
  return undefined;
}

/** Lifecycle hooks carry no timeout, and only httpGet/tcpSocket are taken over. */
function handlerToProber(h: LifecycleHandler | null | undefined): AppProber | undefined {
  if (!isRecord(h)) return undefined;
  if (isRecord(h.httpGet)) return { httpGet: structuredClone(h.httpGet) };
  if (isRecord(h.tcpSocket)) return { tcpSocket: structuredClone(h.tcpSocket) };
  return undefined;
}

/**
 * Named ports become the container's port number; a name the container does not declare drops
 * the prober (the agent could not reach it), and so does a port already equal to the status port
 * (the probe was rewritten by an earlier injection). gRPC ports are always numeric.
 */
function resolvePort(p: AppProber | undefined, portMap: Map<string, number>, statusPort: number): AppProber | undefined {
  if (!p) return undefined;
  if (p.grpc) return p;
  const action = p.httpGet ?? p.tcpSocket;
  if (!action) return undefined;
  const port = action.port;
  if (typeof port === 'string') {
    const resolved = portMap.get(port);
    if (resolved === undefined) return undefined;
    action.port = resolved;
  } else if ((typeof port === 'number' ? port : 0) === statusPort) {
    return undefined;
  }
  return p;
}

function collectProbers(pod: Pod, statusPort: number): Map<string, AppProber> {
  const out = new Map<string, AppProber>();
  const all = [...containerList(pod.spec?.initContainers), ...containerList(pod.spec?.containers)];
  for (const c of all) {
    if (c.name === PROXY_CONTAINER) continue;
    const urls = proberUrls(str(c.name));
    const portMap = new Map<string, number>();
    for (const p of objectList<{ name?: unknown; containerPort?: unknown }>(c.ports)) {
      if (typeof p.name === 'string' && p.name !== '') {
        portMap.set(p.name, typeof p.containerPort === 'number' ? p.containerPort : 0);
      }
    }
    const put = (key: string, p: AppProber | undefined) => {
      const resolved = resolvePort(p, portMap, statusPort);
      if (resolved) out.set(key, resolved);
    };
    put(urls.readyz, probeToProber(c.readinessProbe));
    put(urls.livez, probeToProber(c.livenessProbe));
    put(urls.startupz, probeToProber(c.startupProbe));
    if (isRecord(c.lifecycle)) {
      put(urls.prestopz, handlerToProber(c.lifecycle.preStop));
      put(urls.poststartz, handlerToProber(c.lifecycle.postStart));
    }
  }
  return out;
}

/**
 * Istio's DumpAppProbers: the ISTIO_KUBE_APP_PROBERS value for every non-proxy container and
 * init container, or undefined when there is nothing to take over. `statusPort` is the mesh
 * default (meshConfig.defaultConfig.statusPort), as in Istio — not the pod annotation.
 */
export function dumpAppProbers(pod: Pod, statusPort: number): string | undefined {
  const probers = collectProbers(pod, statusPort);
  return probers.size === 0 ? undefined : marshalAppProbers(probers);
}

// ---- decoding an existing ISTIO_KUBE_APP_PROBERS (re-injection) ----

function isIntOrString(v: unknown): v is IntOrString {
  return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
}

function decodeAction<T extends HTTPGetAction | TCPSocketAction>(v: unknown): T | null | undefined | 'bad' {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) return 'bad';
  if (v.port !== undefined && !isIntOrString(v.port)) return 'bad';
  return v as T;
}

/** Parse like Go's json.Unmarshal into map[string]*Prober; undefined when Go would fail. */
export function parseAppProbers(json: string): Map<string, AppProber | null> | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return undefined;
  }
  const out = new Map<string, AppProber | null>();
  if (doc === null) return out;
  if (!isRecord(doc)) return undefined;
  for (const [k, v] of Object.entries(doc)) {
    if (v === null) {
      out.set(k, null);
      continue;
    }
    if (!isRecord(v)) return undefined;
    const p: AppProber = {};
    const httpGet = decodeAction<HTTPGetAction>(v.httpGet);
    const tcpSocket = decodeAction<TCPSocketAction>(v.tcpSocket);
    if (httpGet === 'bad' || tcpSocket === 'bad') return undefined;
    if (httpGet) p.httpGet = httpGet;
    if (tcpSocket) p.tcpSocket = tcpSocket;
    if (v.grpc !== undefined && v.grpc !== null) {
      if (!isRecord(v.grpc)) return undefined;
      p.grpc = v.grpc as GRPCAction;
    }
    if (v.timeoutSeconds !== undefined && v.timeoutSeconds !== null) {
      if (typeof v.timeoutSeconds !== 'number' || !Number.isInteger(v.timeoutSeconds)) return undefined;
      p.timeoutSeconds = v.timeoutSeconds;
    }
    out.set(k, p);
  }
  return out;
}

/**
 * Istio's mergeOrAppendProbers. First injection appends. On re-injection the existing value is
 * merged with the new one and existing entries win (they hold the original ports, which the
 * already-rewritten probes no longer show); an unreadable existing value is left as it is.
 */
export function mergeOrAppendProbers(previouslyInjected: boolean, env: readonly EnvVar[], probers: string): EnvVar[] {
  // Entries are replaced, never edited, so the list can share them (frozen template parts stay frozen).
  const out = [...env];
  if (!previouslyInjected) return [...out, { name: KUBE_APP_PROBERS_ENV, value: probers }];
  const idx = out.findIndex((e) => e.name === KUBE_APP_PROBERS_ENV);
  if (idx < 0) return [...out, { name: KUBE_APP_PROBERS_ENV, value: probers }];
  const existing = parseAppProbers(str(out[idx]!.value));
  const fresh = parseAppProbers(probers);
  if (!existing || !fresh) return out;
  for (const [k, v] of existing) fresh.set(k, v);
  out[idx] = { name: KUBE_APP_PROBERS_ENV, value: marshalAppProbers(fresh) };
  return out;
}

// ---- rewriting the probes themselves ----

function rewriteAction(action: HTTPGetAction, path: string, port: number): HTTPGetAction {
  const out: HTTPGetAction = { ...action, path, port };
  // kubelet speaks plain HTTP to the agent; the agent speaks HTTPS to the app if it must.
  if (out.scheme === 'HTTPS') out.scheme = 'HTTP';
  return out;
}

function convertProbe<T extends Probe | LifecycleHandler>(probe: T, path: string, port: number, allowGrpc: boolean): T {
  if (isRecord(probe.httpGet)) return { ...probe, httpGet: rewriteAction(probe.httpGet, path, port) };
  if (isRecord(probe.tcpSocket)) {
    const { tcpSocket: _dropped, ...rest } = probe;
    return { ...rest, httpGet: { path, port } } as T;
  }
  if (allowGrpc && isRecord((probe as Probe).grpc)) {
    const { grpc: _dropped, ...rest } = probe as Probe;
    return { ...rest, httpGet: { path, port } } as T;
  }
  return probe;
}

function rewriteContainer(c: Container, port: number): void {
  const urls = proberUrls(str(c.name));
  if (isRecord(c.readinessProbe)) c.readinessProbe = convertProbe(c.readinessProbe, urls.readyz, port, true);
  if (isRecord(c.livenessProbe)) c.livenessProbe = convertProbe(c.livenessProbe, urls.livez, port, true);
  if (isRecord(c.startupProbe)) c.startupProbe = convertProbe(c.startupProbe, urls.startupz, port, true);
  if (isRecord(c.lifecycle)) {
    const lc = c.lifecycle;
    if (isRecord(lc.preStop)) lc.preStop = convertProbe(lc.preStop, urls.prestopz, port, false);
    if (isRecord(lc.postStart)) lc.postStart = convertProbe(lc.postStart, urls.poststartz, port, false);
  }
}

/**
 * The port kubelet should probe: the pod's status-port annotation, else the mesh default.
 * Istio keeps going with 0 when the annotation is not an integer (validation has normally
 * rejected such a pod already), so this does too.
 */
function rewritePort(annotations: Record<string, string>, defaultPort: number): number {
  const v = annotations[STATUS_PORT_ANNOTATION];
  if (typeof v !== 'string') return defaultPort;
  const parsed = atoi(v);
  return parsed.ok ? parsed.value : 0;
}

export interface ProbeRewriteOptions {
  /** meshConfig.defaultConfig.statusPort (15020 by default). */
  statusPort: number;
  /** The pod already carried `sidecar.istio.io/status`; defaults to checking the pod itself. */
  reinjected?: boolean;
  /**
   * values.sidecarInjectorWebhook.rewriteAppHTTPProbe. When given, the pod annotation / values
   * switch is applied here; when omitted the caller has already decided to rewrite.
   */
  rewriteAppHTTPProbe?: boolean;
}

/**
 * Istio's applyRewrite: record the app's probes in ISTIO_KUBE_APP_PROBERS on istio-proxy and point
 * every app probe and lifecycle hook at the agent (`httpGet <statusPort> /app-health/...`).
 * Does nothing without an istio-proxy container. Returns a new pod.
 */
export function applyProbeRewrite(pod: Pod, opts: ProbeRewriteOptions): Pod {
  const out = clonePod(pod);
  const sidecar = findSidecar(out);
  if (!sidecar) return out;
  const annotations = annotationsOf(out);
  if (opts.rewriteAppHTTPProbe !== undefined && !shouldRewriteAppHTTPProbers(annotations, opts.rewriteAppHTTPProbe)) {
    return out;
  }
  const probers = dumpAppProbers(out, opts.statusPort);
  if (probers !== undefined) {
    const reinjected = opts.reinjected ?? Object.hasOwn(annotations, STATUS_ANNOTATION);
    sidecar.env = mergeOrAppendProbers(reinjected, objectList<EnvVar>(sidecar.env), probers);
  }
  const port = rewritePort(annotations, opts.statusPort);
  for (const c of [...containerList(out.spec?.containers), ...containerList(out.spec?.initContainers)]) {
    if (c.name !== PROXY_CONTAINER) rewriteContainer(c, port);
  }
  return out;
}
