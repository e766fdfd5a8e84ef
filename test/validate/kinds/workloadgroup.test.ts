import { describe, expect, it } from 'vitest';
import { validateWorkloadGroup } from '../../../src/validate/kinds/workloadgroup.js';
import { run } from './d-helpers.js';

const ok = { error: undefined, warnings: [] };
const probe = (p: unknown): unknown => ({ template: {}, probe: p });

describe('WorkloadGroup', () => {
  it('requires a template but does not check its address', () => {
    expect(run(validateWorkloadGroup, {}).error).toBe('template is required');
    expect(run(validateWorkloadGroup, { template: {} })).toEqual(ok);
    expect(run(validateWorkloadGroup, { template: { address: 'not an address!' } })).toEqual(ok);
  });
  it('rejects invalid metadata labels with the multierror text inside', () => {
    expect(run(validateWorkloadGroup, { template: {}, metadata: { labels: { '.': 'ok' } } }).error).toBe(
      'invalid labels: 1 error occurred:\n\t* invalid tag key: "."\n\n',
    );
  });
  it('requires a health-check method', () => {
    expect(run(validateWorkloadGroup, probe({})).error).toBe('unknown health check method <nil>');
    expect(run(validateWorkloadGroup, probe({ httpGet: null })).error).toBe('unknown health check method <nil>');
    expect(run(validateWorkloadGroup, probe({ grpc: { port: 5 } })).error).toBe(
      'unknown health check method *v1alpha3.ReadinessProbe_Grpc',
    );
  });
  it('checks httpGet port, scheme and header names', () => {
    expect(run(validateWorkloadGroup, probe({ httpGet: { port: 5 } }))).toEqual(ok);
    expect(run(validateWorkloadGroup, probe({ httpGet: {} })).error).toBe('port number 0 must be in the range 1..65535');
    expect(
      run(validateWorkloadGroup, probe({ httpGet: { port: 5, scheme: 'FTP', httpHeaders: [{ name: 'a_b' }, { name: '' }] } }))
        .error,
    ).toBe(
      '3 errors occurred:\n\t* httpGet.scheme must be one of "HTTPS", "HTTP"\n\t* header name a_b is not a valid header name\n\t* header name cannot be empty\n\n',
    );
  });
  it('checks tcpSocket and exec', () => {
    expect(run(validateWorkloadGroup, probe({ tcpSocket: { port: 5 } }))).toEqual(ok);
    expect(run(validateWorkloadGroup, probe({ tcpSocket: {} })).error).toBe('port number 0 must be in the range 1..65535');
    expect(run(validateWorkloadGroup, probe({ exec: { command: ['foo'] } }))).toEqual(ok);
    expect(run(validateWorkloadGroup, probe({ exec: {} })).error).toBe('exec.command is required');
  });
  it('rejects negative probe timings', () => {
    expect(run(validateWorkloadGroup, probe({ periodSeconds: -1, failureThreshold: -1, exec: { command: ['x'] } })).error).toBe(
      '2 errors occurred:\n\t* periodSeconds must be non-negative\n\t* failureThreshold must be non-negative\n\n',
    );
  });
});
