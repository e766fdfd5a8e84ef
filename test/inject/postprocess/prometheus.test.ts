import { describe, expect, it } from 'vitest';
import { AdmissionError } from '../../../src/errors.js';
import {
  applyPrometheusMerge,
  applySecurePrometheusAnnotation,
  parseScrapeTargets,
  sanitizeLabelName,
} from '../../../src/inject/postprocess/prometheus.js';
import type { EnvVar, Pod } from '../../../src/inject/postprocess/pod.js';

const opts = { statusPort: 15020, meshEnablePrometheusMerge: true };
const FORCED = { 'prometheus.io/port': '15020', 'prometheus.io/path': '/stats/prometheus', 'prometheus.io/scrape': 'true' };

function pod(annotations: Record<string, string> | undefined, proxyEnv?: EnvVar[], withProxy = true): Pod {
  return {
    metadata: { name: 'p', ...(annotations ? { annotations } : {}) },
    spec: { containers: [{ name: 'app' }, ...(withProxy ? [{ name: 'istio-proxy', ...(proxyEnv ? { env: proxyEnv } : {}) }] : [])] },
  };
}

const promEnv = (p: Pod) => p.spec?.containers?.[1]?.env?.find((e) => e.name === 'ISTIO_PROMETHEUS_ANNOTATIONS')?.value;

function thrown(fn: () => unknown): AdmissionError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AdmissionError) return e;
    throw e;
  }
  throw new Error('expected an AdmissionError');
}

describe('sanitizeLabelName / parseScrapeTargets', () => {
  it('sanitizes like Prometheus', () => {
    expect(sanitizeLabelName('prometheus.io/port')).toBe('prometheus_io_port');
    expect(sanitizeLabelName('prometheus-io.port')).toBe('prometheus_io_port');
    expect(sanitizeLabelName('é/x')).toBe('__x');
  });

  it('parses port[:path] lists', () => {
    expect(parseScrapeTargets(' 8080 , 9100:/custom ,, 9200: ')).toEqual([
      { port: '8080', path: '/metrics' },
      { port: '9100', path: '/custom' },
      { port: '9200', path: '/metrics' },
    ]);
    expect(parseScrapeTargets(':/x')).toEqual({ error: 'empty port in scrape target ":/x"' });
  });
});

describe('applyPrometheusMerge', () => {
  it('moves the user settings into the env and points every spelling at the agent', () => {
    const input = pod({ 'prometheus.io/port': '8080', 'prometheus-io/path': '/m', 'prometheus.io.scrape': 'true', keep: 'me' }, [
      { name: 'A', value: 'a' },
    ]);
    const before = structuredClone(input);
    const out = applyPrometheusMerge(input, opts);
    expect(input).toEqual(before);
    expect(out.metadata?.annotations).toEqual({ keep: 'me', ...FORCED });
    expect(out.spec?.containers?.[1]?.env).toEqual([
      { name: 'A', value: 'a' },
      { name: 'ISTIO_PROMETHEUS_ANNOTATIONS', value: '{"scrape":"true","path":"/m","port":"8080"}' },
    ]);
  });

  it('with no annotations adds only the forced ones and no env', () => {
    const out = applyPrometheusMerge(pod(undefined), opts);
    expect(out.metadata?.annotations).toEqual(FORCED);
    expect(out.spec?.containers?.[1]?.env).toBeUndefined();
  });

  it('rewrites annotations even without a sidecar', () => {
    const out = applyPrometheusMerge(pod({ 'prometheus.io/port': '9090' }, undefined, false), opts);
    expect(out.metadata?.annotations).toEqual(FORCED);
    expect(out.spec?.containers).toEqual([{ name: 'app' }]);
  });

  it('is skipped when scraping is off, merging is off, or the port is already the agent port', () => {
    const off = pod({ 'prometheus.io/scrape': 'false', 'prometheus.io/port': '8080' });
    expect(applyPrometheusMerge(off, opts)).toEqual(off);
    const noMerge = pod({ 'prometheus.io/port': '8080' });
    expect(applyPrometheusMerge(noMerge, { ...opts, meshEnablePrometheusMerge: false })).toEqual(noMerge);
    const annotationNo = pod({ 'prometheus.istio.io/merge-metrics': 'false', 'prometheus.io/port': '8080' });
    expect(applyPrometheusMerge(annotationNo, opts)).toEqual(annotationNo);
    const annotationYes = pod({ 'prometheus.istio.io/merge-metrics': 'true' });
    expect(applyPrometheusMerge(annotationYes, { ...opts, meshEnablePrometheusMerge: false }).metadata?.annotations).toEqual({
      'prometheus.istio.io/merge-metrics': 'true',
      ...FORCED,
    });
    const already = pod({ 'prometheus.io/port': '15020', 'prometheus.io/path': '/custom' });
    expect(applyPrometheusMerge(already, opts)).toEqual(already);
    // an unparseable scrape value does not turn scraping off
    expect(applyPrometheusMerge(pod({ 'prometheus.io/scrape': 'maybe' }), opts).metadata?.annotations).toEqual(FORCED);
  });

  it('uses scrape-targets, giving old agents the first one as port/path', () => {
    const out = applyPrometheusMerge(pod({ 'prometheus.istio.io/scrape-targets': '8080,9100:/custom', 'prometheus.io/port': '1234' }), opts);
    expect(promEnv(out)).toBe(
      '{"scrape":"","path":"/metrics","port":"8080","targets":[{"port":"8080","path":"/metrics"},{"port":"9100","path":"/custom"}]}',
    );
    expect(out.metadata?.annotations).toEqual(FORCED);
  });

  it("denies unusable ports with Istio's messages", () => {
    const cases: [Record<string, string>, string][] = [
      [{ 'prometheus.io/port': 'abc' }, 'invalid prometheus scrape configuration: invalid port "abc"'],
      [{ 'prometheus.io/port': '70000' }, 'invalid prometheus scrape configuration: invalid port "70000"'],
      [{ 'prometheus.io/port': '0' }, 'invalid prometheus scrape configuration: invalid port "0"'],
      [{ 'prometheus.io/port': '015020' }, 'invalid prometheus scrape configuration: port 015020 conflicts with agent port'],
      [
        { 'prometheus.io/port': '15090' },
        'invalid prometheus scrape configuration: port 15090 is reserved for Istio (Envoy Prometheus (already merged)) and cannot be scraped',
      ],
      [{ 'prometheus.istio.io/scrape-targets': '8080,x:/m' }, 'invalid prometheus scrape targets: invalid target port "x"'],
      [
        { 'prometheus.istio.io/scrape-targets': '15000' },
        'invalid prometheus scrape targets: target port 15000 is reserved for Istio (Envoy admin) and cannot be scraped',
      ],
    ];
    for (const [annotations, message] of cases) {
      const e = thrown(() => applyPrometheusMerge(pod(annotations), opts));
      expect(e.message).toBe(message);
      expect(e.code).toBe('MA204_INVALID_PROMETHEUS_SCRAPE');
    }
    const agent = thrown(() =>
      applyPrometheusMerge(pod({ 'prometheus.istio.io/scrape-targets': '9000' }), { ...opts, statusPort: 9000 }),
    );
    expect(agent.message).toBe('invalid prometheus scrape targets: target port 9000 conflicts with agent port');
  });

  it('ignores an unparseable scrape-targets list and falls back to the legacy port', () => {
    const out = applyPrometheusMerge(pod({ 'prometheus.istio.io/scrape-targets': ':/bad', 'prometheus.io/port': '8080' }), opts);
    expect(promEnv(out)).toBe('{"scrape":"","path":"","port":"8080"}');
  });
});

describe('applySecurePrometheusAnnotation', () => {
  it('advertises ENVOY_SECURE_MERGED_METRICS_PORT', () => {
    const out = applySecurePrometheusAnnotation(
      pod({ a: 'b' }, [
        { name: 'ENVOY_SECURE_MERGED_METRICS_PORT', value: '0' },
        { name: 'ENVOY_SECURE_MERGED_METRICS_PORT', value: '15022' },
      ]),
    );
    expect(out.metadata?.annotations).toEqual({ a: 'b', 'prometheus.istio.io/secure-port': '15022' });
  });

  it('respects a user choice in any spelling and needs the env and the sidecar', () => {
    const env = [{ name: 'ENVOY_SECURE_MERGED_METRICS_PORT', value: '15022' }];
    const user = pod({ 'prometheus-istio-io/secure-port': '1' }, env);
    expect(applySecurePrometheusAnnotation(user)).toEqual(user);
    const noEnv = pod({}, [{ name: 'ENVOY_SECURE_MERGED_METRICS_PORT', value: '' }]);
    expect(applySecurePrometheusAnnotation(noEnv)).toEqual(noEnv);
    const noProxy = pod({}, undefined, false);
    expect(applySecurePrometheusAnnotation(noProxy)).toEqual(noProxy);
  });
});
