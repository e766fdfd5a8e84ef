import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeApiServer } from '../kube/fake-apiserver.js';
import { useFakeApiServer } from '../kube/harness.js';
import { testTempDir } from '../tmp.js';

/**
 * A fresh fake API server per test and a kubeconfig file pointing at it, as a user's --kubeconfig would.
 * `seed` fills the server before each test. The returned getters read the current test's values.
 */
export function useFakeCluster(seed: (fake: FakeApiServer) => void = () => {}): { fake: () => FakeApiServer; kubeconfig: () => string } {
  let fake: FakeApiServer | undefined;
  let kubeconfig = '';
  useFakeApiServer((f) => {
    fake = f;
    kubeconfig = join(testTempDir('kc-'), 'config');
    writeFileSync(kubeconfig, f.kubeconfigYaml());
    seed(f);
  });
  return {
    fake: () => {
      if (!fake) throw new Error('no fake API server outside a test');
      return fake;
    },
    kubeconfig: () => kubeconfig,
  };
}
