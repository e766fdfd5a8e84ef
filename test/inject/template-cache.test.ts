import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { readRawConfigDir } from '../../src/config/dir-source.js';
import { compileInjectionSettings } from '../../src/inject/engine.js';
import { injectAdmission } from '../../src/inject/webhook.js';
import { TemplateCache, templateCacheOf, templateIsPure } from '../../src/inject/template-cache.js';

const raw = readRawConfigDir(resolve(import.meta.dirname, '../../templates'));
const pod = (labels: Record<string, string> = { app: 'web' }) => ({
  metadata: { generateName: 'web-5d8f-', namespace: 'shop', labels },
  spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 8080 }] }] },
});
const inject = (settings: ReturnType<typeof compileInjectionSettings>, object: unknown) =>
  injectAdmission(settings, { uid: 'u', namespace: 'shop', object }, '/inject');

/** A config whose only template is `tmpl`, named sidecar. */
function settingsWith(tmpl: string) {
  const config = `policy: enabled\ndefaultTemplates: [sidecar]\ntemplates:\n  sidecar: |\n${tmpl.split('\n').map((l) => `    ${l}`).join('\n')}\n`;
  return compileInjectionSettings({ config, values: '{}' });
}

describe('template cache', () => {
  it('answers a repeated pod from the cache with the same patch as a fresh render', () => {
    const cached = compileInjectionSettings(raw);
    const first = inject(cached, pod());
    const second = inject(cached, pod());
    const c = templateCacheOf(cached);
    expect(c.misses).toBe(1);
    expect(c.hits).toBe(1);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    // A different snapshot of the same config (nothing cached yet) agrees byte for byte.
    const fresh = compileInjectionSettings(raw);
    expect(JSON.stringify(inject(fresh, pod()))).toBe(JSON.stringify(first));
    // A pod that differs in anything the templates read misses.
    inject(cached, pod({ app: 'other' }));
    expect(c.misses).toBe(2);
  });

  it('never caches a template that calls an impure function', () => {
    const s = settingsWith('metadata:\n  annotations:\n    nonce: {{ randAlphaNum 12 | quote }}');
    const a = inject(s, pod());
    const b = inject(s, pod());
    expect(a.allowed && b.allowed).toBe(true);
    expect(templateCacheOf(s).size).toBe(0);
    expect(JSON.stringify(a.patch)).not.toBe(JSON.stringify(b.patch));
  });

  it('is per configuration snapshot: a reloaded configuration renders afresh', () => {
    const before = settingsWith('metadata:\n  labels:\n    flavour: "one"');
    const after = settingsWith('metadata:\n  labels:\n    flavour: "two"');
    inject(before, pod());
    const d = inject(after, pod());
    expect(templateCacheOf(after).misses).toBe(1);
    expect(JSON.stringify(d.patch)).toContain('two');
  });

  it('recognises impure calls but not words in comments or strings', () => {
    expect(templateIsPure('{{ now | date "2006" }}')).toBe(false);
    expect(templateIsPure('{{ uuidv4 }}')).toBe(false);
    expect(templateIsPure('{{- /* start draining now */ -}}{{ "random now" }}{{ .Values.x }}')).toBe(true);
  });

  it('stays within its entry and byte bounds, evicting the least recently used', () => {
    const c = new TemplateCache(2, 1000 * 8 * 2);
    c.set('a', [], 1000);
    c.set('b', [], 1000);
    expect(c.get('a')).toBeDefined(); // a is now the most recent
    c.set('c', [], 1000);
    expect(c.size).toBe(2);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBeDefined();
    c.set('huge', [], 10_000); // over the byte bound on its own: not kept
    expect(c.get('huge')).toBeUndefined();
    expect(c.estimatedBytes).toBeLessThanOrEqual(1000 * 8 * 2);
  });
});
