import { compareLocalDates, daysInMonth, type LocalDate } from './local-date';

export interface Birthday {
  readonly month: number;
  readonly day: number;
  /** Null when the member gave only month and day. */
  readonly year: number | null;
}

/**
 * A birthday written `YYYY-MM-DD` or `MM-DD` (also with `/` or `.`) → its parts, or null when it is
 * not a real date or lies after `today` (the program's local date). `MM-DD` accepts 02-29: someone
 * born on a leap day need not say the year. Years before 1900 are taken as typing mistakes.
 */
export function parseBirthday(text: string, today: LocalDate): Birthday | null {
  const match = /^(?:(\d{4})[-/.])?(\d{1,2})[-/.](\d{1,2})$/.exec(text.trim());
  if (!match) return null;
  const year = match[1] === undefined ? null : Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return null;
  if (day > daysInMonth(year ?? 2000, month)) return null;
  if (year !== null) {
    if (year < 1900 || compareLocalDates({ year, month, day }, today) > 0) return null;
  }
  return { month, day, year };
}
