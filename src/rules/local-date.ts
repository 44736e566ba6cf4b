/**
 * A calendar date on the program's wall calendar, with no time and no zone: what a member means by
 * "the 18th" or "my birthday". Months run 1–12. Conversions to and from instants live in
 * zoned-time.ts; this file is plain Gregorian arithmetic.
 */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The same day `months` later (or earlier), clamped to the last day of a shorter month. */
export function addLocalMonths(date: LocalDate, months: number): LocalDate {
  const monthIndex = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

export function addLocalDays(date: LocalDate, days: number): LocalDate {
  // UTC has no transitions, so day arithmetic on a UTC timestamp is plain calendar arithmetic.
  const shifted = new Date(0);
  shifted.setUTCFullYear(date.year, date.month - 1, date.day + days);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

export function lastDayOfMonth(date: LocalDate): LocalDate {
  return { year: date.year, month: date.month, day: daysInMonth(date.year, date.month) };
}

/** Negative, zero or positive, like a sort comparator. */
export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** `2026-03-18`: the form stored in documents and used in idempotency keys. */
export function formatIsoDate(date: LocalDate): string {
  const year = String(date.year).padStart(4, '0');
  return `${year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** Parses `YYYY-MM-DD`; null when it is not a real calendar date (2026-02-29 is not). */
export function parseIsoDate(text: string): LocalDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}
