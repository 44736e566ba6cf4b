import { addLocalDays, compareLocalDates, isLeapYear, type LocalDate } from './local-date';
import { localDateOf, startOfLocalDay } from './zoned-time';

export interface MembershipYear {
  /** 0 for the year that starts on the sign-up date. */
  readonly index: number;
  readonly start: LocalDate;
  /** The last day of the year (inclusive): the day before the next anniversary. */
  readonly end: LocalDate;
  readonly startsAt: Date;
  /** Exclusive: the first instant of the next membership year. */
  readonly endsAt: Date;
}

/**
 * The membership year containing `now` (RULES.md §1: from the local sign-up date to the day before
 * its anniversary), in the program's time zone.
 */
export function membershipYearAt(signedUpAt: Date, now: Date, timeZone: string): MembershipYear {
  const { index, start, next } = membershipYearOn(
    localDateOf(signedUpAt, timeZone),
    localDateOf(now, timeZone),
  );
  return {
    index,
    start,
    end: addLocalDays(next, -1),
    startsAt: startOfLocalDay(start, timeZone),
    endsAt: startOfLocalDay(next, timeZone),
  };
}

/** The same, on local dates: the year's index, its first day and the first day of the next one. */
export function membershipYearOn(
  signUpDate: LocalDate,
  on: LocalDate,
): { readonly index: number; readonly start: LocalDate; readonly next: LocalDate } {
  if (compareLocalDates(on, signUpDate) < 0) {
    // Before sign-up there is no membership year; asking is a bug in the caller.
    throw new RangeError('the date is before the sign-up date');
  }
  let year = on.year;
  if (compareLocalDates(on, anniversaryIn(signUpDate, year)) < 0) year -= 1;
  return {
    index: year - signUpDate.year,
    start: anniversaryIn(signUpDate, year),
    next: anniversaryIn(signUpDate, year + 1),
  };
}

/**
 * The sign-up date's anniversary in `year`. A 29 February sign-up has its anniversary on
 * 28 February in common years: it keeps the review in the sign-up month (so a monthly report or a
 * "this month's reviews" scan finds it) and never lengthens a year past 365 days; those years are
 * one day shorter, which favours the member at the review no more than a day.
 */
export function anniversaryIn(signUpDate: LocalDate, year: number): LocalDate {
  if (signUpDate.month === 2 && signUpDate.day === 29 && !isLeapYear(year))
    return { year, month: 2, day: 28 };
  return { year, month: signUpDate.month, day: signUpDate.day };
}
