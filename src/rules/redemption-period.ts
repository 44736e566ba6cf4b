import type { RewardPeriod } from '../config/program-schema';
import { addLocalMonths } from './local-date';
import { membershipYearAt } from './membership-year';
import { localDateOf, startOfLocalDay } from './zoned-time';

/** `[from, until)`; null bounds are open (the lifetime period has neither). */
export interface PeriodWindow {
  readonly from: Date | null;
  readonly until: Date | null;
}

/**
 * The window a per-member redemption limit counts in (RULES.md §4 "1 per month"), in local time:
 * the calendar month, the calendar year, the membership year, or the member's whole lifetime. The
 * data layer counts the member's redemptions of the reward with `from <= redeemedAt < until`.
 */
export function redemptionPeriod(
  period: RewardPeriod,
  now: Date,
  context: { readonly signedUpAt: Date; readonly timeZone: string },
): PeriodWindow {
  const { timeZone } = context;
  const today = localDateOf(now, timeZone);
  switch (period) {
    case 'month': {
      const first = { year: today.year, month: today.month, day: 1 };
      return {
        from: startOfLocalDay(first, timeZone),
        until: startOfLocalDay(addLocalMonths(first, 1), timeZone),
      };
    }
    case 'year':
      return {
        from: startOfLocalDay({ year: today.year, month: 1, day: 1 }, timeZone),
        until: startOfLocalDay({ year: today.year + 1, month: 1, day: 1 }, timeZone),
      };
    case 'membershipYear': {
      const year = membershipYearAt(context.signedUpAt, now, timeZone);
      return { from: year.startsAt, until: year.endsAt };
    }
    case 'lifetime':
      return { from: null, until: null };
  }
}
