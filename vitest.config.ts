import { configDefaults, defineConfig } from 'vitest/config';
import ScenarioOrder from './test/e2e/sequencer.js';

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    // e2e scenarios in their numbered order (a project-level sequencer is not honoured).
    sequence: { sequencer: ScenarioOrder },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          // The e2e project below runs these against a real control plane.
          exclude: [...configDefaults.exclude, 'test/e2e/**'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          pool: 'forks',
          globalSetup: ['./test/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // One shared cluster: files run one after another, each leaves it as it found it.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
          pool: 'forks',
          globalSetup: ['./test/global-setup.ts', './test/e2e/global-setup.ts'],
        },
      },
    ],
  },
});
