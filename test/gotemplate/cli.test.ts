import { describe, expect, it } from 'vitest';
import { renderTemplateCommand } from '../../src/cli/render-template.js';

function harness(files: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: (s: string) => out.push(s),
      stderr: (s: string) => err.push(s),
      readFile: (p: string) => {
        const f = files[p];
        if (f === undefined) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
        return f;
      },
    },
  };
}

describe('render-template CLI verb', () => {
  it('renders a template against JSON data', async () => {
    const h = harness({ 't.tpl': 'hi {{ .name | upper }} {{ .port | quote }}', 'd.json': '{"name":"x","port":15020}' });
    expect(await renderTemplateCommand(['-t', 't.tpl', '-d', 'd.json'], h.io)).toBe(0);
    expect(h.out.join('')).toBe('hi X "15020"');
  });
  it('uses --name in error messages and exits 1', async () => {
    const h = harness({ 't.tpl': '{{ .a.b }}', 'd.json': '{"a":"s"}' });
    expect(await renderTemplateCommand(['-t', 't.tpl', '-d', 'd.json', '--name', 'sidecar'], h.io)).toBe(1);
    expect(h.err.join('')).toBe('template: sidecar:1:5: executing "sidecar" at <.a.b>: can\'t evaluate field b in type interface {}\n');
  });
  it('reports parse errors', async () => {
    const h = harness({ 't.tpl': '{{ nope }}', 'd.json': '{}' });
    expect(await renderTemplateCommand(['--template=t.tpl', '--data=d.json'], h.io)).toBe(1);
    expect(h.err.join('')).toBe('template: inject:1: function "nope" not defined\n');
  });
  it('reports unreadable files, bad JSON and bad usage with exit 2, like the other verbs', async () => {
    const h = harness({ 't.tpl': 'x', 'bad.json': '{' });
    expect(await renderTemplateCommand(['-t', 'missing', '-d', 'bad.json'], h.io)).toBe(2);
    expect(h.err.pop()).toMatch(/^cannot read missing: ENOENT/);
    expect(await renderTemplateCommand(['-t', 't.tpl', '-d', 'bad.json'], h.io)).toBe(2);
    expect(h.err.pop()).toMatch(/^cannot read bad.json: invalid JSON/);
    expect(await renderTemplateCommand(['-t', 't.tpl'], h.io)).toBe(2);
    expect(h.err.pop()).toMatch(/^usage: both -t and -d are required/);
    expect(await renderTemplateCommand(['--bogus'], h.io)).toBe(2);
    expect(h.err.pop()).toMatch(/^usage: unknown argument "--bogus"/);
  });
  it('--help prints the usage on stdout and exits 0', async () => {
    const h = harness({});
    expect(await renderTemplateCommand(['--help'], h.io)).toBe(0);
    expect(h.out.join('')).toMatch(/^usage: mesh-admission render-template -t TEMPLATE_FILE/);
    expect(h.err).toEqual([]);
  });
});
