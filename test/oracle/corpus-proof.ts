import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TESTDATA, caseSettings, loadInjectCases, type InjectCase } from '../conformance/inject-cases.js';
import { OracleBatch, ensureOracle, type OracleSettings } from './oracle.js';

/**
 * Proof that the oracle harness is right: Istio's own code, fed each golden case's input and
 * settings, must print Istio's golden file (trimmed, byte for byte), and fail with the named error
 * for the error cases. Cases that need a simulated cluster (OpenShift namespaces, node versions)
 * cannot run through kube-inject's local path and are counted as not run.
 */
export interface ProofResult {
  reproduced: string[];
  differ: Array<{ name: string; detail: string }>;
  notRun: Array<{ name: string; why: string }>;
}

export function oracleSettingsFor(c: InjectCase): OracleSettings & { compliancePolicy: string } {
  const s = caseSettings(c);
  return { config: s.config, values: s.values, mesh: s.mesh, revision: '', native: s.nativeSidecars, compliancePolicy: s.compliancePolicy };
}

function firstDiff(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) return `line ${i + 1}: got ${JSON.stringify(al[i])} want ${JSON.stringify(bl[i])}`;
  }
  return 'differs';
}

export async function runCorpusProof(batch: OracleBatch): Promise<ProofResult> {
  const result: ProofResult = { reproduced: [], differ: [], notRun: [] };
  for (const c of loadInjectCases()) {
    if (!c.kubeInject) {
      result.notRun.push({ name: c.name, why: 'webhook-only case' });
      continue;
    }
    const s = caseSettings(c);
    if (s.openshift) {
      result.notRun.push({ name: c.name, why: 'needs the OpenShift platform flag and a namespace lister' });
      continue;
    }
    const input = readFileSync(join(TESTDATA, c.input), 'utf8');
    const ans = await batch.ask({ verb: 'kube-inject', settings: oracleSettingsFor(c), input });
    if (ans.error) {
      result.differ.push({ name: c.name, detail: `oracle: ${ans.error}` });
      continue;
    }
    if (c.error) {
      const err = ans.stderr ?? '';
      if (ans.code !== 0 && err.toLowerCase().includes(c.error.toLowerCase())) result.reproduced.push(c.name);
      else result.differ.push({ name: c.name, detail: `expected an error containing "${c.error}", got exit ${ans.code} ${err.slice(0, 200)}` });
      continue;
    }
    const golden = readFileSync(join(TESTDATA, c.golden!), 'utf8').trim();
    const got = (ans.stdout ?? '').trim();
    if (ans.code === 0 && got === golden) result.reproduced.push(c.name);
    else result.differ.push({ name: c.name, detail: ans.code !== 0 ? `exit ${ans.code}: ${(ans.stderr ?? '').slice(0, 300)}` : firstDiff(got, golden) });
  }
  return result;
}

// `npx tsx test/oracle/corpus-proof.ts [-v]`
if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const batch = new OracleBatch(ensureOracle().path);
  const r = await runCorpusProof(batch);
  await batch.close();
  if (process.argv.includes('-v')) {
    for (const d of r.differ) console.log(`DIFFER ${d.name}: ${d.detail}`);
    for (const n of r.notRun) console.log(`NOT RUN ${n.name}: ${n.why}`);
  }
  const total = r.reproduced.length + r.differ.length;
  console.log(`oracle reproduces ${r.reproduced.length} of ${total} kube-inject goldens (${r.notRun.length} cases not runnable offline)`);
}
