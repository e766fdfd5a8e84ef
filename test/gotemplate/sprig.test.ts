import { describe, expect, it } from 'vitest';
import { errorOf, run } from './helpers.js';
import { SPRIG_FUNCS } from '../../src/gotemplate/sprig.js';

describe('sprig defaults and logic', () => {
  it('default uses sprig empty()', () => {
    expect(run('{{ default "d" "" }}|{{ default "d" "x" }}|{{ "" | default "d" }}|{{ 0 | default 5 }}|{{ default "d" .missing }}|{{ default "d" (list) }}|{{ false | default "f" }}')).toBe(
      'd|x|d|5|d|d|f',
    );
  });
  it('empty, coalesce, ternary', () => {
    expect(run('{{ empty "" }} {{ empty 0 }} {{ empty (list 1) }} {{ empty .m }}', { m: {} })).toBe('true true false true');
    expect(run('{{ coalesce "" 0 "x" "y" }}|{{ coalesce "" 0 }}')).toBe('x|<no value>');
    expect(run('{{ ternary "a" "b" true }}{{ ternary "a" "b" false }}')).toBe('ab');
  });
  it('fail raises a template error; Helm\'s required is not a sprig function', () => {
    expect(errorOf('{{ fail "boom" }}')).toBe('template: t:1:3: executing "t" at <fail "boom">: error calling fail: boom');
    expect(errorOf('{{ required "need x" .x }}')).toBe('template: t:1: function "required" not defined');
  });
  it('all and any', () => {
    expect(run('{{ all 1 "a" true }} {{ all 1 "" }} {{ any 0 "" }} {{ any 0 "x" }}')).toBe('true false false true');
  });
});

describe('sprig strings', () => {
  it('quote and squote skip nil and stringify others', () => {
    expect(run('{{ quote "a" 1 .missing "b" }}|{{ quote "say \\"hi\\"" }}|{{ squote "x" 2 }}|{{ 15020.0 | quote }}')).toBe(
      '"a" "1" "b"|"say \\"hi\\""|\'x\' \'2\'|"15020"',
    );
  });
  it('nindent pads every line after a newline', () => {
    expect(run('{{ nindent 2 "a\\nb" }}')).toBe('\n  a\n  b');
  });
  it('trunc by bytes, from either end', () => {
    expect(run('{{ trunc 3 "abcdef" }}|{{ trunc -2 "abcdef" }}|{{ trunc 10 "ab" }}|{{ trunc 0 "ab" }}')).toBe('abc|ef|ab|');
  });
  it('trim family', () => {
    expect(run('[{{ trim "  x \\n" }}][{{ trimAll "-_." "--a.b__" }}][{{ trimPrefix "ab" "abc" }}][{{ trimSuffix "bc" "abc" }}]')).toBe(
      '[x][a.b][c][a]',
    );
  });
  it('contains, hasPrefix, hasSuffix', () => {
    expect(run('{{ contains "b" "abc" }} {{ hasPrefix "a" "abc" }} {{ hasSuffix "a" "abc" }}')).toBe('true true false');
  });
  it('join, split, splitList, replace', () => {
    expect(run('{{ join "," (list "a" 1 .missing) }}|{{ join "-" "single" }}|{{ (split "," "a,b")._1 }}|{{ split "," "a,b" }}|{{ splitList "," "a,b,c" }}|{{ replace "a" "x" "banana" }}')).toBe(
      'a,1|single|b|map[_0:a _1:b]|[a b c]|bxnxnx',
    );
  });
  it('case, title, repeat, base64, toString', () => {
    expect(run('{{ lower "AbC" }} {{ upper "abc" }} {{ title "hello wORLD-x" }} {{ repeat 3 "ab" }} {{ b64enc "hi" }} {{ b64dec "aGk=" }} {{ toString 1.5 }} {{ toString 15020.0 }}')).toBe(
      'abc ABC Hello WORLD-X ababab aGk= hi 1.5 15020',
    );
  });
  it('regexMatch and regexReplaceAll follow Go regexp expansion', () => {
    expect(run('{{ regexMatch "^a.c$" "abc" }} {{ regexMatch "^b" "abc" }}')).toBe('true false');
    expect(run('{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}|{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}')).toBe('-W-xxW-|---');
  });
});

describe('sprig paths and splitting', () => {
  it('base, dir, clean, ext, isAbs follow Go\'s path package', () => {
    expect(run('{{ base "/a/b.txt" }} {{ base "/a/b/" }} {{ base "" }} {{ dir "/a/b/c" }} {{ dir "a/b/" }} {{ dir "x" }} {{ clean "/a/../b/./c//" }} {{ ext "f.tar.gz" }} {{ isAbs "/x" }}')).toBe(
      'b.txt b . /a/b a/b . /b/c .gz true',
    );
  });
  it('splitn and untilStep', () => {
    expect(run('{{ splitn "," 2 "a,b,c" }} {{ untilStep 1 10 3 }} {{ untilStep 5 0 -2 }}')).toBe('map[_0:a _1:b,c] [1 4 7] [5 3 1]');
  });
});

describe('sprig numbers', () => {
  it('conversions return ints (and float64 for float64)', () => {
    expect(run('{{ atoi "42" }} {{ atoi "x" }} {{ int "42" }} {{ int 3.9 }} {{ int64 "0x10" }} {{ float64 "1.5" }} {{ float64 2 }}')).toBe(
      '42 0 42 3 16 1.5 2',
    );
    expect(run('{{ eq (atoi "3") 3 }}')).toBe('true');
    expect(run('{{ int "1.0" }} {{ int "1." }} {{ int "0x1_0" }} {{ int " 1" }} {{ float64 "1e3" }} {{ float64 " 1" }} {{ int true }} {{ int .missing }}')).toBe(
      '1 0 16 0 1000 0 1 0',
    );
  });
  it('arithmetic is int64 arithmetic', () => {
    expect(run('{{ add 1 2 3 }} {{ add 1.5 1 }} {{ sub 5 2 }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ mod 7 3 }} {{ max 1 5 3 }} {{ min 4 2 8 }}')).toBe(
      '6 2 3 24 3 1 5 2',
    );
    expect(errorOf('{{ div 1 0 }}')).toBe('template: t:1:3: executing "t" at <div 1 0>: error calling div: runtime error: integer divide by zero');
  });
  it('arithmetic results are int64: they compare as ints but do not fit an int parameter', () => {
    expect(run('{{ add 1 2 }} {{ printf "%T" (sub 3 1) }} {{ eq (mul 2 2) 4 }} {{ range (add 1 1) }}{{ printf "%T" . }}{{ end }}')).toBe('3 int64 true int64int64');
    expect(errorOf('{{ trunc (sub 3 1) "abc" }}')).toBe('template: t:1:16: executing "t" at <1>: wrong type for value; expected int; got int64');
  });
  it('until counts', () => {
    expect(run('{{ until 3 }} {{ until 0 }}')).toBe('[0 1 2] []');
  });
});

describe('sprig lists', () => {
  it('list, append, prepend, first, last, uniq, has', () => {
    expect(run('{{ list 1 "a" }} {{ append (list 1) 2 }} {{ prepend (list 1) 0 }} {{ first (list 1 2) }} {{ last (list 1 2) }} {{ uniq (list 1 1 2) }} {{ has 2 (list 1 2) }} {{ has 3 .missing }}')).toBe(
      '[1 a] [1 2] [0 1] 1 2 [1 2] true false',
    );
  });
  it('append on nil or a non-list fails like sprig', () => {
    expect(errorOf('{{ append .missing 1 }}')).toBe(
      'template: t:1:3: executing "t" at <append .missing 1>: error calling append: runtime error: invalid memory address or nil pointer dereference',
    );
    expect(errorOf('{{ append "s" 1 }}')).toBe('template: t:1:3: executing "t" at <append "s" 1>: error calling append: Cannot push on type string');
  });
  it('builds a list in a loop the way Istio\'s template does', () => {
    expect(run('{{ $c := list }}{{ range .l }}{{ if ne . "istio-proxy" }}{{ $c = append $c . }}{{ end }}{{ end }}{{ join "," $c }}', { l: ['a', 'istio-proxy', 'b'] })).toBe('a,b');
  });
});

describe('sprig dicts', () => {
  it('dict, get, set, unset, hasKey, keys, values', () => {
    expect(run('{{ dict "a" 1 "b" }}|{{ get (dict "a" 1) "a" }}|[{{ get (dict) "x" }}]|{{ $d := dict }}{{ $_ := set $d "k" "v" }}{{ $d }}|{{ hasKey $d "k" }}{{ $_ := unset $d "k" }}{{ hasKey $d "k" }}|{{ keys (dict "b" 1 "a" 2) | sortAlpha }}|{{ values (dict "a" "x") }}')).toBe(
      'map[a:1 b:]|1|[]|map[k:v]|truefalse|[a b]|[x]',
    );
  });
  it('pick keeps only the named keys', () => {
    expect(run('{{ pick (dict "a" 1 "b" 2 "c" 3) "a" "c" }}')).toBe('map[a:1 c:3]');
  });
  it('merge skips nil sources; mergeOverwrite copies empty and nil values too (mergo 1.0.1)', () => {
    const setup = '{{ $a := dict "t" true "s" "x" "keep" 1 }}{{ $b := dict "t" false "s" "" "n" nil "new" nil }}';
    expect(run(`${setup}{{ merge (deepCopy $a) $b }}`)).toBe('map[keep:1 s:x t:true]');
    expect(run(`${setup}{{ mergeOverwrite $a $b }}`)).toBe('map[keep:1 n:<nil> new:<nil> s: t:false]');
    expect(run('{{ merge (dict "e" "" "z" 0) (dict "e" "filled" "z" 5) }}')).toBe('map[e:filled z:5]');
  });
  it('set on a nil map fails like Go; dig walks nested maps', () => {
    expect(errorOf('{{ set .missing "k" 1 }}')).toMatch(/error calling set: assignment to entry in nil map$/);
    expect(run('{{ dig "a" "b" "def" (dict "a" (dict "b" 7)) }} {{ dig "a" "x" "def" (dict "a" (dict "b" 7)) }}')).toBe('7 def');
    expect(errorOf('{{ dig "a" "b" "def" (dict "a" 1) }}')).toMatch(/interface conversion: interface \{\} is int, not map\[string\]interface \{\}$/);
  });
  it('sprig\'s slice replaces Go\'s and only slices lists', () => {
    expect(run('{{ slice (list 1 2 3) 1 }} {{ slice (list 1 2 3) 0 2 }} {{ slice (list) }}')).toBe('[2 3] [1 2] <no value>');
    expect(errorOf('{{ slice "abc" 1 }}')).toMatch(/error calling slice: list should be type of slice or array but string$/);
  });
  it('merge keeps destination values, mergeOverwrite replaces them, both deep', () => {
    const setup = '{{ $a := dict "a" 1 "n" (dict "x" 1) }}{{ $b := dict "a" 2 "b" 3 "n" (dict "y" 2) }}';
    expect(run(`${setup}{{ merge $a $b }}`)).toBe('map[a:1 b:3 n:map[x:1 y:2]]');
    expect(run(`${setup}{{ mergeOverwrite $a $b }}`)).toBe('map[a:2 b:3 n:map[x:1 y:2]]');
  });
  it('deepCopy is independent of its source', () => {
    expect(run('{{ $d := dict "a" (list 1) }}{{ $c := deepCopy $d }}{{ $_ := set $c "a" 2 }}{{ $d.a }} {{ $c.a }}')).toBe('[1] 2');
  });
});

describe('sprig encoding', () => {
  it('toJson sorts keys and escapes HTML like encoding/json', () => {
    expect(run('{{ toJson (dict "b" 1 "a" (list "x" nil) "h" "<&>") }}')).toBe('{"a":["x",null],"b":1,"h":"\\u003c\\u0026\\u003e"}');
  });
  it('toPrettyJson indents by two spaces', () => {
    expect(run('{{ toPrettyJson (dict "a" (list 1)) }}')).toBe('{\n  "a": [\n    1\n  ]\n}');
  });
  it('fromJson decodes; bad input gives nil', () => {
    expect(run('{{ (fromJson "{\\"a\\":[1,2]}").a }}|{{ fromJson "bad" }}')).toBe('[1 2]|<no value>');
  });
});

describe('the whole TxtFuncMap is known', () => {
  it('defines every sprig v3.3.0 name, so any template Istio accepts also parses', () => {
    for (const name of ['now', 'date', 'semverCompare', 'genCA', 'uuidv4', 'camelcase', 'mustMerge', 'tuple', 'seq', 'addf', 'b32enc']) {
      expect(name in SPRIG_FUNCS).toBe(true);
    }
  });
  it('clock, certificate, semver and DNS helpers parse but fail when run, saying why', () => {
    expect(run('{{ if false }}{{ now }}{{ end }}ok')).toBe('ok');
    expect(errorOf('{{ semverCompare ">=1.2" "1.3" }}')).toBe(
      'template: t:1:3: executing "t" at <semverCompare ">=1.2" "1.3">: error calling semverCompare: semverCompare is not supported by mesh-admission\'s template engine',
    );
  });
  it('decimal arithmetic works on the shortest decimal form, as shopspring/decimal does', () => {
    expect(run('{{ addf 0.1 0.2 }} {{ divf 1 3 }} {{ mulf 1.1 3 }}')).toBe('0.3 0.3333333333333333 3.3');
  });
});
