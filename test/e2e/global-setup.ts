import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { alive, binary, down, paths, readState, up } from '../cluster/control-plane.js';
import { CRD_FILE, deploy } from '../cluster/deploy.js';

/**
 * Brings up the real control plane and the locally running webhook once for the e2e project, unless a tool
 * it needs is missing, in which case every e2e test is skipped with one loud banner (never silently).
 * A cluster someone started by hand is reused and left running; one started here is stopped at the end.
 */
function missingTool(): string | undefined {
  for (const [tool, args] of [
    ['go', ['version']],
    ['openssl', ['version']],
  ] as const) {
    if (spawnSync(tool, args, { stdio: 'ignore' }).status !== 0) return tool;
  }
  if (!existsSync(CRD_FILE())) return `the conformance corpus (${CRD_FILE()})`;
  return undefined;
}

function banner(text: string): void {
  const line = '!'.repeat(78);
  process.stderr.write(`\n${line}\n!! ${text}\n${line}\n\n`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const missing = missingTool();
  if (missing !== undefined) {
    banner(`e2e SKIPPED: ${missing} is not available, so no real control plane can run`);
    project.provide('e2eSkip', `${missing} is not available`);
    return async () => {};
  }
  const before = readState(paths());
  const wasRunning = before !== undefined && alive(before.pids['kube-apiserver'], binary());
  // kubectl comes from the same pinned build (test/cluster), not from the machine.
  const p = await up();
  const { port } = await deploy();
  project.provide('e2eSkip', '');
  project.provide('e2eKubeconfig', p.kubeconfig);
  project.provide('e2eWebhookPort', port);
  return async () => {
    if (!wasRunning && process.env['MESH_ADMISSION_E2E_KEEP'] !== '1') await down();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2eSkip: string;
    e2eKubeconfig: string;
    e2eWebhookPort: number;
  }
}
