import { readFileSync } from 'node:fs';
import { parseTemplate, createFuncMap } from '../../src/gotemplate/index.js';
import { loadValues, sidecarTemplateData } from './istio-data.js';
const dir = '/work/shared/conformance';
const funcs = createFuncMap();
for (const f of ['injection-template.yaml', 'gateway-injection-template.yaml', 'grpc-agent.yaml', 'grpc-simple.yaml']) {
  try {
    const t = parseTemplate(readFileSync(`${dir}/istio-inject/templates/${f}`, 'utf8'), { name: 'inject', funcs });
    const out = t.execute(sidecarTemplateData(loadValues(dir), { annotations: { 'sidecar.istio.io/userVolume': '{"v1":{"emptyDir":{}}}' } }));
    if (f === process.argv[2]) console.log(out);
    console.log(f, 'OK', out.length);
  } catch (e) { console.log(f, 'ERR', (e as Error).message); }
}
