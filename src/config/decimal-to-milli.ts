/**
 * Converts a decimal written by a person (`0.1`, `1.2`, `0.95`) into exact integer thousandths
 * (`100`, `1200`, `950`), or `null` when that is impossible (more than 3 decimal places, not
 * finite, or beyond the safe-integer range).
 *
 * The rules engine does integer arithmetic only, and `x * 1000` is not exact in binary floating
 * point (`1.005 * 1000 === 1004.9999999999999`). The shortest decimal string that JavaScript
 * prints for a number is exactly what the person wrote in the file, so the digits are read from
 * that string instead.
 */
export function decimalToMilli(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  // Exponent notation appears only below 1e-6 (too many decimals) or from 1e21 (unsafe anyway).
  const match = /^(-?)(\d+)(?:\.(\d{1,3}))?$/.exec(String(value));
  if (!match) return null;
  const [, sign = '', whole = '0', fraction = ''] = match;
  const magnitude = Number(whole) * 1000 + Number(fraction.padEnd(3, '0'));
  if (!Number.isSafeInteger(magnitude)) return null;
  // Avoid producing -0 for an input of -0.
  return sign === '-' && magnitude !== 0 ? -magnitude : magnitude;
}
