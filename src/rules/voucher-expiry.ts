import { addLocalDays } from './local-date';
import { endOfLocalDay, localDateOf } from './zoned-time';

/**
 * When a voucher valid for `validityDays` stops being valid: the end (23:59:59.999 local) of the
 * day `validityDays` days after the local issue day. Issued on 14 March with 30 days, it is valid
 * through 13 April; the member always gets at least `validityDays × 24 h`, and the expiry reads as
 * a plain date ("4月13日前有效").
 */
export function voucherExpiresAt(issuedAt: Date, validityDays: number, timeZone: string): Date {
  return endOfLocalDay(addLocalDays(localDateOf(issuedAt, timeZone), validityDays), timeZone);
}
