import type { RewardPeriod } from '../config/program-schema';
import { formatIsoDate } from './local-date';
import { redemptionPeriod } from './redemption-period';
import { localDateOf } from './zoned-time';

/**
 * The key a member's redemptions of a reward are counted under for a per-member limit
 * (`redemptionCounts['<rewardId>|<period>|<first local day of the window>']`): one counter per
 * window, so the count and the limit check live in the member document and are updated together
 * with the points (RULES.md §4 "1 per month" stays exact under concurrent requests).
 */
export function redemptionCountKey(
  rewardId: string,
  period: RewardPeriod,
  now: Date,
  context: { readonly signedUpAt: Date; readonly timeZone: string },
): string {
  const window = redemptionPeriod(period, now, context);
  const start = window.from ? formatIsoDate(localDateOf(window.from, context.timeZone)) : 'always';
  return `${rewardId}|${period}|${start}`;
}

/**
 * `counts` with `key` moved by `delta` (never below 0). Counting up also drops the same reward's
 * counters of other windows of the same period, which no limit reads any more; counting down (a
 * cancellation, perhaps of last month's redemption) touches only its own window's counter.
 */
export function withCount(
  counts: Readonly<Record<string, number>>,
  key: string,
  delta: number,
): Record<string, number> {
  if (delta <= 0) {
    if (!(key in counts)) return { ...counts };
    return { ...counts, [key]: Math.max(0, (counts[key] ?? 0) + delta) };
  }
  const prefix = key.slice(0, key.lastIndexOf('|') + 1);
  const next: Record<string, number> = {};
  for (const [other, value] of Object.entries(counts)) {
    if (other !== key && other.startsWith(prefix)) continue;
    next[other] = value;
  }
  next[key] = (counts[key] ?? 0) + delta;
  return next;
}
