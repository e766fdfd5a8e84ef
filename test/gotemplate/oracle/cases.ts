/**
 * Differential cases run through real Go (text/template + fmt + encoding/json + yaml.v2 via JSON, the way
 * sigs.k8s.io/yaml does it) by `oracle.go.txt`; the answers are recorded in go-answers.json.
 * Regenerate: npx tsx test/gotemplate/oracle/record.ts (needs a Go toolchain and yaml.v2 source).
 */
import { fuzzCases, printfFuzzCases } from './fuzz-cases.js';

export interface OracleCase {
  readonly t: string;
  /** JSON text of the data object ("" for nil). */
  readonly d: string;
}

const yamlStrings = [
  'true', 'True', 'yes', 'No', 'on', 'OFF', 'y', 'n', '~', 'null', 'NULL', '', ' ', '123', '-1', '+1', '0x1F', '0o17', '017',
  '1.5', '.5', '1e3', '1_000', '.inf', '-.Inf', '.nan', '1:20', '190:20:30', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
  '<<', 'a: b', 'a:b', 'a :b', 'key:', '*', '*alias', '&anchor', '!tag', '|', '>', '%x', '@x', '`x', "'q", '"q', 'it\'s',
  '#c', 'a #b', 'a#b', '- x', '-x', '-', '--', '---', '...', '? x', '?x', ',', 'a,b', '[x]', 'a[0]', '{x}', 'a{b}', ' lead',
  'trail ', 'tab\there', 'multi\nline', 'multi\nline\n', 'multi\nline\n\n', '\nlead', ' a\nb', 'a \nb', 'uni\u00e9', 'emoji\u{1F600}',
  'http://x/y?z=1&q', '100m', '1Gi', '15020', 'default/istio-cni', 'a\u0085b', 'ctrl\u0001', 'x'.repeat(90),
  'word '.repeat(20) + 'end', '0.0.0.0/0', '10.0.0.1', '::1', 'fe80::1/64', '=', 'a=b', '$(POD_NAME)', '\\', 'back\\slash',
];

const floats = [0, 1, -1, 0.5, 1.5, 15020, 1e6, 1e20, 1e21, 1e-7, 1.5e-7, 123456789, 0.1, 1 / 3, 2.5e-5, 100000, 999999, 1234567.5];

export const ORACLE_CASES: OracleCase[] = [
  // YAML scalar styles: every string as a value and as a key
  { t: '{{ toYaml . }}', d: JSON.stringify(Object.fromEntries(yamlStrings.map((s, i) => [`k${i}`, s]))) },
  { t: '{{ toYaml . }}', d: JSON.stringify(Object.fromEntries(yamlStrings.filter((s) => !s.includes('\u0085') && !/[0-9]/.test(s)).map((s, i) => [s, i]))) },
  { t: '[{{ toYaml . }}]', d: JSON.stringify({ 'a\u0085b': 1 }) },
  ...yamlStrings.map((s) => ({ t: '{{ toYaml . }}', d: JSON.stringify(s) })),
  ...yamlStrings.map((s) => ({ t: '{{ toYaml . }}', d: JSON.stringify([s, { k: s }]) })),
  // YAML layout and numbers
  { t: '{{ toYaml . }}', d: JSON.stringify({ f: floats, nested: { list: [[1, [2, 3]], [], {}, { a: [{ b: { c: [] } }] }], n: null, t: true } }) },
  { t: '{{ toYaml . }}', d: JSON.stringify({ item10: 1, item2: 2, Zed: 3, alpha: 4, '1x': 5, a_b: 6, ab: 7, a00: 8, a0: 9, 'a-1': 10, A: 11, _x: 12, 'é': 13 }) },
  { t: '{{ toYaml . }}', d: '{}' },
  { t: '{{ toYaml . }}', d: '[]' },
  { t: '{{ toYaml . }}', d: 'null' },
  { t: '{{ toYaml . }}', d: '3.25' },
  { t: '{{ toYaml .r | indent 6 }}', d: JSON.stringify({ r: { limits: { cpu: '2000m', memory: '1024Mi' }, requests: { cpu: '100m' } } }) },
  // JSON
  { t: '{{ toJson . }}', d: JSON.stringify({ b: floats, a: 'q"\\\n\t<>&\u2028\u0001é', c: [null, true, {}] }) },
  // float printing through fmt
  ...floats.map((f) => ({ t: '{{ . }}|{{ printf "%v|%g|%f|%.2f|%e|%6.1f|%s|%d" . . . . . . . . }}', d: JSON.stringify(f) })),
  // printf verbs on literals
  { t: '{{ printf "%5.2f|%-4d|%q|%t|%x|%X|%05d|%+d|%8.3s|%%|%c|%q|%o|%b|%#x|%x" 3.14159 42 "hi" true 255 255 42 5 "abcdef" 65 65 8 5 255 "hi" }}', d: '' },
  { t: '{{ printf "%d %s" "x" 3 }}|{{ printf "%s %s" "a" }}|{{ printf "%s" "a" "b" 3 }}|{{ printf "%v %s %d" nil nil nil }}|{{ printf "%!" }}|{{ printf "%" }}', d: '' },
  { t: '{{ printf "%v|%s|%d|%x" .l .l .l .m }}', d: JSON.stringify({ l: ['a', 1, true, null, { z: 1, a: [2] }], m: { k: 'v' } }) },
  { t: '{{ printf "%T %T %T %T %T %T" 1 1.5 "s" true .m .l }}', d: JSON.stringify({ m: {}, l: [] }) },
  { t: '{{ printf "[%*d][%-*d][%.*f]" 5 42 4 7 2 3.14159 }}', d: '' },
  { t: '{{ printf "%q|%v|%x|%10q" "a\\"b\\\\c\\nd\\te\\u0001é\\u00ad" "x" "\\u00ff" "q" }}', d: '' },
  // print / println
  { t: '{{ print 1 2 "a" "b" 3 nil 1.5 true }}|{{ println 1 "a" nil }}|{{ print .m .l }}', d: JSON.stringify({ m: { b: 1, a: null }, l: [1, 'x'] }) },
  // missing values, nils, printing
  { t: '{{ .a }}|{{ .a.b }}|{{ .n }}|{{ .l }}|{{ index .l 1 }}|{{ .m }}|{{ . }}', d: JSON.stringify({ n: null, l: [1, null, 'x'], m: { x: null } }) },
  { t: '{{ range . }}[{{ . }}]{{ end }}', d: JSON.stringify([null, 1, 'a', [], {}]) },
  { t: '{{ .n.x }}', d: JSON.stringify({ n: null }) },
  { t: '{{ .s.x }}', d: JSON.stringify({ s: 'str' }) },
  { t: '{{ .l.x }}', d: JSON.stringify({ l: [] }) },
  { t: '{{ .a.b.c.d.e }}', d: JSON.stringify({ a: { b: 1 } }) },
  // truthiness and comparisons
  { t: '{{ range . }}{{ if . }}T{{ else }}F{{ end }}{{ end }}', d: JSON.stringify([0, 1, '', 'x', [], [0], {}, { a: 1 }, false, true, null, 0.0, -0.5]) },
  { t: '{{ eq 1 1 }} {{ eq "a" "b" "a" }} {{ eq .f 1.0 }} {{ eq .missing "x" }} {{ ne 1 2 }} {{ eq .missing .missing2 }} {{ eq .n nil }} {{ eq true true }}', d: JSON.stringify({ f: 1, n: null }) },
  { t: '{{ eq .f 1 }}', d: JSON.stringify({ f: 1 }) },
  { t: '{{ eq "a" 1 }}', d: '' },
  { t: '{{ eq .l .l }}', d: JSON.stringify({ l: [1] }) },
  { t: '{{ eq }}', d: '' },
  { t: '{{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1.5 2.5 }} {{ lt "B" "a" }}', d: '' },
  { t: '{{ lt true false }}', d: '' },
  { t: '{{ lt .missing 1 }}', d: '' },
  { t: '{{ lt 1 1.5 }}', d: '' },
  { t: '{{ and 1 "" 2 }}|{{ and 1 2 }}|{{ or 0 "" }}|{{ or 0 "x" }}|{{ and }}', d: '' },
  { t: '{{ not 0 }} {{ not "a" }} {{ not .missing }} {{ not .l }}', d: JSON.stringify({ l: [] }) },
  // builtins
  { t: '{{ len "héllo" }} {{ len .l }} {{ len .m }} {{ index .l 1 }} {{ index .m "k" "x" }} {{ index .m "nope" }} {{ index "abc" 1 }}', d: JSON.stringify({ l: [1, 2, 3], m: { k: { x: 'deep' } } }) },
  { t: '{{ len 3 }}', d: '' },
  { t: '{{ len .missing }}', d: '' },
  { t: '{{ index .l 5 }}', d: JSON.stringify({ l: [1] }) },
  { t: '{{ index .l 1.0 }}', d: JSON.stringify({ l: [1, 2] }) },
  { t: '{{ index .missing 0 }}', d: '' },
  { t: '{{ index .m 1 }}', d: JSON.stringify({ m: {} }) },
  { t: '{{ index .m "a" "b" }}', d: JSON.stringify({ m: { a: null } }) },
  { t: '{{ slice .l 1 }} {{ slice .l 0 2 }} {{ slice "hello" 1 3 }} {{ slice .l }}', d: JSON.stringify({ l: ['a', 'b', 'c'] }) },
  { t: '{{ slice .l 2 1 }}', d: JSON.stringify({ l: ['a', 'b', 'c'] }) },
  { t: '{{ html "<a href=\'x\'>&\\"\\u0000" }}|{{ js "it\'s <b> & \\"q\\"=1\\n\\u2028" }}|{{ urlquery "a b&c=d/é~*" }}|{{ html 1 .missing }}', d: '' },
  // syntax, trimming, variables, control flow
  { t: 'a  \n\t {{- "b" -}} \n\n c|{{-3}}|{{ 3 -}}  x|{{/* c */}}|{{- /* c */ -}}  y', d: '' },
  { t: '{{ $x := 1 }}{{ range .l }}{{ $x = . }}{{ end }}{{ $x }}|{{ $y := "v" }}[{{ $y }}]', d: JSON.stringify({ l: ['a', 'b'] }) },
  { t: '{{ range $i, $e := .l }}{{ $i }}:{{ $e }} {{ end }}|{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}|{{ range .e }}x{{ else }}E{{ end }}', d: JSON.stringify({ l: ['a', 'b'], m: { b: 2, a: 1, C: 3, _: 0, '1': 9 }, e: {} }) },
  { t: '{{ range .l }}{{ if eq . 2.0 }}{{ continue }}{{ end }}{{ if eq . 4.0 }}{{ break }}{{ end }}{{ . }}{{ end }}', d: JSON.stringify({ l: [1, 2, 3, 4, 5] }) },
  { t: '{{ range .s }}{{ end }}', d: JSON.stringify({ s: 'abc' }) },
  { t: '{{ range .f }}{{ end }}', d: JSON.stringify({ f: 1.5 }) },
  { t: '{{ with .a }}A={{ . }}{{ else }}none{{ end }}|{{ if $v := .a }}{{ $v }}{{ end }}', d: JSON.stringify({ a: 'x' }) },
  { t: '{{ define "item" }}[{{ . }}|{{ $ }}]{{ end }}{{ template "item" .x }}{{ template "item" }}{{ block "b" .x }}<{{ . }}>{{ end }}', d: JSON.stringify({ x: 'X' }) },
  { t: '{{ define "inner" }}\n {{ .x.y }}{{ end }}{{ template "inner" . }}', d: JSON.stringify({ x: 'str' }) },
  { t: '{{ template "nope" }}', d: '' },
  { t: '{{ (.a).b }}|{{ (index .l 0).k }}', d: JSON.stringify({ a: { b: 'B' }, l: [{ k: 'K' }] }) },
  { t: '{{ "x" | printf "%s-%s" "y" }}|{{ .a | printf "%v" }}|{{ .missing | printf "%v" }}', d: JSON.stringify({ a: 1.5 }) },
  { t: '{{ nil }}', d: '' },
  { t: '{{ 3 | 4 }}', d: '' },
  { t: '{{ "x" | .a }}', d: JSON.stringify({ a: 1 }) },
  { t: '{{ .a 1 }}', d: JSON.stringify({ a: 1 }) },
  { t: '{{ 1 2 }}', d: '' },
  { t: '{{ printf }}', d: '' },
  { t: '{{ index }}', d: '' },
  { t: '{{ not 1 2 }}', d: '' },
  { t: '{{ .aaaaaaaaaa.bbbbbbbbbb.cccccccccc.d }}', d: JSON.stringify({ aaaaaaaaaa: { bbbbbbbbbb: { cccccccccc: 's' } } }) },
  { t: '{{ 1e6 }} {{ 0.00000015 }} {{ 15020.0 }} {{ 0x1F }} {{ -3 }} {{ 1_000 }} {{ 0o17 }} {{ 017 }} {{ \'a\' }} {{ .5 }} {{ 1e3 }} {{ 0x1p4 }}', d: '' },
  { t: '{{ $s := .s }}{{ $s.x }}', d: JSON.stringify({ s: 'str' }) },
  { t: '{{ range .l }}{{ .x }}{{ end }}', d: JSON.stringify({ l: ['str'] }) },
  { t: '{{ range $v := .l }}{{ $v.x }}{{ end }}', d: JSON.stringify({ l: [1] }) },
  { t: '{{ with .s }}{{ .x }}{{ end }}', d: JSON.stringify({ s: 'str' }) },
  { t: '{{ range $k, $v := .m }}{{ $v.x }}{{ end }}', d: JSON.stringify({ m: { a: true } }) },
  { t: '{{ range .l }}{{ .x.y }}{{ end }}', d: JSON.stringify({ l: [{ x: 2 }] }) },
  { t: '{{ .x | printf "%v" | len }}|{{ (print .l).x }}', d: JSON.stringify({ x: 'abc', l: 1 }) },
  // batch 2: trimming, numbers, verbs, comparisons, scoping
  { t: 'a\r\n {{- 1 -}} \r\n b|{{- if true -}} x {{- else -}} y {{- end -}}|{{ if false }}x{{- else if true -}} y {{- end }}', d: '' },
  { t: '{{ 1.0e2 }} {{ -0.0 }} {{ 0x10 }} {{ 1e-10 }} {{ 123456789012 }} {{ 9223372036854775807 }} {{ 0b101 }} {{ 1_0.5 }}', d: '' },
  { t: '{{ 9223372036854775808 }}', d: '' },
  { t: '{{ 1e400 }}', d: '' },
  { t: '{{ printf "%6.2v|%-8s|%08.3f|%+.2e|%x|%o|%#o|%U|%5t|%-5t|%05s|%.0f|%.1f|%g|%G|%E" 3.14159 "ab" 3.14159 12345.678 -255 8 8 65 true false "ab" 2.5 0.05 1e-7 1e-7 1e6 }}', d: '' },
  { t: '{{ printf "%v %v %v %v" .a .b .c .d }}|{{ printf "%d" .i }}|{{ printf "%s" .i }}|{{ printf "%.3s|%.10s" "abcdef" "ab" }}', d: JSON.stringify({ a: -0, b: 1e15 + 0.5, c: 2 ** 53, d: 0.1 + 0.2, i: 7 }) },
  { t: '{{ eq 1 1 2 }} {{ ne "a" "a" }} {{ lt "a" "b" }} {{ le 1.5 1.5 }} {{ gt 2 1 }} {{ ge "b" "b" }} {{ eq "" .missing }} {{ ne .missing "x" }}', d: '' },
  { t: '{{ eq nil nil }}', d: '' },
  { t: '{{ eq .m .m }}', d: JSON.stringify({ m: {} }) },
  { t: '{{ lt "a" 1 }}', d: '' },
  { t: '{{ gt .f .g }} {{ ge .f .f }}', d: JSON.stringify({ f: 1.5, g: 2.5 }) },
  { t: '{{ with $x := 1 }}{{ $x }}{{ end }}|{{ $v := 0 }}{{ range $v := .l }}{{ $v }}{{ end }}{{ $v }}|{{ if true }}{{ $v = 9 }}{{ end }}{{ $v }}', d: JSON.stringify({ l: ['a'] }) },
  { t: '{{ range $i, $c := "abc" }}{{ end }}', d: '' },
  { t: '{{ $ }}|{{ $.a }}|{{ range .l }}{{ $.a }}{{ . }}{{ end }}', d: JSON.stringify({ a: 'A', l: [1, 2] }) },
  { t: '{{ html "a" 1 "<" }}|{{ js 1 "\u0000x" }}|{{ urlquery "a" "b c" 2 }}|{{ print "a" 1 2 "b" nil }}', d: '' },
  { t: '{{ print .m }}|{{ println .l }}', d: JSON.stringify({ m: { z: null, a: [null], n: { x: 1 } }, l: [[], {}] }) },
  { t: '{{ index . "a" }}|{{ index . "l" 0 "k" }}|{{ index .l -1 }}', d: JSON.stringify({ l: [{ k: 'v' }] }) },
  { t: '{{ index .l 0 1 }}', d: JSON.stringify({ l: ['ab'] }) },
  { t: '{{ .a | len }}', d: '' },
  { t: '{{ toJson . }}', d: JSON.stringify([-0, 1e15 + 0.5, 2 ** 53, 0.1 + 0.2, 1e-6, 9.99e-7, 123e20, 5e-324, 1.7976931348623157e308]) },
  { t: '{{ toYaml . }}', d: JSON.stringify([-0, 1e15 + 0.5, 2 ** 53, 0.1 + 0.2, 1e-6, 9.99e-7, 123e20, 5e-324, 1.7976931348623157e308, 2 ** 63, 2 ** 64, -(2 ** 63)]) },
  { t: '{{ toYaml . }}', d: JSON.stringify({ a: { b: { c: { d: ['x', ['y', { z: '' }]] } } }, e: [{ f: [] }, { g: {} }, [[]]] }) },
  { t: '{{ toYaml . }}', d: JSON.stringify({ long: 'x '.repeat(60), quoted: "'a' ".repeat(30), dq: 'tab\t '.repeat(20), words: 'averyveryveryverylongwordwithoutanyspaces'.repeat(3) + ' tail' }) },
  { t: '{{ toYaml . }}', d: JSON.stringify([{ k: 'word '.repeat(25) }, ['nested ' + 'word '.repeat(25)]]) },
  { t: '{{ toYaml .x | indent 4 }}', d: JSON.stringify({ x: { cmd: ['/bin/sh', '-c', 'sleep 5 && echo "done" > /tmp/x'], env: [{ name: 'A', value: '1' }] } }) },
  { t: '{{ define "a" }}{{ $x := . }}{{ template "b" $x }}{{ end }}{{ define "b" }}<{{ . }}>{{ end }}{{ template "a" "v" }}{{ block "c" . }}{{ len . }}{{ end }}', d: JSON.stringify({ k: 1 }) },
  { t: '{{ define "t" }}{{ template "t" . }}{{ end }}{{ template "t" }}', d: '' },
  // batch 3: YAML keys and odd characters, lexer characters
  { t: '{{ toYaml . }}', d: JSON.stringify({ ['k'.repeat(129)]: 1, ['j'.repeat(128)]: { a: 1 }, 'multi\nkey': [1], 'x: y': 'v', '- a': 'b', '? q': 'r' }) },
  ...['a\u2028b', 'line1\r\nline2', '\ttab first', 'trailing\n\n', ' \nx', '\ufeffx', 'a\u0000b', 'a\u007fb', 'a\u0080b', 'a\u009fb', 'a\u00a0b', 'a\uffffb', 'a\ufffdb', 'x\u0085'].map((v) => ({ t: '[{{ toYaml . }}]', d: JSON.stringify({ v }) })),
  { t: '{{ toYaml . }}', d: JSON.stringify({ long: { nested: { deeper: { deepest: 'the quick brown fox jumps over the lazy dog and keeps running far beyond the width' } } } }) },
  { t: '{{ toYaml . }}', d: JSON.stringify(['- ' + 'z '.repeat(50), "a'b c".repeat(20), 'x\ty '.repeat(20)]) },
  { t: '{{ .x /* c */ }}', d: '' },
  { t: '{{ .x # }}', d: '' },
  { t: '{{ "a" "b" }}', d: '' },
  { t: '{{ .x }}{{/* unclosed', d: '' },
  { t: '{{- /* ok */ -}}\n  {{ "v" }}  {{- /* ok */}}', d: '' },
  // parse errors
  ...['{{ foo }}', '{{ if true }}x', 'x{{ end }}', 'x{{ else }}', '{{ $x }}', '{{ break }}', '{{ "a" | "b" }}', '{{ }}', '{{ "abc }}', '{{ 1 ',
    '{{ define "a" }}1{{ end }}{{ define "a" }}2{{ end }}', '{{ $a, $b := 1 }}', '{{/* x */ 3}}', '{{ if true }}{{ $x := 1 }}{{ end }}{{ $x }}',
    '{{ range $a, $b, $c := . }}{{ end }}', '{{ .a b }}', '{{ 3x }}', '{{ ( 1 }}', '{{ ) }}', '{{ template x }}', '{{ define "x" }}', 'a\nb\n{{ nope }}', '{{ else if }}',
    '{{ if }}{{ end }}', '{{ with }}{{ end }}', '{{ $x := 1 }}{{ $x := }}', '{{ define "a" }}{{ end }}{{ define "a" }}x{{ end }}', '{{ template "a" 1 2 }}',
    '{{ range .x }}{{ else }}{{ else }}{{ end }}', '{{ if 1 }}{{ else }}{{ end }}{{ end }}', '{{ (1) (2) }}', '{{ .a.b(c) }}', '{{ "x"."y" }}', '{{ 1.2.3 }}', '{{ 0x }}',
    '{{ \'ab\' }}', '{{ "\\q" }}', '{{ `a\nb` }}', '{{ $x = 1 }}', '{{ break 1 }}', '{{ range . }}{{ break }}{{ end }}x', '{{ range }}{{ end }}', '{{ 1 | }}', '{{ | 1 }}', '{{ .a. }}', '{{ $ := 1 }}', '{{ "a".b }}', '{{ nil.b }}',
  ].map((t) => ({ t, d: '' })),
  ...fuzzCases(7, 150),
  ...fuzzCases(11, 150),
  ...printfFuzzCases(3, 300),
];
