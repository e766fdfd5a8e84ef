import { describe, expect, it } from 'vitest';
import {
  goJSONSyntaxError,
  jwksURIError,
  parseJwks,
  validateRequestAuthentication,
} from '../../../src/validate/kinds/requestauthentication.js';
import { run } from './d-helpers.js';

const ok = { error: undefined, warnings: [] };
const RSA_PUBLIC = { kty: 'RSA', e: 'AQAB', kid: 'k', n: 'xAE7eB6qugXyCAG3yhh7pkDkT65pHymX' };
const one = (m: string): string => `1 error occurred:\n\t* ${m}\n\n`;

describe('Go JSON syntax errors', () => {
  it('matches encoding/json wording', () => {
    expect(goJSONSyntaxError('{"a":1}')).toBeUndefined();
    expect(goJSONSyntaxError('foo')).toBe("invalid character 'o' in literal false (expecting 'a')");
    expect(goJSONSyntaxError('x')).toBe("invalid character 'x' looking for beginning of value");
    expect(goJSONSyntaxError('{"a" 1}')).toBe("invalid character '1' after object key");
    expect(goJSONSyntaxError('{"a":1 "b"}')).toBe("invalid character '\"' after object key:value pair");
    expect(goJSONSyntaxError('{')).toBe('unexpected end of JSON input');
    expect(goJSONSyntaxError('[1 2]')).toBe("invalid character '2' after array element");
    expect(goJSONSyntaxError('{} x')).toBe("invalid character 'x' after top-level value");
  });
});

describe('JWKS parsing', () => {
  it('reads sets and single keys, flagging private material', () => {
    expect(parseJwks(JSON.stringify({ keys: [RSA_PUBLIC] }))).toEqual({ keys: [{ kty: 'RSA', hasPrivate: false }] });
    expect(parseJwks(JSON.stringify({ ...RSA_PUBLIC, d: 'secret' }))).toEqual({ keys: [{ kty: 'RSA', hasPrivate: true }] });
    expect(parseJwks(JSON.stringify({ keys: [{ kty: 'oct', k: 'abc' }] }))).toEqual({ keys: [{ kty: 'oct', hasPrivate: true }] });
  });
  it('reports jwx-style errors', () => {
    expect(parseJwks('foo')).toEqual({ err: "failed to unmarshal JWK set: invalid character 'o' in literal false (expecting 'a')" });
    expect(parseJwks('{"keys":[{"kty":"XYZ"}]}')).toEqual({
      err: 'failed to unmarshal JWK set: failed to decode key #0 in "keys": invalid key type from JSON (XYZ)',
    });
    expect(parseJwks('{}')).toEqual({ err: 'failed to unmarshal JWK set: failed to parse sole key in key set: invalid key type from JSON ()' });
  });
});

describe('jwksUri', () => {
  it('needs http(s) and a numeric port', () => {
    expect(jwksURIError('https://foo.com/cert')).toBeUndefined();
    expect(jwksURIError('http://foo.com:8080/cert')).toBeUndefined();
    expect(jwksURIError('foo.com')).toBe('URI scheme "" is not supported');
    expect(jwksURIError('ftp://foo.com')).toBe('URI scheme "ftp" is not supported');
    expect(jwksURIError('https://foo.com:not-a-number')).toBe('parse "https://foo.com:not-a-number": invalid port ":not-a-number" after host');
  });
});

describe('RequestAuthentication', () => {
  it('accepts empty and typical specs', () => {
    expect(run(validateRequestAuthentication, {})).toEqual(ok);
    expect(
      run(validateRequestAuthentication, {
        selector: { matchLabels: { app: 'a' } },
        jwtRules: [{ issuer: 'i', jwksUri: 'https://foo.com', fromHeaders: [{ name: 'x', prefix: 'Bearer ' }], fromParams: ['t'], outputClaimToHeaders: [{ header: 'x-sub', claim: 'sub' }], timeout: '5s' }],
      }),
    ).toEqual(ok);
    expect(run(validateRequestAuthentication, { jwtRules: [{ issuer: 'i', jwks: JSON.stringify({ keys: [RSA_PUBLIC] }) }] })).toEqual(ok);
  });
  it('formats a single rule problem as a one-element multierror', () => {
    expect(run(validateRequestAuthentication, { jwtRules: [{}] }).error).toBe(one('issuer or jwksUri must be non-empty string'));
    expect(run(validateRequestAuthentication, { jwtRules: [{ issuer: 'i', jwksUri: 'foo.com' }] }).error).toBe(
      one('URI scheme "" is not supported'),
    );
  });
  it('checks audiences, locations and claim headers', () => {
    expect(
      run(validateRequestAuthentication, {
        jwtRules: [{ issuer: 'i', audiences: [''], fromHeaders: [{ prefix: 'x' }], fromParams: [''], fromCookies: [''], outputClaimToHeaders: [{ header: 'abc%123', claim: 'c' }, { header: '', claim: 'c' }] }],
      }).error,
    ).toBe(
      '6 errors occurred:\n\t* audience must be non-empty string\n\t* location header name must be non-empty string\n\t* location query must be non-empty string\n\t* cookie name must be non-empty string\n\t* header name abc%123 is not a valid header name\n\t* outputClaimToHeaders header and claim value must be non-empty string\n\n',
    );
  });
  it('rejects bad jwks and sub-millisecond timeouts', () => {
    expect(run(validateRequestAuthentication, { jwtRules: [{ issuer: 'i', jwks: 'foo' }] }).error).toBe(
      one("jwks parse error: failed to unmarshal JWK set: invalid character 'o' in literal false (expecting 'a')"),
    );
    expect(run(validateRequestAuthentication, { jwtRules: [{ issuer: 'i', timeout: '1.5ms' }] }).error).toBe(
      one('only durations to ms precision are supported'),
    );
    expect(run(validateRequestAuthentication, { jwtRules: [{ issuer: 'i', timeout: '0s' }] }).error).toBe(one('duration must be greater than 1ms'));
  });
  it('warns when an inline JWKS carries private keys', () => {
    expect(run(validateRequestAuthentication, { jwtRules: [{ issuer: 'i', jwks: JSON.stringify({ keys: [RSA_PUBLIC, { ...RSA_PUBLIC, d: 'x' }] }) }] })).toEqual({
      error: undefined,
      warnings: ['jwks key at index 1 contains private key material; only public keys are used for verification'],
    });
  });
  it('applies targeting rules before the JWT rules', () => {
    expect(run(validateRequestAuthentication, { selector: { matchLabels: { '': 'x' } }, jwtRules: [{}] }).error).toBe(
      '2 errors occurred:\n\t* empty key is not supported in selector: "=x"\n\t* issuer or jwksUri must be non-empty string\n\n',
    );
  });
});
