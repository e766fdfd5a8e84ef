import { parseArgs } from 'node:util';
import { down, ensureBuilt, paths, up } from './control-plane.js';
import { SHORT_CERT_LIVES, deploy, type DeployOptions } from './deploy.js';

/** `deploy [--self-managed-certs [--cert-validity D] [--ca-validity D] [--ca-overlap D] [--cert-check-interval D]]` */
function deployOptions(args: string[]): DeployOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      'self-managed-certs': { type: 'boolean', default: false },
      'cert-validity': { type: 'string', default: SHORT_CERT_LIVES.certValidity },
      'ca-validity': { type: 'string', default: SHORT_CERT_LIVES.caValidity },
      'ca-overlap': { type: 'string', default: SHORT_CERT_LIVES.caOverlap },
      'cert-check-interval': { type: 'string', default: SHORT_CERT_LIVES.certCheckInterval },
    },
  });
  if (!values['self-managed-certs']) {
    if (args.length > 0) throw new Error('the certificate lives go with --self-managed-certs');
    return {};
  }
  return {
    selfManagedCerts: {
      certValidity: values['cert-validity'],
      caValidity: values['ca-validity'],
      caOverlap: values['ca-overlap'],
      certCheckInterval: values['cert-check-interval'],
    },
  };
}

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
    const { port } = await deploy(deployOptions(process.argv.slice(3)));
    process.stderr.write(`cluster: mesh-admission runs locally (log: ${paths().logs}/mesh-admission.log); webhook port:\n`);
    process.stdout.write(`${port}\n`);
  } else if (verb === 'down') {
    await down();
  } else {
    process.stderr.write('usage: npm run -s cluster -- build|up|deploy [--self-managed-certs [--cert-validity D] [--ca-validity D] [--ca-overlap D] [--cert-check-interval D]]|down\n');
    process.exit(2);
  }
} catch (e) {
  process.stderr.write(`cluster ${verb}: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
