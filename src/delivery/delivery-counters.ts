import { localDateOf } from '../rules/zoned-time';

/**
 * Per-member send counters as stored: each count belongs to the local day or calendar month named
 * next to it, so a count from an earlier day or month reads as 0 without any reset job.
 */
export interface StoredCounters {
  /** `YYYY-MM-DD` (local) of `marketingDay`. */
  marketingDayKey: string | null;
  marketingDay: number;
  /** `YYYY-MM` (local) of `marketingMonth` and `massMonth`. */
  marketingMonthKey: string | null;
  marketingMonth: number;
  massMonth: number;
}

/**
 * A marketing slot a delivery took (`key`), kept on the member's state until the slot is given
 * back: when the attempt that took it stopped before recording its outcome (its worker died), the
 * next attempt of the same delivery knows it holds a slot already, and that a customer-service
 * send may have gone out. `day` and `month` are the counters' keys the slot was counted under.
 */
export interface MarketingReservation {
  key: string;
  mass: boolean;
  day: string;
  month: string;
}

/** The reservation `key` holds on this state, if any. */
export function reservationOf(
  stored: { reservations?: readonly MarketingReservation[] } | null,
  key: string,
): MarketingReservation | null {
  return stored?.reservations?.find((r) => r.key === key) ?? null;
}

/**
 * The counts as they would be without `own` (a delivery deciding again must not count its own
 * earlier slot against itself).
 */
export function countsWithout(
  counts: CurrentCounts,
  own: MarketingReservation | null,
  now: Date,
  timeZone: string,
): CurrentCounts {
  if (!own) return counts;
  const { dayKey, monthKey } = counterKeys(now, timeZone);
  const sameMonth = own.month === monthKey;
  return {
    marketingSentToday: Math.max(0, counts.marketingSentToday - (own.day === dayKey ? 1 : 0)),
    marketingSentThisMonth: Math.max(0, counts.marketingSentThisMonth - (sameMonth ? 1 : 0)),
    massSendsThisMonth: Math.max(0, counts.massSendsThisMonth - (sameMonth && own.mass ? 1 : 0)),
  };
}

export interface CurrentCounts {
  marketingSentToday: number;
  marketingSentThisMonth: number;
  massSendsThisMonth: number;
}

/** The counts that apply at `now` (local day and month in `timeZone`). */
export function currentCounts(stored: StoredCounters | null, now: Date, timeZone: string): CurrentCounts {
  const { dayKey, monthKey } = counterKeys(now, timeZone);
  const sameMonth = stored?.marketingMonthKey === monthKey;
  return {
    marketingSentToday: stored?.marketingDayKey === dayKey ? stored.marketingDay : 0,
    marketingSentThisMonth: sameMonth ? stored.marketingMonth : 0,
    massSendsThisMonth: sameMonth ? stored.massMonth : 0,
  };
}

/** The local day (`YYYY-MM-DD`) and month (`YYYY-MM`) keys of `now`. */
export function counterKeys(now: Date, timeZone: string): { dayKey: string; monthKey: string } {
  const { year, month, day } = localDateOf(now, timeZone);
  const monthKey = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
  return { dayKey: `${monthKey}-${String(day).padStart(2, '0')}`, monthKey };
}
