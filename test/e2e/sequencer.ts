import { BaseSequencer, type TestSpecification } from 'vitest/node';

const isE2e = (s: TestSpecification): boolean => s.moduleId.includes('/test/e2e/');

/**
 * The e2e files run first (one long sequential chain beside the parallel unit files) and in the order of their
 * scenario numbers (file names); everything else keeps vitest's own order.
 */
export default class ScenarioOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const e2e = sorted.filter(isE2e).sort((a, b) => a.moduleId.localeCompare(b.moduleId));
    return [...e2e, ...sorted.filter((s) => !isE2e(s))];
  }
}
