import { describe, expect, it } from 'vitest';
import { formatGoDuration, parseGoDuration, timeQuote } from '../../src/go/time.js';

describe('time.ParseDuration', () => {
  it('parses time.ParseDuration syntax', () => {
    expect(parseGoDuration('1h30m')).toBe(5400000000000n);
    expect(parseGoDuration('1.5s')).toBe(1500000000n);
    expect(parseGoDuration('300ms')).toBe(300000000n);
    expect(parseGoDuration('-2us')).toBe(-2000n);
    expect(parseGoDuration('0')).toBe(0n);
    expect(parseGoDuration('1µs')).toBe(1000n);
  });

  it('rejects bad durations with Go messages', () => {
    expect(() => parseGoDuration('1x')).toThrow('time: unknown unit "x" in duration "1x"');
    expect(() => parseGoDuration('10')).toThrow('time: missing unit in duration "10"');
    expect(() => parseGoDuration('')).toThrow('time: invalid duration ""');
    expect(() => parseGoDuration('.s')).toThrow('time: invalid duration ".s"');
    expect(() => parseGoDuration('9999999999999h')).toThrow('time: invalid duration "9999999999999h"');
  });

  it('quotes the input the way the time package does, byte by byte beyond ASCII', () => {
    expect(timeQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(timeQuote('é\n')).toBe('"\\xc3\\xa9\\x0a"');
    expect(() => parseGoDuration('1é')).toThrow('time: unknown unit "\\xc3\\xa9" in duration "1\\xc3\\xa9"');
  });

  it('adds up mixed units and keeps fractions to the nanosecond', () => {
    expect(parseGoDuration('1h1m1s1ms1us1ns')).toBe(3661001001001n);
    expect(parseGoDuration('.5h')).toBe(1800000000000n);
    expect(parseGoDuration('+1s')).toBe(1000000000n);
    expect(parseGoDuration('-9223372036854775808ns')).toBe(-9223372036854775808n);
    expect(() => parseGoDuration('9223372036854775808ns')).toThrow('time: invalid duration');
  });
});

describe('time.Duration.String', () => {
  it('prints like Go', () => {
    expect(formatGoDuration(5400000000000n)).toBe('1h30m0s');
    expect(formatGoDuration(1500000n)).toBe('1.5ms');
    expect(formatGoDuration(0n)).toBe('0s');
    expect(formatGoDuration(999n)).toBe('999ns');
    expect(formatGoDuration(1500n)).toBe('1.5µs');
    expect(formatGoDuration(-61000000000n)).toBe('-1m1s');
    expect(formatGoDuration(90000000000n)).toBe('1m30s');
  });
});
