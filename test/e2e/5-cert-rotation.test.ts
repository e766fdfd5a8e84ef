import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { splitPemCertificates } from '../../src/certs/generate.js';
import { PROJECT_ROOT, SERVER_JS, freePort, paths, type Paths } from '../cluster/control-plane.js';
import {
  SHORT_CERT_LIVES,
  applyWebhookConfigurations,
  deploymentArg,
  filesCaBundle,
  freshSelfManagedInstall,
  localServerArgs,
  renderManifests,
  waitForWebhooks,
  webhookConfigurations,
} from '../cluster/deploy.js';
import { apiRequest, createNamespace, deleteNamespace, describeE2e, eventually, getJson, kubectlRun, sleep, uniqueName, watchApi, type PodLike, type WatchEvent } from './kube.js';

/**
 * Scenario 5: self-managed certificates (`--cert-secret`) rotating under load, with kube-apiserver (a Go TLS
 * client) verifying every webhook call. A second mesh-admission process runs the Deployment's own flags with
 * lives of seconds (SHORT_CERT_LIVES) and takes over the manifests' two webhook configurations, created afresh
 * (no caBundle, validator at Ignore). While pods are created through the API server, the serving cert is renewed
 * and the CA rotated: no creation may fail, every pod must be injected, both caBundles must follow the CA, and the
 * validator must go Ignore→Fail only once its caBundle is in place (the self-check needs it). Afterwards the
 * configurations point at the shared process again, as `deploy` left them.
 */

interface WebhookConfig {
  metadata: { resourceVersion: string };
  webhooks: Array<{ failurePolicy?: string; clientConfig: { caBundle?: string } }>;
}

const MUTATING = 'mesh-admission';
const VALIDATING = 'mesh-admission-validator';
/** The serving cert may switch to the new CA after 25.5 + 8 s of the first CA's life; a minute more is a hang. */
const LOOP_CAP_MS = 75_000;

let p: Paths;
let objs: ReturnType<typeof renderManifests>;
let child: ChildProcess | undefined;
let ns = '';
const stops: Array<() => void> = [];

function stopServer(): void {
  // Its own process group (tsx runs node as a child): signal the group. No drain: nothing routes to it any more.
  if (child?.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  child = undefined;
}

/** The certificate a TLS client is shown on `port` right now. */
function servedCertificate(port: number): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const x = socket.getPeerX509Certificate();
      socket.destroy();
      if (x === undefined) reject(new Error('no peer certificate'));
      else resolve(x);
    });
    socket.on('error', reject);
  });
}

const bundleOf = (o: WebhookConfig): string[] => {
  const b = o.webhooks[0]?.clientConfig.caBundle;
  return b === undefined || b === '' ? [] : splitPemCertificates(Buffer.from(b, 'base64').toString('utf8'));
};
const signs = (ca: string, leaf: X509Certificate): boolean => {
  const x = new X509Certificate(ca);
  return leaf.checkIssued(x) && leaf.verify(x.publicKey);
};

/** Every state of a webhook configuration from its creation on, through a watch (no transient state is missed). */
function history(kind: 'mutatingwebhookconfigurations' | 'validatingwebhookconfigurations', name: string, created: WebhookConfig): Array<WatchEvent<WebhookConfig>> {
  const states: Array<WatchEvent<WebhookConfig>> = [{ type: 'CREATED', object: created, at: Date.now() }];
  const path = `/apis/admissionregistration.k8s.io/v1/${kind}?fieldSelector=metadata.name%3D${name}&resourceVersion=${created.metadata.resourceVersion}`;
  stops.push(watchApi<WebhookConfig>(path, (e) => states.push(e)));
  return states;
}

describeE2e('e2e 5: certificate rotation with --cert-secret under load', () => {
  beforeAll(async () => {
    p = paths();
    objs = renderManifests(p);
    ns = uniqueName('certrot');
    await createNamespace(ns, { 'istio-injection': 'enabled' });
  });

  afterAll(async () => {
    for (const stop of stops.splice(0)) stop();
    stopServer();
    if (objs === undefined) return;
    // Back to what `deploy` set up: the shared process, its port, its CA, the validator at Ignore.
    applyWebhookConfigurations(p, webhookConfigurations(objs, inject('e2eWebhookPort'), filesCaBundle(p)));
    const deployment = objs.find((o) => o.kind === 'Deployment')!;
    kubectlRun(['delete', 'secret', deploymentArg(deployment, '--cert-secret'), '-n', 'mesh-admission', '--ignore-not-found']);
    deleteNamespace(ns);
    await waitForWebhooks(p);
  });

  it('renews the serving cert and rotates the CA while pods are created: none fails, all injected, caBundles follow, validator promoted', async () => {
    const started = Date.now();
    const deployment = objs.find((o) => o.kind === 'Deployment')!;
    const port = await freePort();
    freshSelfManagedInstall(p, deployment, webhookConfigurations(objs, port, undefined));
    const mutating = history('mutatingwebhookconfigurations', MUTATING, getJson<WebhookConfig>(['get', 'mutatingwebhookconfiguration', MUTATING]));
    const validating = history('validatingwebhookconfigurations', VALIDATING, getJson<WebhookConfig>(['get', 'validatingwebhookconfiguration', VALIDATING]));
    expect(bundleOf(mutating[0]!.object)).toEqual([]);
    expect(validating[0]!.object.webhooks[0]!.failurePolicy).toBe('Ignore');

    const logFile = join(p.logs, 'mesh-admission-cert-rotation.log');
    const fd = openSync(logFile, 'w');
    child = spawn(process.execPath, [SERVER_JS, ...localServerArgs(deployment, port, '', '', SHORT_CERT_LIVES)], {
      env: { ...process.env, KUBECONFIG: p.saKubeconfig, POD_NAMESPACE: 'mesh-admission', POD_NAME: 'cert-rotation' },
      stdio: ['ignore', fd, fd],
      detached: true,
      cwd: PROJECT_ROOT,
    });
    closeSync(fd);
    await waitForWebhooks(p, logFile, child.pid);

    // What the webhook port serves, sampled: the renewals and the CA switch as a TLS client sees them.
    const served: Array<{ cert: X509Certificate; at: number }> = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const x = await servedCertificate(port).catch(() => undefined);
        if (x !== undefined && served.at(-1)?.cert.fingerprint256 !== x.fingerprint256) served.push({ cert: x, at: Date.now() });
        await sleep(250);
      }
    })();

    // The watch delivers while this test awaits (the kubectl calls above block the event loop).
    const firstCa = await eventually('the server to fill in the mutating caBundle', () => bundleOf(mutating.at(-1)!.object)[0], 10_000);
    const byNewCa = (): { at: number } | undefined => served.find((s) => !signs(firstCa, s.cert));

    let created = 0;
    const failures: string[] = [];
    const notInjected: string[] = [];
    const loopStart = Date.now();
    // Pods until the serving cert has come from the new CA for a few seconds (or the cap, which the assertions catch).
    const done = (): boolean => Date.now() - loopStart > LOOP_CAP_MS || (byNewCa() !== undefined && Date.now() - byNewCa()!.at > 3000);
    const creator = async (w: number): Promise<void> => {
      for (let i = 0; !done(); i++) {
        const name = `p-${w}-${i}`;
        const r = await apiRequest('POST', `/api/v1/namespaces/${ns}/pods`, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name },
          spec: { containers: [{ name: 'app', image: 'busybox' }] },
        }).catch((e: unknown) => ({ status: 0, body: String(e) }));
        if (r.status !== 201) {
          failures.push(`${name}: ${r.status} ${r.body.slice(0, 300)}`);
        } else {
          created++;
          const pod = JSON.parse(r.body) as PodLike;
          if (![...(pod.spec.initContainers ?? []), ...pod.spec.containers].some((c) => c.name === 'istio-proxy')) notInjected.push(name);
        }
        await sleep(100);
      }
    };
    await Promise.all([creator(1), creator(2)]);
    const loopMs = Date.now() - loopStart;
    sampling = false;
    await sampler;

    const cas = [...new Set(mutating.flatMap((e) => bundleOf(e.object)))];
    const signerOf = (x: X509Certificate): number => cas.findIndex((c) => signs(c, x));
    const renewalsByFirstCa = served.filter((s) => signerOf(s.cert) === 0).length - 1;
    const mutatingBundles = mutating.map((e) => bundleOf(e.object).map((c) => cas.indexOf(c)).join('+')).filter((b, i, a) => i === 0 || b !== a[i - 1]);
    // How long each CA had been in the mutating caBundle when a cert it signed was first served.
    const trustedFor = served.map((sv) => {
      const since = mutating.find((e) => bundleOf(e.object).some((c) => signs(c, sv.cert)))?.at;
      return since === undefined ? -1 : sv.at - since;
    });
    const validatingStates = validating.map((e) => `${e.object.webhooks[0]!.failurePolicy}:${bundleOf(e.object).map((c) => cas.indexOf(c)).join('+') || '-'}`);
    process.stderr.write(
      `e2e 5: ${created} pods in ${(loopMs / 1000).toFixed(1)} s, ${failures.length} failed, ${notInjected.length} not injected; ` +
        `served certs ${served.map((s) => `ca${signerOf(s.cert)}@${((s.at - loopStart) / 1000).toFixed(1)}s`).join(' ')}; ` +
        `new CA trusted ${((trustedFor.find((_, i) => signerOf(served[i]!.cert) === 1) ?? -1) / 1000).toFixed(1)} s before it was served; ` +
        `mutating caBundles ${mutatingBundles.join(' → ')}; validator ${validatingStates.join(' → ')}; ` +
        `scenario ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );

    expect(failures).toEqual([]);
    expect(notInjected).toEqual([]);
    expect(created).toBeGreaterThan(50);
    // One serving-cert renewal by the first CA at least, then a leaf from the second CA.
    expect(renewalsByFirstCa).toBeGreaterThanOrEqual(1);
    expect(served.every((s) => signerOf(s.cert) >= 0), 'every served cert chains to a CA some caBundle held').toBe(true);
    expect(signerOf(served.at(-1)!.cert)).toBe(1);
    // The API server had the new CA for about the overlap (8 s) before a cert it signed was served; half of it
    // allows for the sampling and for events arriving late on a loaded machine.
    served.forEach((sv, i) => {
      if (signerOf(sv.cert) > 0) expect(trustedFor[i]).toBeGreaterThanOrEqual(4000);
    });
    // The bundles went [] → [CA1] → [CA1, CA2] (→ [CA2] once CA1 expired), the same in both configurations.
    expect(mutatingBundles.slice(0, 3)).toEqual(['', '0', '0+1']);
    const finalValidating = validating.at(-1)!.object;
    expect(bundleOf(finalValidating)).toContain(cas[1]);
    expect(bundleOf(finalValidating)).toEqual(bundleOf(mutating.at(-1)!.object));
    // Ignore with no bundle, Ignore with the bundle (the self-check can only pass then), then Fail for good.
    const firstFail = validatingStates.findIndex((s) => s.startsWith('Fail'));
    expect(validatingStates[0]).toBe('Ignore:-');
    expect(firstFail).toBeGreaterThan(0);
    expect(validatingStates.slice(0, firstFail)).toContain('Ignore:0');
    expect(validatingStates.slice(firstFail).every((s) => s.startsWith('Fail:') && !s.endsWith(':-'))).toBe(true);
    expect(readFileSync(logFile, 'utf8')).toContain('validation webhook answers; switching failurePolicy to Fail');
  }, 150_000);
});
