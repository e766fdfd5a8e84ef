import { describe, expect, it } from 'vitest';
import { ValidationResult, appendErr, plainErr } from '../../src/validate/result.js';
import { run } from '../gotemplate/helpers.js';

describe('in-place append in templates is unobservable', () => {
  it('a copy taken before the next append keeps its old contents', () => {
    expect(run('{{ $a := list }}{{ $a = append $a 1 }}{{ $b := $a }}{{ $a = append $a 2 }}{{ $b }} {{ $a }}')).toBe('[1] [1 2]');
  });

  it('a list read by the appended value itself is not extended in place', () => {
    expect(run('{{ $a := list 0 }}{{ $a = append $a 1 }}{{ $a = append $a (len $a) }}{{ $a }}')).toBe('[0 1 2]');
    expect(run('{{ $a := list }}{{ $a = append $a 1 }}{{ $a = append $a $a }}{{ $a }}')).toBe('[1 [1]]');
  });

  it('a list from the data is never changed', () => {
    const data = { L: ['x'] };
    expect(run('{{ $a := .L }}{{ range until 3 }}{{ $a = append $a . }}{{ end }}{{ $a }} {{ .L }}', data)).toBe('[x 0 1 2] [x]');
    expect(data.L).toEqual(['x']);
  });

  it('an inner := of the same name does not extend the outer list', () => {
    expect(run('{{ $a := list 1 }}{{ $a = append $a 2 }}{{ if true }}{{ $a := append $a 3 }}{{ $a }}{{ end }} {{ $a }}')).toBe('[1 2 3] [1 2]');
  });

  it('lists collected in a range, including mustAppend and push', () => {
    expect(run('{{ $a := list }}{{ range until 4 }}{{ $a = mustAppend $a . }}{{ end }}{{ $a = push $a 9 }}{{ $a }}')).toBe('[0 1 2 3 9]');
  });
});

describe('error lists share storage the way Go slices do', () => {
  it('appending to an older value does not change a newer one', () => {
    const base = appendErr(plainErr('a'), plainErr('b'));
    const left = appendErr(base, plainErr('c'));
    const right = appendErr(base, plainErr('d'));
    expect(base?.msgs).toEqual(['a', 'b']);
    expect(left?.msgs).toEqual(['a', 'b', 'c']);
    expect(right?.msgs).toEqual(['a', 'b', 'd']);
  });

  it('a result merged into another keeps its own messages when either grows', () => {
    const child = new ValidationResult().addError('c1').addError('c2');
    const parent = new ValidationResult().merge(child);
    child.addError('c3');
    parent.addError('p1');
    expect(child.errorMessage()).toBe('3 errors occurred:\n\t* c1\n\t* c2\n\t* c3\n\n');
    expect(parent.errorMessage()).toBe('3 errors occurred:\n\t* c1\n\t* c2\n\t* p1\n\n');
    const self = new ValidationResult().addError('x').addError('y');
    self.merge(self);
    expect(self.errorMessage()).toBe('4 errors occurred:\n\t* x\n\t* y\n\t* x\n\t* y\n\n');
  });
});
