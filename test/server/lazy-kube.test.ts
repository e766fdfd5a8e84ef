import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** The modules a file loads when it is imported: static, value imports and re-exports (not `import type`, not `import()`). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) found.push(m[1]!);
  return found;
}

/** Every package and source file reached from `entry` through static imports. */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of staticImports(file)) {
      if (!spec.startsWith('.')) {
        packages.add(spec);
        continue;
      }
      const ts = join(dirname(file), spec.replace(/\.js$/, '.ts'));
      if (existsSync(ts)) todo.push(ts);
    }
  }
  return { files, packages };
}

describe('the server loads its Kubernetes client only when a flag needs the cluster', () => {
  it('neither the HTTP thread nor a worker reaches src/kube/rest.ts statically', () => {
    for (const entry of ['main.ts', 'workers/worker.ts']) {
      const graph = staticGraph(join(SRC, entry));
      expect(graph.files.size, entry).toBeGreaterThan(20);
      expect([...graph.files].filter((f) => f.endsWith('/kube/rest.ts') || f.endsWith('/kube/kubeconfig.ts')), entry).toEqual([]);
    }
  });

  it('the cluster services module does reach it (the graph walk sees through re-exports)', () => {
    const graph = staticGraph(join(SRC, 'kube/cluster-services.ts'));
    expect([...graph.files].some((f) => f.endsWith('/kube/rest.ts'))).toBe(true);
  });

  it('no module of the product imports @kubernetes/client-node (its generated models alone cost ~75 MiB of RSS)', () => {
    const all = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(all.length).toBeGreaterThan(100);
    const offenders = all.filter((f) => /['"]@kubernetes\//.test(readFileSync(join(SRC, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe('with worker threads, the HTTP thread loads no admission engine', () => {
  // The workers compile and canary-check every configuration; the HTTP thread only moves bytes, so its memory is the
  // transport's. --workers 0 and --injection-policy load what they need through import().
  it('main.ts reaches no template engine, injector, validator or certificate generator statically', () => {
    const graph = staticGraph(join(SRC, 'main.ts'));
    const files = [...graph.files].map((f) => f.slice(SRC.length + 1));
    const engines = files.filter((f) => /^(gotemplate|inject|k8s|proto|validate)\//.test(f) && f !== 'validate/kinds/names.ts');
    expect(engines).toEqual([]);
    expect([...graph.packages].filter((p) => ['yaml', 'selfsigned', 'ajv', '@marcbachmann/cel-js', 'fast-json-patch'].includes(p))).toEqual([]);
  });

  it('a worker does load them (the walk follows the engine imports)', () => {
    const files = [...staticGraph(join(SRC, 'workers/worker.ts')).files].map((f) => f.slice(SRC.length + 1));
    for (const f of ['gotemplate/compile.ts', 'inject/canary.ts', 'validate/kinds/registry.ts']) expect(files).toContain(f);
  });
});
