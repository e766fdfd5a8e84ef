import { describe, expect, it } from 'vitest';
import { validateWorkloadEntry } from '../../../src/validate/kinds/workloadentry.js';
import { run } from './d-helpers.js';

const ok = { error: undefined, warnings: [] };

describe('WorkloadEntry', () => {
  it('accepts IPs, FQDNs and absolute unix sockets', () => {
    expect(run(validateWorkloadEntry, { address: '1.2.3.4' })).toEqual(ok);
    expect(run(validateWorkloadEntry, { address: '2001:db8::1', ports: { http: 80 } })).toEqual(ok);
    expect(run(validateWorkloadEntry, { address: 'validdns.com', ports: { '7777': 7777 } })).toEqual(ok);
    expect(run(validateWorkloadEntry, { address: 'unix:///lon/google/com' })).toEqual(ok);
    expect(run(validateWorkloadEntry, { address: 'unix://@abstract' })).toEqual(ok);
    // netutil.IsValidIPAddress uses netip, so an IPv6 zone is fine.
    expect(run(validateWorkloadEntry, { address: 'fe80::1%eth0' })).toEqual(ok);
  });
  it('requires an address unless a network is given, then only warns', () => {
    expect(run(validateWorkloadEntry, {}).error).toBe('address is required');
    expect(run(validateWorkloadEntry, { labels: { '.': 'x' } }).error).toBe('address is required');
    expect(run(validateWorkloadEntry, { network: 'network-2' })).toEqual({
      error: undefined,
      warnings: ['address is unset with network "network-2"'],
    });
  });
  it('rejects unix endpoints with ports or relative paths', () => {
    expect(run(validateWorkloadEntry, { address: 'unix:///lon/google/com', ports: { '7777': 7777 } }).error).toBe(
      'unix endpoint unix:///lon/google/com must not include ports',
    );
    expect(run(validateWorkloadEntry, { address: 'unix://relative/sock' }).error).toBe(
      'relative/sock is not an absolute path to a file',
    );
    expect(run(validateWorkloadEntry, { address: 'unix://' }).error).toBe('unix address must not be empty');
  });
  it('rejects an address that is neither IP nor FQDN', () => {
    expect(run(validateWorkloadEntry, { address: 'invaliddns.com:9443' }).error).toBe(
      'endpoint address "invaliddns.com:9443" is not a valid FQDN or an IP address',
    );
  });
  it('checks port names and numbers, and labels', () => {
    expect(run(validateWorkloadEntry, { address: '1.2.3.4', ports: { 'bad_name': 80, ok: 0 } }).error).toBe(
      '2 errors occurred:\n\t* invalid port name: bad_name\n\t* port number 0 must be in the range 1..65535\n\n',
    );
    expect(run(validateWorkloadEntry, { address: '1.2.3.4', labels: { '.': '~' } }).error).toBe(
      '1 error occurred:\n\t* invalid tag key: "."\n\t* invalid tag value: "~"\n\n'.replace('1 error', '2 errors'),
    );
  });
});
