import type { Program } from '../config/program-schema';

type VoucherCodeSettings = Program['redemption']['voucherCode'];

/**
 * A voucher code of `length` characters from `alphabet`, drawn from random bytes the caller
 * supplies (`crypto.randomBytes(voucherCodeByteCount(settings))`), so this stays pure and testable.
 *
 * Rejection sampling keeps every character equally likely: a byte is used only if it is below the
 * largest multiple of the alphabet size that fits in 256 (248 for 31 characters), since `byte % 31`
 * over all 256 values would favour the first 8 characters. Returns null in the rare case the bytes
 * run out (probability about 10^-9 with the recommended count); the caller draws fresh bytes.
 * Uniqueness is the voucher collection's unique index's job.
 */
export function generateVoucherCode(randomBytes: Uint8Array, settings: VoucherCodeSettings): string | null {
  const size = settings.alphabet.length;
  const limit = 256 - (256 % size);
  let code = '';
  for (const byte of randomBytes) {
    if (byte >= limit) continue;
    code += settings.alphabet[byte % size];
    if (code.length === settings.length) return code;
  }
  return null;
}

/** Twice the code length: enough that running out of accepted bytes practically never happens. */
export function voucherCodeByteCount(settings: VoucherCodeSettings): number {
  return settings.length * 2;
}
