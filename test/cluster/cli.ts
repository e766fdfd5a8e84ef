import { down, ensureBuilt, paths, up } from './control-plane.js';
import { deploy } from './deploy.js';

/** `npm run -s cluster -- build|up|deploy|down`: the one interface people, CI and the e2e suite share. */
const verb = process.argv[2];
try {
  if (verb === 'build') {
    // Only the Go build: CI runs it beside the Istio oracle's build, before the tests need either.
    ensureBuilt();
  } else if (verb === 'up') {
    const p = await up();
    process.stdout.write(`KUBECONFIG=${p.kubeconfig}\n`);
  } else if (verb === 'deploy') {
    const { port } = await deploy();
    process.stderr.write(`cluster: mesh-admission runs locally (log: ${paths().logs}/mesh-admission.log); webhook port:\n`);
    process.stdout.write(`${port}\n`);
  } else if (verb === 'down') {
    await down();
  } else {
    process.stderr.write('usage: npm run -s cluster -- build|up|deploy|down\n');
    process.exit(2);
  }
} catch (e) {
  process.stderr.write(`cluster ${verb}: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
