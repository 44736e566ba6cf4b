import { addLocalDays, type LocalDate } from '../rules/local-date';
import { localDateOf, startOfLocalDay } from '../rules/zoned-time';

/** One ISO week (Monday to Sunday) on the program's wall calendar. */
export interface ReportWeek {
  /** `2026-W47`: the ISO week-numbering year and week. */
  readonly label: string;
  /** Monday 00:00 local. */
  readonly start: Date;
  /** The next Monday 00:00 local (exclusive). */
  readonly end: Date;
}

/**
 * The `count` ISO weeks up to and including the one `now` falls in, oldest first, in `timeZone`.
 * Weeks start at local midnight, so a Sunday 23:59 and the Monday 00:01 after it fall in
 * different weeks even though they are the same UTC day in Shanghai.
 */
export function recentWeeks(now: Date, count: number, timeZone: string): ReportWeek[] {
  const today = localDateOf(now, timeZone);
  const monday = addLocalDays(today, 1 - isoWeekday(today));
  const weeks: ReportWeek[] = [];
  for (let back = count - 1; back >= 0; back--) {
    const first = addLocalDays(monday, -7 * back);
    weeks.push({
      label: isoWeekLabel(first),
      start: startOfLocalDay(first, timeZone),
      end: startOfLocalDay(addLocalDays(first, 7), timeZone),
    });
  }
  return weeks;
}

/** `2026-W47` for any day of that ISO week (the week belongs to the year of its Thursday). */
export function isoWeekLabel(date: LocalDate): string {
  const thursday = addLocalDays(date, 4 - isoWeekday(date));
  const dayOfYear = (utcMs(thursday) - utcMs({ year: thursday.year, month: 1, day: 1 })) / 86_400_000 + 1;
  const week = Math.floor((dayOfYear - 1) / 7) + 1;
  return `${String(thursday.year).padStart(4, '0')}-W${String(week).padStart(2, '0')}`;
}

/** Monday 1 … Sunday 7. */
function isoWeekday(date: LocalDate): number {
  return ((new Date(utcMs(date)).getUTCDay() + 6) % 7) + 1;
}

function utcMs(date: LocalDate): number {
  const d = new Date(0);
  d.setUTCFullYear(date.year, date.month - 1, date.day);
  return d.getTime();
}
