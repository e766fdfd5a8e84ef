import { describe, expect, it } from 'vitest';
import { errorOf, run } from './helpers.js';
import { parseTemplate } from '../../src/gotemplate/template.js';
import { goEnum, goNil, goStringMap, goStruct } from '../../src/gotemplate/values.js';

describe('fields and missing values', () => {
  const data = { a: { b: 'deep', n: null, f: false }, list: [1, 2] };
  it('walks field chains on maps', () => {
    expect(run('{{ .a.b }}', data)).toBe('deep');
  });
  it('prints <no value> for a missing key and for a chain through it', () => {
    expect(run('{{ .nope }}|{{ .nope.deeper }}|{{ .a.nope }}', data)).toBe('<no value>|<no value>|<no value>');
  });
  it('prints <no value> for a JSON null reached through a pipeline', () => {
    expect(run('{{ .a.n }}', data)).toBe('<no value>');
  });
  it('errors when a chain goes through a nil interface', () => {
    expect(errorOf('{{ .a.n.x }}', data)).toBe('template: t:1:5: executing "t" at <.a.n.x>: nil pointer evaluating interface {}.x');
  });
  it('errors on field access into a non-map', () => {
    expect(errorOf('{{ .a.b.c }}', data)).toBe('template: t:1:5: executing "t" at <.a.b.c>: can\'t evaluate field c in type interface {}');
  });
  it('keeps false values false', () => {
    expect(run('{{ .a.f }}{{ if .a.f }}yes{{ else }}no{{ end }}', data)).toBe('falseno');
  });
  it('parenthesised pipelines can be followed by fields', () => {
    expect(run('{{ (.a).b }}|{{ (dict "k" "v").k }}', data)).toBe('deep|v');
  });
  it('prints the root through $ anywhere', () => {
    expect(run('{{ range .list }}{{ $.a.b }}{{ end }}', data)).toBe('deepdeep');
  });
  it('prints a nil data object as <no value>', () => {
    expect(run('{{ . }}', null)).toBe('<no value>');
  });
});

describe('pipelines and variables', () => {
  it('passes the previous value as the last argument', () => {
    expect(run('{{ "abc" | printf "%s-%s" "x" }}')).toBe('x-abc');
  });
  it('declares and reassigns variables; assignment inside range is visible after it', () => {
    expect(run('{{ $x := 1 }}{{ range .l }}{{ $x = . }}{{ end }}{{ $x }}', { l: ['a', 'b'] })).toBe('b');
  });
  it('a declaration prints nothing', () => {
    expect(run('[{{ $x := "v" }}]{{ $x }}')).toBe('[]v');
  });
  it('errors when giving arguments to a non-function', () => {
    expect(errorOf('{{ 3 | 4 }}')).toBe('template: t:1: non executable command in pipeline stage 2');
    expect(errorOf('{{ "x" | .a }}', { a: 1 })).toBe(
      'template: t:1:9: executing "t" at <.a>: a is not a method but has arguments',
    );
  });
  it('errors on nil as a command', () => {
    expect(errorOf('{{ nil }}')).toBe('template: t:1:3: executing "t" at <nil>: nil is not a command');
  });
});

describe('if / with / else', () => {
  it('chains else if', () => {
    const t = '{{ if eq .v 1 }}one{{ else if eq .v 2 }}two{{ else }}many{{ end }}';
    expect(run(t, { v: 1n })).toBe('one');
    expect(run(t, { v: 2n })).toBe('two');
    expect(run(t, { v: 3n })).toBe('many');
  });
  it('uses Go truthiness', () => {
    const t = '{{ range .vals }}{{ if . }}T{{ else }}F{{ end }}{{ end }}';
    expect(run(t, { vals: [0, 1, '', 'x', [], [0], {}, { a: 1 }, false, true, null] })).toBe('FTFTFTFTFTF');
  });
  it('with rebinds dot and supports else with', () => {
    const t = '{{ with .a }}A={{ . }}{{ else with .b }}B={{ . }}{{ else }}none{{ end }}';
    expect(run(t, { a: 'x' })).toBe('A=x');
    expect(run(t, { b: 'y' })).toBe('B=y');
    expect(run(t, {})).toBe('none');
  });
  it('if with a declaration keeps the variable in scope of the branch', () => {
    expect(run('{{ if $v := .a }}{{ $v }}{{ end }}', { a: 'got' })).toBe('got');
  });
});

describe('range', () => {
  it('ranges lists with index and element', () => {
    expect(run('{{ range $i, $e := .l }}{{ $i }}:{{ $e }} {{ end }}', { l: ['a', 'b'] })).toBe('0:a 1:b ');
  });
  it('ranges maps in sorted key order', () => {
    expect(run('{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}', { b: 2, a: 1, C: 3 })).toBe('C=3;a=1;b=2;');
  });
  it('one variable gets the element', () => {
    expect(run('{{ range $v := .l }}{{ $v }}{{ end }}', { l: ['x', 'y'] })).toBe('xy');
  });
  it('runs else for empty, nil and missing collections', () => {
    const t = '{{ range .c }}x{{ else }}empty{{ end }}';
    expect(run(t, { c: [] })).toBe('empty');
    expect(run(t, { c: null })).toBe('empty');
    expect(run(t, {})).toBe('empty');
    expect(run(t, { c: {} })).toBe('empty');
  });
  it('ranges over an integer', () => {
    expect(run('{{ range 3 }}{{ . }}{{ end }}|{{ range $i := 2 }}{{ $i }}{{ end }}')).toBe('012|01');
  });
  it('supports break and continue', () => {
    const t = '{{ range until 10 }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 5 }}{{ break }}{{ end }}{{ . }}{{ end }}';
    expect(run(t)).toBe('0134');
  });
  it('refuses to range over a scalar', () => {
    expect(errorOf('{{ range .s }}{{ end }}', { s: 'abc' })).toBe(
      'template: t:1:9: executing "t" at <.s>: range can\'t iterate over abc',
    );
  });
  it('ranges a typed string map, and a nil one ranges empty', () => {
    const t = '{{ range $k, $v := .m }}{{ $k }}{{ $v }}{{ else }}none{{ end }}';
    expect(run(t, { m: goStringMap({ z: '1', a: '2' }) })).toBe('a2z1');
    expect(run(t, { m: goStringMap(null) })).toBe('none');
  });
});

describe('define, template, block', () => {
  it('invokes a defined template with a new dot and its own $', () => {
    const t = '{{ define "item" }}[{{ . }}|{{ $ }}]{{ end }}{{ template "item" .x }}{{ template "item" }}';
    expect(run(t, { x: 'X' })).toBe('[X|X][<no value>|<no value>]');
  });
  it('block defines and runs in place', () => {
    expect(run('{{ block "b" .v }}<{{ . }}>{{ end }}', { v: 1.5 })).toBe('<1.5>');
  });
  it('errors for an undefined template', () => {
    expect(errorOf('{{ template "nope" }}')).toBe(
      'template: t:1:12: executing "t" at <{{template "nope"}}>: template "nope" not defined',
    );
  });
  it('names the executing template in errors raised inside a definition', () => {
    expect(errorOf('{{ define "inner" }}\n {{ .x.y }}{{ end }}{{ template "inner" . }}', { x: 'str' })).toBe(
      'template: t:2:6: executing "inner" at <.x.y>: can\'t evaluate field y in type interface {}',
    );
  });
  it('stops runaway recursion with Go\'s message', () => {
    expect(errorOf('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}')).toMatch(
      /exceeded maximum template depth \(\d+\)$/,
    );
  });
});

describe('structs, methods, nil pointers, enums', () => {
  const meta = goStruct('v1.ObjectMeta', { Name: 'pod', Labels: goStringMap({ app: 'a' }) });
  const wrapperNil = goNil('*wrapperspb.BoolValue', { GetValue: () => false }, ['Value']);
  const tls = goStruct('*v1alpha3.ClientTLSSettings', { CaCertificates: '/etc/ca/root.pem' }, { GetCaCertificates: () => '/etc/ca/root.pem' });
  const tracing = goStruct('*v1alpha1.Tracing', {}, { GetTlsSettings: () => tls });
  const pc = goStruct(
    '*v1alpha1.ProxyConfig',
    { Hold: wrapperNil, Mode: goEnum('v1alpha1.ProxyConfig_InboundInterceptionMode', 0, 'REDIRECT') },
    { GetTracing: () => tracing, Concat: (a: unknown, b: unknown) => `${String(a)}+${String(b)}` },
  );
  const data = goStruct('*inject.Data', { ObjectMeta: meta, ProxyConfig: pc });
  it('reads struct fields', () => {
    expect(run('{{ .ObjectMeta.Name }} {{ .ObjectMeta.Labels.app }}', data)).toBe('pod a');
  });
  it('reports a missing struct field with the type name', () => {
    expect(errorOf('{{ .ObjectMeta.Nope }}', data)).toBe(
      'template: t:1:14: executing "t" at <.ObjectMeta.Nope>: can\'t evaluate field Nope in type v1.ObjectMeta',
    );
  });
  it('calls niladic methods, chained', () => {
    expect(run('{{ .ProxyConfig.GetTracing.GetTlsSettings.GetCaCertificates }}', data)).toBe('/etc/ca/root.pem');
  });
  it('calls methods with arguments, including the piped value', () => {
    expect(run('{{ .ProxyConfig.Concat "a" "b" }}|{{ "z" | .ProxyConfig.Concat "y" }}', data)).toBe('a+b|y+z');
  });
  it('calls methods on typed nil pointers; the nil itself is falsy and prints <nil>', () => {
    expect(run('{{ .ProxyConfig.Hold.GetValue }}|{{ if .ProxyConfig.Hold }}t{{ else }}f{{ end }}|{{ .ProxyConfig.Hold }}', data)).toBe(
      'false|f|<nil>',
    );
  });
  it('field access through a nil pointer is Go\'s nil pointer error', () => {
    expect(errorOf('{{ .ProxyConfig.Hold.Value }}', data)).toBe(
      'template: t:1:15: executing "t" at <.ProxyConfig.Hold.Value>: nil pointer evaluating *wrapperspb.BoolValue.Value',
    );
  });
  it('enums print their name, have String, and compare as ints', () => {
    expect(run('{{ .ProxyConfig.Mode }} {{ .ProxyConfig.Mode.String }} {{ eq .ProxyConfig.Mode 0 }}', data)).toBe('REDIRECT REDIRECT true');
    expect(errorOf('{{ eq .ProxyConfig.Mode "REDIRECT" }}', data)).toBe(
      'template: t:1:3: executing "t" at <eq .ProxyConfig.Mode "REDIRECT">: error calling eq: incompatible types for comparison: v1alpha1.ProxyConfig_InboundInterceptionMode and string',
    );
  });
  it('prints a struct with a String method through it, others as Go does', () => {
    const s = goStruct('x.S', { A: 1n, B: 'b' }, { String: () => 'stringer!' });
    const plain = goStruct('x.P', { A: 1n, B: 'b' });
    const ptr = goStruct('*x.P', { A: 1n, B: 'b' });
    expect(run('{{ .s }} {{ .p }} {{ .q }}', { s, p: plain, q: ptr })).toBe('stringer! {1 b} &{1 b}');
  });
  it('typed string maps: index of a missing key is "", field access is <no value>, nil prints map[]', () => {
    const d = { m: goStringMap({ b: '2', a: '1' }), n: goStringMap(null) };
    expect(run('[{{ index .m "zz" }}][{{ .m.zz }}][{{ .m }}][{{ .n }}][{{ index .n "k" }}][{{ len .n }}]', d)).toBe(
      '[][<no value>][map[a:1 b:2]][map[]][][0]',
    );
  });
});

describe('builtins', () => {
  it('and/or return the deciding operand and short-circuit', () => {
    expect(run('{{ and 1 "" 2 }}|{{ and 1 2 }}|{{ or 0 "" }}|{{ or 0 "x" (fail "never") }}')).toBe('|2||x');
    expect(run('{{ and false (fail "never") }}')).toBe('false');
  });
  it('not uses truthiness', () => {
    expect(run('{{ not 0 }} {{ not "a" }} {{ not .missing }}')).toBe('true false true');
  });
  it('len counts bytes, elements and keys', () => {
    expect(run('{{ len "héllo" }} {{ len .l }} {{ len .m }}', { l: [1, 2, 3], m: { a: 1 } })).toBe('6 3 1');
    expect(errorOf('{{ len 3 }}')).toBe('template: t:1:3: executing "t" at <len 3>: error calling len: len of type int');
  });
  it('index lists, maps and nested values', () => {
    const d = { l: ['a', 'b'], m: { k: { x: 'deep' } } };
    expect(run('{{ index .l 1 }} {{ index .m "k" "x" }} {{ index .m "nope" }} {{ index "abc" 1 }}', d)).toBe('b deep <no value> 98');
    expect(errorOf('{{ index .l 5 }}', d)).toBe('template: t:1:3: executing "t" at <index .l 5>: error calling index: index out of range: 5');
    expect(errorOf('{{ index .missing 0 }}', d)).toBe(
      'template: t:1:3: executing "t" at <index .missing 0>: error calling index: index of untyped nil',
    );
  });
  it('Go\'s slice works on lists and strings (without sprig, whose slice replaces it)', () => {
    const t = parseTemplate('{{ slice .l 1 }} {{ slice .l 0 2 }} {{ slice "hello" 1 3 }}', { name: 'go' });
    expect(t.execute({ l: ['a', 'b', 'c'] })).toBe('[b c] [a b] el');
  });
  it('eq compares basic kinds, with several candidates', () => {
    expect(run('{{ eq 1 1 }} {{ eq "a" "b" "a" }} {{ eq .f 1.0 }} {{ eq .missing "x" }} {{ ne 1 2 }}', { f: 1 })).toBe(
      'true true true false true',
    );
  });
  it('int vs float comparison is an error', () => {
    expect(errorOf('{{ eq .f 1 }}', { f: 1 })).toBe(
      'template: t:1:3: executing "t" at <eq .f 1>: error calling eq: incompatible types for comparison: float64 and int',
    );
    expect(errorOf('{{ lt 1 1.5 }}')).toBe('template: t:1:3: executing "t" at <lt 1 1.5>: error calling lt: incompatible types for comparison: int and float64');
  });
  it('ordered comparisons', () => {
    expect(run('{{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1.5 2.5 }}')).toBe('true true true false');
    expect(errorOf('{{ lt true false }}')).toBe('template: t:1:3: executing "t" at <lt true false>: error calling lt: invalid type for comparison');
  });
  it('html, js and urlquery escape', () => {
    expect(run(`{{ html "<a href='x'>&\\"" }}`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&#34;');
    expect(run(`{{ js "it's <b> & \\"q\\"=1" }}`)).toBe("it\\'s \\u003Cb\\u003E \\u0026 \\\"q\\\"\\u003D1");
    expect(run('{{ urlquery "a b&c=d/é" }}')).toBe('a+b%26c%3Dd%2F%C3%A9');
  });
  it('call invokes a function value', () => {
    expect(run('{{ call .f 2 3 }}', { f: (a: unknown, b: unknown) => `${String(a)}*${String(b)}` })).toBe('2*3');
    expect(errorOf('{{ call .s 1 }}', { s: 'str' })).toBe('template: t:1:3: executing "t" at <call .s 1>: error calling call: non-function .s of type string');
    expect(errorOf('{{ call .missing }}')).toBe('template: t:1:3: executing "t" at <call .missing>: error calling call: call of nil');
  });
  it('print and println follow Sprint spacing rules', () => {
    expect(run('{{ print 1 2 "a" "b" 3 }}|{{ println 1 "a" }}|{{ print .missing }}')).toBe('1 2ab3|1 a\n|<nil>');
  });
  it('wrong argument counts and types are reported like Go', () => {
    expect(errorOf('{{ trunc 1 }}')).toBe('template: t:1:3: executing "t" at <trunc>: wrong number of args for trunc: want 2 got 1');
    expect(errorOf('{{ trunc "a" "b" }}')).toBe('template: t:1:9: executing "t" at <"a">: expected integer; found "a"');
    expect(errorOf('{{ trunc 2 .s }}', { s: 1.5 })).toBe(
      'template: t:1:11: executing "t" at <.s>: wrong type for value; expected string; got float64',
    );
    expect(errorOf('{{ .s | trunc 2 }}', {})).toBe('template: t:1:14: executing "t" at <2>: invalid value; expected string');
  });
  it('reports variadic arity against the explicit arguments', () => {
    expect(errorOf('{{ printf }}')).toBe('template: t:1:3: executing "t" at <printf>: wrong number of args for printf: want at least 1 got 0');
  });
  it('reports failing calls against the command, nested or as methods', () => {
    expect(errorOf('{{ print (div 1 0) }}')).toBe('template: t:1:10: executing "t" at <div 1 0>: error calling div: runtime error: integer divide by zero');
    const boom = goStruct('x.T', {}, { Boom: () => { throw new Error('kaput'); } });
    expect(errorOf('{{ .t.Boom }}', { t: boom })).toBe('template: t:1:5: executing "t" at <.t.Boom>: error calling Boom: kaput');
  });
  it('prints the whole node as error context, and the static type interface {} for map values', () => {
    expect(errorOf('{{ .aaaaaaaaaa.bbbbbbbbbb.cccccccccc.d }}', { aaaaaaaaaa: { bbbbbbbbbb: { cccccccccc: 's' } } })).toBe(
      'template: t:1:14: executing "t" at <.aaaaaaaaaa.bbbbbbbbbb.cccccccccc.d>: can\'t evaluate field d in type interface {}',
    );
  });
  it('names the concrete type once a value went through a pipeline', () => {
    expect(errorOf('{{ $s := .s }}{{ $s.x }}', { s: 'str' })).toBe('template: t:1:19: executing "t" at <$s.x>: can\'t evaluate field x in type string');
    expect(errorOf('{{ range .l }}{{ .x }}{{ end }}', { l: ['str'] })).toBe('template: t:1:17: executing "t" at <.x>: can\'t evaluate field x in type interface {}');
    expect(errorOf('{{ with .s }}{{ .x }}{{ end }}', { s: 'str' })).toBe('template: t:1:16: executing "t" at <.x>: can\'t evaluate field x in type string');
  });
});
