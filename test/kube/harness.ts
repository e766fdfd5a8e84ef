/**
 * Shared set-up for tests that run control loops against the fake API server: a fresh server per
 * test, stopped after the loops under test are, and a poll for state those loops reach eventually.
 */
import { afterEach, beforeEach } from 'vitest';
import { FakeApiServer } from './fake-apiserver.js';

/** Resolves once `pred` holds; rejects after `timeoutMs` so a stuck loop fails its test. */
export function until(pred: () => boolean, timeoutMs = 4000, stepMs = 10): Promise<void> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = (): void => {
      if (pred()) return resolve();
      if (Date.now() - start > timeoutMs) return reject(new Error('timed out'));
      setTimeout(tick, stepMs);
    };
    tick();
  });
}

/**
 * Registers beforeEach/afterEach hooks: `onStart` receives each test's started server, `stopLoops`
 * runs before the server stops (a loop still watching would otherwise see its connection drop and
 * retry into the next test).
 */
export function useFakeApiServer(onStart: (fake: FakeApiServer) => unknown, stopLoops?: () => unknown): void {
  let fake: FakeApiServer | undefined;
  beforeEach(async () => {
    fake = new FakeApiServer();
    await fake.start();
    await onStart(fake);
  });
  afterEach(async () => {
    stopLoops?.();
    await fake?.stop();
    fake = undefined;
  });
}

/** The names the chart installs: the in-cluster loops under test are pointed at these. */
export const MANAGED_TLS_NAMES = {
  namespace: 'mesh-admission',
  service: 'mesh-admission',
  secretName: 'mesh-admission-certs',
  mutatingWebhook: 'mesh-admission',
  validatingWebhook: 'mesh-admission-validator',
} as const;
