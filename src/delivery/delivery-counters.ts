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
