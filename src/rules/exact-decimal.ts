/**
 * Writes `numerator / 10^scale` exactly as a decimal string without trailing zeros
 * (`exactDecimal(2962944n, 3)` → `"2962.944"`), so breakdowns can show the unrounded figure
 * without ever passing through floating point.
 */
export function exactDecimal(numerator: number | bigint, scale: number): string {
  if (typeof numerator === 'number' && numerator >= 0) {
    // Fast path for the common case (safe integers): earning formats two of these per transaction.
    const unit = 10 ** scale;
    const fraction = numerator % unit;
    const whole = (numerator - fraction) / unit;
    if (fraction === 0) return String(whole);
    let digits = String(fraction).padStart(scale, '0');
    let end = digits.length;
    while (digits.charCodeAt(end - 1) === 48) end -= 1;
    digits = digits.slice(0, end);
    return `${whole}.${digits}`;
  }
  const negative = numerator < 0;
  const digits = (negative ? -numerator : numerator).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** floor(a × b / divisor) for non-negative integers, exact at any size. */
export function floorMulDiv(a: number, b: number, divisor: number): number {
  const product = a * b;
  if (Number.isSafeInteger(product)) return (product - (product % divisor)) / divisor;
  return toSafeNumber((BigInt(a) * BigInt(b)) / BigInt(divisor));
}

/** A bigint result back to a number; beyond 2^53 it could not be stored exactly, which is a bug. */
export function toSafeNumber(value: bigint): number {
  const result = Number(value);
  if (!Number.isSafeInteger(result)) throw new RangeError(`${value} is beyond the exact integer range`);
  return result;
}
