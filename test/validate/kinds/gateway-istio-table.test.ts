import { describe, expect, it } from 'vitest';
import { check, errorOf } from '../helpers.js';

/**
 * Cases re-expressed as JSON from Istio's TestValidateGateway table (validation_test.go): `out` is
 * a substring of the expected error ('' = valid), `warning` a substring of the expected warning.
 */
const srv = (hosts: string[], port: Record<string, unknown>, tls?: Record<string, unknown>): Record<string, unknown> =>
  tls === undefined ? { hosts, port } : { hosts, port, tls };

const cases: { name: string; spec: unknown; out: string; warning: string }[] = [
  { name: 'empty', spec: {}, out: 'server', warning: '' },
  { name: 'happy domain', spec: { servers: [srv(['foo.bar.com'], { name: 'name1', number: 7, protocol: 'http' })] }, out: '', warning: '' },
  {
    name: 'gateway-api style ~ namespace without gateway semantics',
    spec: { servers: [srv(['~/foo.bar.com'], { name: 'name1', number: 7, protocol: 'http' })] },
    out: 'invalid namespace value',
    warning: '',
  },
  { name: 'invalid port', spec: { servers: [srv(['foo.bar.com'], { name: 'name1', number: 66000, protocol: 'http' })] }, out: 'port', warning: '' },
  {
    name: 'duplicate port names',
    spec: { servers: [srv(['foo.bar.com'], { name: 'foo', number: 80, protocol: 'http' }), srv(['scooby.doo.com'], { name: 'foo', number: 8080, protocol: 'http' })] },
    out: 'port names',
    warning: '',
  },
  { name: 'invalid domain', spec: { servers: [srv(['foo.*.bar.com'], { number: 7, protocol: 'http' })] }, out: 'domain', warning: '' },
  {
    name: 'valid httpsRedirect',
    spec: { servers: [srv(['bar.com'], { name: 'http', number: 80, protocol: 'http' }, { httpsRedirect: true })] },
    out: '',
    warning: '',
  },
  {
    name: 'invalid https httpsRedirect',
    spec: { servers: [srv(['bar.com'], { name: 'https', number: 80, protocol: 'https' }, { httpsRedirect: true })] },
    out: '',
    warning: 'tls.httpsRedirect should only be used with http servers',
  },
  {
    name: 'invalid partial wildcard',
    spec: { servers: [srv(['*bar.com'], { name: 'tls', number: 443, protocol: 'tls' }, { mode: 'ISTIO_MUTUAL' })] },
    out: 'partial wildcard "*bar.com" not allowed',
    warning: '',
  },
];

describe("Istio's TestValidateGateway cases", () => {
  it.each(cases)('$name', ({ spec, out, warning }) => {
    const res = check('Gateway', spec, { name: 'foo' });
    if (out === '') {
      expect(res.message).toBeUndefined();
    } else {
      expect(errorOf(res)).toContain(out);
    }
    if (warning !== '') expect(res.warnings.join('\n')).toContain(warning);
    else expect(res.warnings).toEqual([]);
  });
});
