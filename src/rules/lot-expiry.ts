import type { Program } from '../config/program-schema';
import { addLocalMonths, lastDayOfMonth } from './local-date';
import { endOfLocalDay, localDateOf } from './zoned-time';

type ExpirySettings = Pick<Program, 'expiry' | 'timezone'>;

/**
 * When a lot of points credited at `creditedAt` expires (RULES.md §3): with `endOfMonth`, at
 * 23:59:59.999 local time on the last day of the calendar month `expiry.months` after the local
 * month of the credit (credited 2026-03-14 → 2029-03-31T23:59:59.999+08:00). Without it, at the
 * end of the same local day `months` later, clamped to a shorter month (31 Jan → 28/29 Feb).
 *
 * A lot is expired at `now` when `expiresAt <= now`.
 */
export function lotExpiresAt(creditedAt: Date, program: ExpirySettings): Date {
  const { timezone, expiry } = program;
  const credited = localDateOf(creditedAt, timezone);
  if (!expiry.endOfMonth) return endOfLocalDay(addLocalMonths(credited, expiry.months), timezone);
  // The result depends only on the local month, so it is memoised per program (programs are
  // long-lived frozen objects): earning computes one per transaction, and a ledger spans only a few
  // hundred distinct months.
  let cache = monthEndCaches.get(program);
  if (!cache) {
    cache = new Map();
    monthEndCaches.set(program, cache);
  }
  const monthIndex = credited.year * 12 + credited.month;
  let expiresAtMs = cache.get(monthIndex);
  if (expiresAtMs === undefined) {
    const target = lastDayOfMonth(addLocalMonths({ ...credited, day: 1 }, expiry.months));
    expiresAtMs = endOfLocalDay(target, timezone).getTime();
    if (cache.size >= 10_000) cache.clear();
    cache.set(monthIndex, expiresAtMs);
  }
  return new Date(expiresAtMs);
}

const monthEndCaches = new WeakMap<ExpirySettings, Map<number, number>>();
