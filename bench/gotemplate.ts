/**
 * Median time to execute Istio's injection-template.yaml against a realistic data object.
 * Run: npx tsx bench/gotemplate.ts   (target: < 1 ms per execution)
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createFuncMap, parseTemplate } from '../src/gotemplate/index.js';
import { loadValues, sidecarTemplateData } from '../test/gotemplate/istio-data.js';

const conformance = resolve(process.env.MESH_ADMISSION_CONFORMANCE ?? join(import.meta.dirname, '../../shared/conformance'));
const text = readFileSync(join(conformance, 'istio-inject/templates/injection-template.yaml'), 'utf8');
const funcs = createFuncMap();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const parseTimes: number[] = [];
let tmpl = parseTemplate(text, { name: 'inject', funcs });
for (let i = 0; i < 50; i++) {
  const t0 = performance.now();
  tmpl = parseTemplate(text, { name: 'inject', funcs });
  parseTimes.push(performance.now() - t0);
}

const data = sidecarTemplateData(loadValues(conformance), {
  annotations: { 'sidecar.istio.io/proxyCPU': '200m', 'proxy.istio.io/config': '{}' },
  proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' },
});
for (let i = 0; i < 500; i++) tmpl.execute(data); // warm-up (JIT)
const times: number[] = [];
let bytes = 0;
for (let i = 0; i < 3000; i++) {
  const t0 = performance.now();
  bytes = tmpl.execute(data).length;
  times.push(performance.now() - t0);
}
const p99 = [...times].sort((a, b) => a - b)[Math.floor(times.length * 0.99)]!;
console.log(`parse injection-template.yaml: median ${median(parseTimes).toFixed(3)} ms`);
console.log(`execute injection-template.yaml (${bytes} bytes out): median ${median(times).toFixed(3)} ms, p99 ${p99.toFixed(3)} ms over ${times.length} runs`);
