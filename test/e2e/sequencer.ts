import { BaseSequencer, type TestSpecification } from 'vitest/node';

const isE2e = (s: TestSpecification): boolean => s.moduleId.includes('/test/e2e/');
/** The leading number of a scenario's file name: 10-... comes after 8-..., which a text order would not give. */
const scenario = (s: TestSpecification): number => Number(/\/(\d+)-[^/]*$/.exec(s.moduleId)?.[1] ?? Number.MAX_SAFE_INTEGER);

/**
 * The e2e files run first (one long sequential chain beside the parallel unit files) and in the order of their
 * scenario numbers (file names); everything else keeps vitest's own order.
 */
export default class ScenarioOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const e2e = sorted.filter(isE2e).sort((a, b) => scenario(a) - scenario(b) || a.moduleId.localeCompare(b.moduleId));
    return [...e2e, ...sorted.filter((s) => !isE2e(s))];
  }
}
