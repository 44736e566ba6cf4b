import type { MadeBooking, SentCareReminder, WeeklyBookingCount } from '../data/report-queries';
import { addLocalDays, type LocalDate } from '../rules/local-date';
import { startOfLocalDay } from '../rules/zoned-time';
import { isoWeekLabel, type ReportWeek } from './report-weeks';

const DAY_MS = 86_400_000;

/**
 * The ISO weeks from the one `from` falls in to the one `to` falls in (local dates, inclusive),
 * each clipped to [from, to]: the first starts at `from`, the last ends after `to`.
 */
export function weeksBetween(from: LocalDate, to: LocalDate, timeZone: string): ReportWeek[] {
  const weeks: ReportWeek[] = [];
  const end = startOfLocalDay(addLocalDays(to, 1), timeZone);
  let day = from;
  while (startOfLocalDay(day, timeZone).getTime() < end.getTime()) {
    const weekday = ((new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay() + 6) % 7) + 1;
    const nextMonday = addLocalDays(day, 8 - weekday);
    const weekEnd = startOfLocalDay(nextMonday, timeZone);
    weeks.push({
      label: isoWeekLabel(day),
      start: startOfLocalDay(day, timeZone),
      end: weekEnd.getTime() < end.getTime() ? weekEnd : end,
    });
    day = nextMonday;
  }
  return weeks;
}

export interface BookingWeekRow {
  storeId: string;
  week: string;
  /** Every booking with its slot in the week, whatever came of it. */
  booked: number;
  /** Checked in (到店). */
  arrived: number;
  noShow: number;
  cancelledByMember: number;
  cancelledByStore: number;
  /** Still booked or confirmed (the week is not over, or nobody marked them). */
  open: number;
}

/** One row per store and week that has bookings, stores in id order, weeks in order. Pure. */
export function bookingWeekRows(weeks: readonly ReportWeek[], counts: readonly WeeklyBookingCount[]) {
  const rows = new Map<string, BookingWeekRow>();
  for (const c of counts) {
    const week = weeks[c.week];
    if (!week) continue;
    const id = `${c.storeId}|${String(c.week).padStart(4, '0')}`;
    const row = rows.get(id) ?? {
      storeId: c.storeId,
      week: week.label,
      booked: 0,
      arrived: 0,
      noShow: 0,
      cancelledByMember: 0,
      cancelledByStore: 0,
      open: 0,
    };
    row.booked += c.count;
    if (c.status === 'checked_in') row.arrived += c.count;
    else if (c.status === 'no_show') row.noShow += c.count;
    else if (c.status === 'cancelled') {
      if (c.cancelledBy === 'member') row.cancelledByMember += c.count;
      else row.cancelledByStore += c.count;
    } else row.open += c.count;
    rows.set(id, row);
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/** The care kinds whose reminders lead to a booking, with their names. */
export const conversionKinds = [
  { kind: 'maintenance_due', name: '保养到期' },
  { kind: 'insurance_renewal', name: '保险到期' },
  { kind: 'inspection_due', name: '年检到期' },
] as const;

/**
 * The car a care reminder was about, from its delivery key
 * (`care:<kind>:<member>:<base64url(plate)|vehicle-N>:…`); null when the car had no plate.
 */
export function plateOfCareKey(key: string): string | null {
  const part = key.split(':')[3];
  if (!part || part.startsWith('vehicle-')) return null;
  const plate = Buffer.from(part, 'base64url').toString('utf8');
  return plate.length > 0 ? plate : null;
}

export interface ConversionRow {
  kind: string;
  name: string;
  remindersSent: number;
  /** Reminders followed by a booking of the same member (and car, when the reminder names one). */
  booked: number;
  /** booked / remindersSent, rounded to 4 places; null without reminders. */
  conversionRate: number | null;
}

/**
 * Reminder → booking conversion per care kind: a sent reminder converts when the same member made
 * a booking — for the same car, when the reminder names one — within `withinDays` days after it
 * went out. Each reminder counts once however many bookings followed. Pure.
 */
export function bookingConversionRows(
  reminders: readonly SentCareReminder[],
  bookings: readonly MadeBooking[],
  withinDays: number,
): ConversionRow[] {
  const byMember = new Map<string, MadeBooking[]>();
  for (const booking of bookings) {
    const list = byMember.get(booking.memberId) ?? [];
    list.push(booking);
    byMember.set(booking.memberId, list);
  }
  return conversionKinds.map(({ kind, name }) => {
    const sent = reminders.filter((r) => r.kind === kind);
    const booked = sent.filter((reminder) => {
      const plate = plateOfCareKey(reminder.key);
      const from = new Date(reminder.sentAt).getTime();
      const until = from + withinDays * DAY_MS;
      return (byMember.get(reminder.memberId) ?? []).some((booking) => {
        const at = new Date(booking.createdAt).getTime();
        return at >= from && at <= until && (plate === null || booking.plate === plate);
      });
    }).length;
    return {
      kind,
      name,
      remindersSent: sent.length,
      booked,
      conversionRate: sent.length === 0 ? null : Math.round((booked / sent.length) * 10_000) / 10_000,
    };
  });
}
