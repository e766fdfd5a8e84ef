import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/gotemplate/func.js';
import { parseTemplate } from '../../src/gotemplate/template.js';
import { errorOf, run } from './helpers.js';

describe('text, trim markers and comments', () => {
  it('passes text through untouched', () => {
    expect(run('plain text\n  with spaces ')).toBe('plain text\n  with spaces ');
  });
  it('{{- trims all preceding white space, -}} all following', () => {
    expect(run('a  \n\t {{- "b" -}} \n\n c')).toBe('abc');
  });
  it('only trims when the dash is followed/preceded by a space', () => {
    expect(run('x {{-3}} y')).toBe('x -3 y');
    expect(run('x {{ 3 -}}\n y')).toBe('x 3y');
  });
  it('removes comments, with and without trim markers', () => {
    expect(run('a {{/* one */}} b')).toBe('a  b');
    expect(run('a {{- /* two\nlines */ -}} b')).toBe('ab');
  });
  it('rejects a comment that does not end at the delimiter', () => {
    expect(errorOf('{{/* x */ 3}}')).toBe('template: t:1: comment ends before closing delimiter');
  });
  it('allows actions to span lines', () => {
    expect(run('{{ and\n  true\n  "x" }}')).toBe('x');
  });
});

describe('literals', () => {
  it('prints strings, raw strings, escapes, bools, nil-free numbers', () => {
    expect(run('{{ "a\\tb\\u00e9" }}|{{ `raw\\n` }}|{{ true }}|{{ 42 }}|{{ -7 }}|{{ 0x1F }}|{{ 0o17 }}|{{ 1_000 }}')).toBe(
      'a\tbé|raw\\n|true|42|-7|31|15|1000',
    );
  });
  it('treats literals with a dot or exponent as float64', () => {
    expect(run('{{ 1.5 }} {{ 2.0 }} {{ 1e6 }} {{ 1e3 }} {{ .5 }}')).toBe('1.5 2 1e+06 1000 0.5');
  });
  it('supports character constants as ints', () => {
    expect(run("{{ 'a' }} {{ printf \"%c\" 'é' }}")).toBe('97 é');
  });
});

describe('parse errors', () => {
  it('names an unknown function', () => {
    expect(errorOf('line1\n{{ foo 1 }}')).toBe('template: t:2: function "foo" not defined');
  });
  it('reports a missing end', () => {
    expect(errorOf('{{ if true }}x')).toBe('template: t:1: unexpected EOF');
  });
  it('reports a stray end and else', () => {
    expect(errorOf('x{{ end }}')).toBe('template: t:1: unexpected {{end}}');
    expect(errorOf('x{{ else }}')).toBe('template: t:1: unexpected {{else}}');
  });
  it('rejects undefined variables at parse time', () => {
    expect(errorOf('{{ $x }}')).toBe('template: t:1: undefined variable "$x"');
  });
  it('scopes variables to their control structure', () => {
    expect(errorOf('{{ if true }}{{ $x := 1 }}{{ end }}{{ $x }}')).toBe('template: t:1: undefined variable "$x"');
  });
  it('rejects break and continue outside range', () => {
    expect(errorOf('{{ break }}')).toBe('template: t:1: {{break}} outside {{range}}');
    expect(errorOf('{{ if true }}{{ continue }}{{ end }}')).toBe('template: t:1: {{continue}} outside {{range}}');
  });
  it('rejects literals in later pipeline stages', () => {
    expect(errorOf('{{ "a" | "b" }}')).toBe('template: t:1: non executable command in pipeline stage 2');
  });
  it('rejects an empty action', () => {
    expect(errorOf('{{ }}')).toBe('template: t:1: missing value for command');
  });
  it('rejects unterminated strings and unclosed actions', () => {
    expect(errorOf('{{ "abc }}')).toBe('template: t:1: unterminated quoted string');
    expect(errorOf('{{ 1 ')).toBe('template: t:1: unclosed action');
  });
  it('rejects duplicate definitions in one text', () => {
    expect(errorOf('{{ define "a" }}1{{ end }}{{ define "a" }}2{{ end }}')).toBe(
      'template: t:1: template: multiple definition of template "a"',
    );
  });
  it('only chains else if inside if and else with inside with', () => {
    expect(errorOf('{{ if .a }}{{ else with .b }}{{ end }}')).toBe('template: t:1: unexpected <with> in input');
    expect(run('{{ with .a }}A{{ else with .b }}B{{ end }}', { b: 1 })).toBe('B');
  });
  it('rejects two declared variables outside range', () => {
    expect(errorOf('{{ $a, $b := 1 }}')).toBe('template: t:1: too many declarations in command');
  });
  it('throws a typed TemplateError with phase "parse"', () => {
    let err: unknown;
    try {
      parseTemplate('{{ nope }}', { name: 'x' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as TemplateError).phase).toBe('parse');
  });
  it('lists every defined template', () => {
    const t = parseTemplate('{{ define "a" }}A{{ end }}{{ block "b" . }}B{{ end }}main', { name: 'root' });
    expect([...t.templateNames].sort()).toEqual(['a', 'b', 'root']);
    expect(t.executeTemplate('a', null)).toBe('A');
  });
});
