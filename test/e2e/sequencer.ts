import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The e2e files run in the order of their scenario numbers (file names), not by vitest's duration cache. */
export default class ScenarioOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}
