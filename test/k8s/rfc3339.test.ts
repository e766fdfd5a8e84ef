import { describe, expect, it } from 'vitest';
import { normalizeAs } from '../../src/k8s/normalize.js';
import { formatRfc3339, parseRfc3339 } from '../../src/k8s/rfc3339.js';

const roundTrip = (s: string) => formatRfc3339(parseRfc3339(s));

describe('metav1.Time parsing (time.Parse with RFC3339)', () => {
  it('accepts what Go accepts and marshals UTC at second precision', () => {
    expect(roundTrip('2024-05-06T07:08:09Z')).toBe('2024-05-06T07:08:09Z');
    expect(roundTrip('2024-05-06T07:08:09.999+02:00')).toBe('2024-05-06T05:08:09Z');
    expect(roundTrip('2024-05-06T7:08:09,5Z')).toBe('2024-05-06T07:08:09Z'); // one-digit hour, comma fraction
    expect(roundTrip('0012-02-29T00:00:00-01:00')).toBe('0012-02-29T01:00:00Z');
    expect(roundTrip('0001-01-01T00:00:00Z')).toBeNull(); // the zero time marshals as null
  });

  it.each([
    ['410-00-00T23:60:00.z', 'parsing time "410-00-00T23:60:00.z" as "2006-01-02T15:04:05Z07:00": cannot parse "00-00T23:60:00.z" as "2006"'],
    ['2024-13-29T5:60:60+02:0', 'parsing time "2024-13-29T5:60:60+02:0": month out of range'],
    ['6126-8-30 24:60:60.', 'parsing time "6126-8-30 24:60:60." as "2006-01-02T15:04:05Z07:00": cannot parse "8-30 24:60:60." as "01"'],
    ['2024-02-36T23:59:13.+2:00', 'parsing time "2024-02-36T23:59:13.+2:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"'],
    ['1999-02-29T09:00:00Z', 'parsing time "1999-02-29T09:00:00Z": day out of range'],
    ['2024-05-06T07:08:09', 'parsing time "2024-05-06T07:08:09" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"'],
    ['2024-05-06T07:08:09Zjunk', 'parsing time "2024-05-06T07:08:09Zjunk": extra text: "junk"'],
    ['2024-05-06T07:08:09+25:00', 'parsing time "2024-05-06T07:08:09+25:00": time zone offset hour out of range'],
  ])('rejects %j like Go', (input, message) => {
    expect(() => parseRfc3339(input)).toThrow(message);
    expect(() => normalizeAs('PodStatus', { startTime: input })).toThrow(message);
  });
});
