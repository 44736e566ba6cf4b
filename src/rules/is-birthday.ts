import { isLeapYear, type LocalDate } from './local-date';

/** A birthday without its year: members may withhold the year, and only the day matters here. */
export interface MonthDay {
  readonly month: number;
  readonly day: number;
}

/**
 * Whether the local date `on` is the member's birthday. A 29 February birthday falls on 28 February
 * or 1 March in common years, as `care.birthday.feb29On` says, so that the member still gets a
 * birthday every year and the greeting and the double-points day agree.
 */
export function isBirthday(birthday: MonthDay, on: LocalDate, feb29On: 'feb28' | 'mar1'): boolean {
  if (birthday.month === 2 && birthday.day === 29 && !isLeapYear(on.year)) {
    return feb29On === 'feb28' ? on.month === 2 && on.day === 28 : on.month === 3 && on.day === 1;
  }
  return on.month === birthday.month && on.day === birthday.day;
}
