/**
 * The Kubernetes layer the injector and kube-inject build on: Go-compatible YAML in and out,
 * strategic merge patch and the typed JSON round trip.
 *
 *   yaml-parse.ts   sigs.k8s.io/yaml.YAMLToJSON (yaml.v2 rules); yaml-fast.ts is its fast path
 *   yaml-print.ts   sigs.k8s.io/yaml.Marshal byte for byte
 *   quantity.ts     resource.Quantity parse / canonical text
 *   gotypes*.ts     field table of the Go types (json names, omitempty, patch strategy / merge key)
 *   normalize.ts    json.Marshal(json.Unmarshal(v)) as a Go type; go-json.ts gives Go's exact bytes
 *   smp.ts          strategic merge patch with Go's result ordering
 */
import { normalizeAs } from './normalize.js';
import { printYaml } from './yaml-print.js';

export { K8sError, type K8sErrorKind } from './errors.js';
export { goJsonString, marshalAs } from './go-json.js';
export { goTypeForKind, resolveTypeName } from './gotypes.js';
export { cloneJson, isJsonObject, type JsonObject, type JsonPrimitive, type JsonValue } from './json.js';
export { normalizeAs } from './normalize.js';
export { canonicalQuantity, formatQuantity, parseQuantity, type Quantity } from './quantity.js';
export { strategicMerge } from './smp.js';
export { parseYamlDocument, parseYamlDocuments } from './yaml-parse.js';
export { printYaml } from './yaml-print.js';

/** kube-inject's output for one handled workload: typed round trip, then sigs.k8s.io/yaml. */
export function printAsGoType(typeName: string, value: unknown): string {
  return printYaml(normalizeAs(typeName, value));
}
