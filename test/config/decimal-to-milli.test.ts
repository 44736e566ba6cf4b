import { describe, expect, it } from 'vitest';
import { decimalToMilli } from '../../src/config/decimal-to-milli';

describe('decimalToMilli', () => {
  it.each([
    [0.1, 100],
    [1.2, 1200],
    [1.4, 1400],
    [1.6, 1600],
    [0.5, 500],
    [2, 2000],
    [0.95, 950],
    [0.85, 850],
    // 1.005 * 1000 === 1004.9999999999999 in floating point; the digits say 1005.
    [1.005, 1005],
    [0.001, 1],
    [0, 0],
    [-0, 0],
    [-1.25, -1250],
    [123456.789, 123456789],
  ])('%d → %d', (value, milli) => {
    expect(decimalToMilli(value)).toBe(milli);
    expect(Object.is(decimalToMilli(value), milli)).toBe(true);
  });

  it.each([
    [0.0001],
    [1.0005],
    [0.1 + 0.2], // 0.30000000000000004
    [1e-7],
    [1e21],
    [Number.MAX_SAFE_INTEGER],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
  ])('%d → null', (value) => {
    expect(decimalToMilli(value)).toBeNull();
  });

  it('agrees with the decimal digits for every thousandth up to 20', () => {
    for (let milli = 0; milli <= 20_000; milli += 1) {
      const written = Number(`${Math.floor(milli / 1000)}.${String(milli % 1000).padStart(3, '0')}`);
      expect(decimalToMilli(written)).toBe(milli);
    }
  });
});
