import { describe, expect, it } from 'vitest';
import { goJsonString, marshalAs } from '../../src/k8s/go-json.js';

describe('Go encoding/json bytes', () => {
  it('escapes strings like Go (HTML-safe, line separators, broken surrogates)', () => {
    expect(goJsonString('a<b>&c')).toBe('"a\\u003cb\\u003e\\u0026c"');
    expect(goJsonString('x\u2028y\u2029')).toBe('"x\\u2028y\\u2029"');
    expect(goJsonString('tab\tnl\n"q"\\ \u0001')).toBe('"tab\\tnl\\n\\"q\\"\\\\ \\u0001"');
    expect(goJsonString('é😀')).toBe('"é😀"');
    expect(goJsonString('bad\uD800x')).toBe('"bad\\ufffdx"');
  });

  it('writes struct fields in declaration order and map keys sorted', () => {
    const bytes = marshalAs('Container', {
      resources: { limits: { memory: '1024Mi', cpu: '2000m' } },
      image: 'img',
      name: 'app',
      env: [{ value: 'a&b', name: 'X' }],
    });
    expect(bytes).toBe(
      '{"name":"app","image":"img","env":[{"name":"X","value":"a\\u0026b"}],"resources":{"limits":{"cpu":"2","memory":"1Gi"}}}',
    );
    const labels = marshalAs('ObjectMeta', { labels: { b: '1', '9': 'x', '10': 'y', A: 'z' } });
    expect(labels).toBe('{"labels":{"10":"y","9":"x","A":"z","b":"1"}}');
  });
});
