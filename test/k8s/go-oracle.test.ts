import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseYamlDocument } from '../../src/k8s/yaml-parse.js';
import { printYaml } from '../../src/k8s/yaml-print.js';

/**
 * Differential cases: inputs we generated, expected answers produced by Go's sigs.k8s.io/yaml +
 * yaml.v2 (see `about` in the fixture). They pin the corner cases the goldens do not reach:
 * quoting, folding, literal hints, odd keys, YAML 1.1 number/bool forms, escapes, merge keys.
 */
interface Fixture {
  print: ({ value: unknown; yaml: string } | { value: unknown; error: string })[];
  parse: ({ yaml: string; json: unknown } | { yaml: string; error: string })[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/go-yaml-oracle.json', import.meta.url), 'utf8')) as Fixture;

describe('agreement with Go sigs.k8s.io/yaml', () => {
  it('printYaml equals JSONToYAML on every recorded case', () => {
    const mismatches: string[] = [];
    for (const c of fixture.print) {
      let got: string;
      try {
        got = printYaml(c.value);
      } catch (e) {
        got = `ERR: ${(e as Error).message}`;
      }
      const want = 'yaml' in c ? c.yaml : 'ERR';
      if (!(got === want || (want === 'ERR' && got.startsWith('ERR')))) {
        mismatches.push(`${JSON.stringify(c.value)}\n  go:   ${JSON.stringify(want)}\n  ours: ${JSON.stringify(got)}`);
      }
    }
    expect(fixture.print.length).toBeGreaterThan(100);
    expect(mismatches).toEqual([]);
  });

  it('parseYamlDocument equals YAMLToJSON on every recorded case (errors included)', () => {
    const mismatches: string[] = [];
    for (const c of fixture.parse) {
      if ('error' in c) {
        let threw = false;
        try {
          parseYamlDocument(c.yaml);
        } catch {
          threw = true;
        }
        if (!threw) mismatches.push(`${JSON.stringify(c.yaml)}: Go failed (${c.error}), we accepted it`);
        continue;
      }
      let got: unknown;
      try {
        got = parseYamlDocument(c.yaml);
      } catch (e) {
        got = `ERR: ${(e as Error).message}`;
      }
      try {
        expect(got).toEqual(c.json);
      } catch {
        mismatches.push(`${JSON.stringify(c.yaml)}\n  go:   ${JSON.stringify(c.json)}\n  ours: ${JSON.stringify(got)}`);
      }
    }
    expect(fixture.parse.length).toBeGreaterThan(100);
    expect(mismatches).toEqual([]);
  });
});
