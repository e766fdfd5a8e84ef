/**
 * Cases for sprig v3.3.0 (TxtFuncMap, with Istio's toYaml and indent on top) run through real Go by
 * `oracle-sprig.go.txt`; answers in sprig-answers.json. Regenerate with
 * `GO_TEMPLATE_ORACLE=<binary> ORACLE_SUITE=sprig npx tsx test/gotemplate/oracle/record.ts`.
 */
import type { OracleCase } from './cases.js';

const d = (v: unknown): string => JSON.stringify(v);

export const SPRIG_CASES: OracleCase[] = [
  // defaults and logic
  { t: '{{ default "d" "" }}|{{ default "d" "x" }}|{{ "" | default "d" }}|{{ 0 | default 5 }}|{{ default "d" .missing }}|{{ default "d" (list) }}|{{ false | default "f" }}|{{ default "d" .z }}|{{ default "d" .m }}|{{ default 1 .n }}', d: d({ z: 0, m: {}, n: null }) },
  { t: '{{ empty "" }} {{ empty 0 }} {{ empty (list 1) }} {{ empty .m }} {{ empty .f }} {{ empty .n }} {{ empty .missing }} {{ empty .s }}', d: d({ m: {}, f: 0.0, n: null, s: ' ' }) },
  { t: '{{ coalesce "" 0 "x" "y" }}|{{ coalesce "" 0 }}|{{ coalesce .a .b }}|{{ ternary "a" "b" true }}{{ ternary "a" "b" false }}|{{ all 1 "a" true }} {{ all 1 "" }} {{ any 0 "" }} {{ any 0 "x" }}', d: d({ a: null, b: 'B' }) },
  { t: '{{ fail "boom" }}', d: '' },
  { t: '{{ ternary "a" "b" "true" }}', d: '' },
  // strings
  { t: '{{ quote "a" 1 .missing "b" 1.5 true }}|{{ quote "say \\"hi\\"\\n" }}|{{ squote "x" 2 .missing }}|{{ .p | quote }}|{{ cat "a" 1 nil "b" }}|{{ quote }}', d: d({ p: 15020 }) },
  { t: '{{ indent 2 "a\\nb" }}|{{ nindent 2 "a\\nb" }}|{{ indent 0 "x" }}|{{ nindent 4 "" }}', d: '' },
  { t: '{{ indent -1 "x" }}', d: '' },
  { t: '{{ trunc 3 "abcdef" }}|{{ trunc -2 "abcdef" }}|{{ trunc 10 "ab" }}|{{ trunc 0 "ab" }}|{{ trunc -10 "ab" }}|{{ trunc 63 "-_.name-._" | trimAll "-_." }}', d: '' },
  { t: '[{{ trim "  x \\n" }}][{{ trimAll "-_." "--a.b__" }}][{{ trimPrefix "ab" "abc" }}][{{ trimSuffix "bc" "abc" }}][{{ trimSuffix "" "abc" }}][{{ trimall "x" "xaxx" }}]', d: '' },
  { t: '{{ contains "b" "abc" }} {{ hasPrefix "a" "abc" }} {{ hasSuffix "a" "abc" }} {{ contains "" "" }}', d: '' },
  { t: '{{ join "," (list "a" 1 .missing 2.5 true) }}|{{ join "-" "single" }}|{{ join "," .missing }}|{{ join "," .l }}|{{ join ", " .sm }}', d: d({ l: ['x', null, 'y'], sm: ['p', 'q'] }) },
  { t: '{{ (split "," "a,b")._1 }}|{{ split "," "a,b" }}|{{ splitList "," "a,b,c" }}|{{ splitList "" "ab" }}|{{ splitn "," 2 "a,b,c" }}|{{ replace "a" "x" "banana" }}|{{ replace "" "-" "ab" }}', d: '' },
  { t: '{{ lower "AbC" }} {{ upper "abc" }} {{ title "hello wORLD-x y_z 3d" }} {{ repeat 3 "ab" }} {{ nospace " a b\\tc " }} {{ substr 1 3 "abcdef" }} {{ substr -1 2 "abc" }} {{ substr 1 99 "abc" }}', d: '' },
  { t: '{{ repeat -1 "x" }}', d: '' },
  { t: '{{ b64enc "hi" }} {{ b64dec "aGk=" }} {{ b64dec "!!" }} {{ b64dec "aGk" }} {{ sha256sum "a" }} {{ sha1sum "a" }}', d: '' },
  { t: '{{ toString 1.5 }} {{ toString 15020.0 }} {{ toString .m }} {{ toString nil }} {{ toString true }} {{ toStrings (list 1 "a" nil) }}', d: d({ m: { a: 1 } }) },
  { t: '{{ regexMatch "^a.c$" "abc" }} {{ regexMatch "^b" "abc" }} {{ regexMatch "(" "x" }} {{ regexFind "[0-9]+" "ab12cd34" }} {{ regexFindAll "[0-9]" "a1b2c3" 2 }} {{ regexFindAll "[0-9]" "a1b2c3" -1 }}', d: '' },
  { t: '{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}|{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}|{{ regexReplaceAll "(?P<n>x+)" "axxb" "<$n>" }}|{{ regexReplaceAllLiteral "a(x*)b" "-ab-" "$1" }}|{{ regexSplit "[,;]" "a,b;c" -1 }}|{{ regexReplaceAll "(?i)A" "aAa" "b" }}|{{ regexReplaceAll "a" "aaa" "$$" }}', d: '' },
  // numbers
  { t: '{{ atoi "42" }} {{ atoi "x" }} {{ atoi "-7" }} {{ atoi "+3" }} {{ int "42" }} {{ int 3.9 }} {{ int -3.9 }} {{ int64 "0x10" }} {{ float64 "1.5" }} {{ float64 2 }} {{ int "1.0" }} {{ int "1." }} {{ int "0x1_0" }} {{ int " 1" }} {{ float64 "1e3" }} {{ float64 " 1" }} {{ int true }} {{ int .missing }} {{ int "017" }} {{ int "1e3" }} {{ float64 "inf" }} {{ float64 "0x1p4" }}', d: '' },
  { t: '{{ add 1 2 3 }} {{ add 1.5 1 }} {{ add "2" 3 }} {{ add }} {{ sub 5 2 }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ div -7 2 }} {{ mod 7 3 }} {{ mod -7 3 }} {{ max 1 5 3 }} {{ min 4 2 8 }} {{ add1 .f }} {{ eq (add 1 1) 2 }}', d: d({ f: 2.7 }) },
  { t: '{{ div 1 0 }}', d: '' },
  { t: '{{ printf "%d %v %T %x" (add 1 2) (mul 2 3) (sub 1 2) (max 10 255) }}|{{ eq (add 1 1) 2 }} {{ lt (sub 1 2) 0 }} {{ index (list "a" "b") (add 0 1) }}|{{ toJson (add 1 1) }} {{ add 1 2 | quote }} {{ if (sub 1 1) }}t{{ else }}f{{ end }}', d: '' },
  { t: '{{ until (add 1 2) }}', d: '' },
  { t: '{{ trunc (sub 3 1) "abc" }}', d: '' },
  { t: '{{ repeat (int64 2) "ab" }}', d: '' },
  { t: '{{ until 3 }} {{ until 0 }} {{ until -2 }} {{ untilStep 1 10 3 }} {{ untilStep 5 0 -2 }} {{ untilStep 0 5 0 }}', d: '' },
  // lists
  { t: '{{ list 1 "a" }} {{ append (list 1) 2 }} {{ prepend (list 1) 0 }} {{ first (list 1 2) }} {{ last (list 1 2) }} {{ first (list) }} {{ rest (list 1 2 3) }} {{ initial (list 1 2 3) }} {{ reverse (list 1 2 3) }}', d: '' },
  { t: '{{ uniq (list 1 1 2 "a" "a" .m .m) }} {{ has 2 (list 1 2) }} {{ has 3 .missing }} {{ has "1" (list 1) }} {{ compact (list 0 1 "" "a" nil false .m) }} {{ without (list 1 2 3 2) 2 }} {{ concat (list 1) (list 2 3) }}', d: d({ m: { k: 1 } }) },
  { t: '{{ slice (list 1 2 3) 1 }} {{ slice (list 1 2 3) 0 2 }} {{ slice (list) }} {{ slice (list 1 2 3) }} {{ first .l }} {{ last .l }}', d: d({ l: ['x', 'y'] }) },
  { t: '{{ append .missing 1 }}', d: '' },
  { t: '{{ append "s" 1 }}', d: '' },
  { t: '{{ has 1 "s" }}', d: '' },
  { t: '{{ slice "abc" 1 }}', d: '' },
  { t: '{{ concat (list 1) 2 }}', d: '' },
  { t: '{{ $c := list }}{{ range .l }}{{ if ne . "istio-proxy" }}{{ $c = append $c . }}{{ end }}{{ end }}{{ join "," $c }}', d: d({ l: ['a', 'istio-proxy', 'b'] }) },
  { t: '{{ sortAlpha (list "b" "a" "B" 1) }} {{ sortAlpha .missing }}', d: '' },
  // dicts
  { t: '{{ dict "a" 1 "b" }}|{{ get (dict "a" 1) "a" }}|[{{ get (dict) "x" }}]|{{ $d := dict }}{{ $_ := set $d "k" "v" }}{{ $d }}|{{ hasKey $d "k" }}{{ $_ := unset $d "k" }}{{ hasKey $d "k" }}|{{ keys (dict "b" 1 "a" 2) | sortAlpha }}|{{ values (dict "a" "x") }}|{{ dict 1 2 }}|{{ dict nil 1 }}', d: '' },
  { t: '{{ pick (dict "a" 1 "b" 2 "c" 3) "a" "c" "z" }} {{ omit (dict "a" 1 "b" 2) "a" }} {{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }}', d: '' },
  { t: '{{ $a := dict "a" 1 "n" (dict "x" 1) "l" (list 1) "e" "" "z" 0 "s" "keep" }}{{ $b := dict "a" 2 "b" 3 "n" (dict "y" 2) "l" (list 2) "e" "filled" "z" 5 "s" (dict "m" 1) "nil" nil }}{{ merge (deepCopy $a) $b }}|{{ mergeOverwrite (deepCopy $a) $b }}', d: '' },
  { t: '{{ $a := dict "t" true "s" "x" "keep" 1 "n" (dict "x" 1) }}{{ $b := dict "t" false "s" "" "n" nil "new" nil "e" (list) "m" (dict) }}{{ merge (deepCopy $a) $b }}|{{ mergeOverwrite $a $b }}', d: '' },
  { t: '{{ merge .a .b }}|{{ mergeOverwrite .a .c }}', d: d({ a: { x: { y: 1, z: [1] } }, b: { x: { y: 2, w: 3 } }, c: { x: { z: [] } } }) },
  { t: '{{ $d := dict "a" (list 1) }}{{ $c := deepCopy $d }}{{ $_ := set $c "a" 2 }}{{ $d.a }} {{ $c.a }}', d: '' },
  { t: '{{ set .missing "k" 1 }}', d: '' },
  { t: '{{ dig "a" "b" "def" (dict "a" (dict "b" 7)) }} {{ dig "a" "x" "def" (dict "a" (dict "b" 7)) }} {{ dig "x" "def" .m }}', d: d({ m: { x: null } }) },
  { t: '{{ dig "a" "b" "def" (dict "a" 1) }}', d: '' },
  // encoding
  { t: '{{ toJson (dict "b" 1 "a" (list "x" nil) "h" "<&>") }}|{{ toPrettyJson (dict "a" (list 1)) }}|{{ toRawJson (dict "h" "<&>") }}|{{ toJson .missing }}|{{ toPrettyJson (list) }}', d: '' },
  { t: '{{ (fromJson "{\\"a\\":[1,2]}").a }}|{{ fromJson "bad" }}|{{ fromJson "1" }}|{{ fromJson "\\"s\\"" }}|{{ toYaml (fromJson "{\\"b\\":[{\\"c\\":null}],\\"a\\":1.5}") }}', d: '' },
  { t: '{{ typeOf 1 }} {{ typeOf 1.5 }} {{ typeOf "s" }} {{ typeOf .m }} {{ typeOf .l }} {{ typeOf nil }} {{ kindOf 1 }} {{ kindOf .m }} {{ kindOf .l }} {{ kindIs "map" .m }} {{ typeOf (add 1 1) }} {{ typeOf (int64 1) }} {{ typeOf (int 1) }} {{ typeOf (atoi "1") }} {{ typeOf (list) }} {{ typeOf (split "," "a") }}', d: d({ m: {}, l: [] }) },
  { t: '{{ deepEqual (list 1 (dict "a" 1)) (list 1 (dict "a" 1)) }} {{ deepEqual 1 1.0 }}', d: '' },
  { t: '{{ base "/a/b.txt" }} {{ base "/a/b/" }} {{ base "" }} {{ dir "/a/b/c" }} {{ dir "a/b/" }} {{ dir "x" }} {{ clean "/a/../b/./c//" }} {{ ext "f.tar.gz" }} {{ isAbs "/x" }}', d: '' },
  // the remaining deterministic TxtFuncMap names
  { t: '{{ addf 0.1 0.2 }} {{ add1f 1.5 }} {{ subf 1 0.9 }} {{ mulf 1.1 3 }} {{ divf 1 3 }} {{ divf 10 4 }} {{ maxf 1 2.5 "3" }} {{ minf 1 -2.5 }} {{ floor 1.7 }} {{ ceil 1.2 }} {{ round 3.14159 2 }} {{ round 2.5 0 }} {{ round 1.25 1 0.6 }}', d: '' },
  { t: '{{ toDecimal "0777" }} {{ toDecimal 17 }} {{ toDecimal "9" }} {{ toDecimal "-17" }} {{ seq 3 }} | {{ seq 2 5 }} | {{ seq 5 2 }} | {{ seq 0 2 10 }} | {{ seq 10 -3 1 }} | {{ seq 1 2 3 4 }} | {{ seq -2 }}', d: '' },
  { t: '{{ chunk 2 (list 1 2 3 4 5) }} {{ chunk 3 (list) }} {{ plural "one" "many" 1 }} {{ plural "one" "many" 2 }} {{ untitle "Hello World" }} {{ tuple 1 "a" }} {{ biggest 3 9 2 }} {{ hello }}', d: '' },
  { t: '{{ sha512sum "a" }} {{ adler32sum "Wikipedia" }} {{ b32enc "hi!" }} {{ b32dec "NBUSC===" }} {{ b32dec "x" }} {{ regexQuoteMeta "a.b*c[d]" }}', d: '' },
  { t: '{{ typeIs "int" 1 }} {{ typeIs "string" 1 }} {{ typeIsLike "float64" 1.5 }} {{ osBase "/a/b" }} {{ osDir "/a/b" }} {{ osExt "x.y" }} {{ mustToJson (list 1) }} {{ (mustFromJson "[1]") }} {{ mustRegexMatch "a" "cat" }} {{ mustFirst (list 3) }} {{ mustAppend (list 1) 2 }}', d: '' },
  { t: '{{ chunk 2 "s" }}', d: '' },
  { t: '{{ len (randAlphaNum 5) }} {{ len uuidv4 }} {{ len (randNumeric 3) }}', d: '' },
  { t: '{{ abbrev 5 "hello world" }}|{{ abbrev 3 "hello" }}|{{ abbrev 20 "short" }}|{{ abbrevboth 5 10 "1234 5678 9123 4567" }}|{{ abbrevboth 0 6 "abcdefghij" }}|{{ initials "First Try  x" }}|{{ swapcase "Hello WORLD ab" }}', d: '' },
  { t: '{{ wrap 10 "the quick brown fox jumps over the lazy dog" }}|{{ wrapWith 5 "\\t" "Hello World supercalifragilistic" }}|{{ wrap 3 "abcdefgh ij" }}', d: '' },
  // appends that collect in place (the executor extends a list only the assigned variable holds)
  { t: '{{ $l := list }}{{ range .l }}{{ $l = append $l . }}{{ end }}{{ $l }}|{{ $m := $l }}{{ $l = append $l 9 }}{{ $m }}{{ $l }}|{{ $l = append $l (len $l) }}{{ $l }}', d: d({ l: [1, 2] }) },
  { t: '{{ $l := list }}{{ range .l }}{{ $l = append $l ($b := .) }}{{ end }}{{ $l }}', d: d({ l: [1, 2] }) },
  { t: '{{ $l := list 0 }}{{ range .l }}{{ $l = append $l $l }}{{ end }}{{ len $l }}{{ $l }}', d: d({ l: [1, 2] }) },
];
