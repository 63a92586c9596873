import { describe, expect, it } from 'vitest';
import { formatDouble, parseDouble, parseInt64, parseInteger } from '../src/protocol/numbers.js';

describe('formatDouble (C "%.17g", as Redis 7.0 replies doubles)', () => {
  // Expected strings were read from a real redis-server 7.0.15 (ZSCORE of the same score).
  it.each([
    [0.1, '0.10000000000000001'],
    [1.5, '1.5'],
    [3, '3'],
    [100, '100'],
    [-0.5, '-0.5'],
    [1 / 3, '0.33333333333333331'],
    [1e20, '1e+20'],
    [1e-5, '1.0000000000000001e-05'],
    [0.0001, '0.0001'],
    [Number('12345678901234567'), '12345678901234568'],
    // An exact decimal tie at the 18th digit rounds to even, as printf does (JS rounds it up).
    [2 ** -25, '2.9802322387695312e-08'],
    [Number.POSITIVE_INFINITY, 'inf'],
    [Number.NEGATIVE_INFINITY, '-inf'],
  ])('%d → %s', (d, want) => {
    expect(formatDouble(d)).toBe(want);
  });
});

describe('Redis number parsing', () => {
  it('string2ll is strict', () => {
    expect(parseInteger('42')).toBe(42);
    expect(parseInteger('-7')).toBe(-7);
    for (const bad of ['+1', '01', '-0', ' 1', '1 ', '', '1.0', '9223372036854775808']) expect(parseInteger(bad)).toBeNull();
    expect(parseInt64('9223372036854775807')).toBe(9223372036854775807n);
    expect(parseInt64('-9223372036854775808')).toBe(-9223372036854775808n);
  });

  it('strtod accepts what Redis accepts', () => {
    expect(parseDouble('1.5')).toBe(1.5);
    expect(parseDouble('.5')).toBe(0.5);
    expect(parseDouble('5.')).toBe(5);
    expect(parseDouble('1e3')).toBe(1000);
    expect(parseDouble('-inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(parseDouble('+Infinity')).toBe(Number.POSITIVE_INFINITY);
    expect(parseDouble('0x1p3')).toBe(8);
    for (const bad of ['', ' 1', '1 ', 'nan', 'abc', '1e', '--1']) expect(parseDouble(bad)).toBeNull();
  });
});
