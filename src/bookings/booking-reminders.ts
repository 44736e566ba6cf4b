import type { BookingsConfig } from '../config/program-schema';
import { atLocalTime } from '../delivery/policy';
import { addLocalDays, formatIsoDate, parseIsoDate } from '../rules/local-date';
import { localDateOf } from '../rules/zoned-time';
import { type BookingStatus, openStatuses } from './booking-transitions';

/** What the reminder rule reads of a booking. */
export interface ReminderCandidate {
  _id: string;
  status: BookingStatus;
  slotStart: Date;
  /** Local date "YYYY-MM-DD" of the slot. */
  day: string;
  createdAt: Date;
  history: readonly { action: string; at: Date }[];
}

/** The local day whose bookings the reminder scan reads at `now`: tomorrow. */
export function reminderScanDay(now: Date, timeZone: string): string {
  return formatIsoDate(addLocalDays(localDateOf(now, timeZone), 1));
}

/** When the reminder of a booking on local `day` is due: the day before at `dayBeforeAt`. */
export function reminderAt(day: string, config: BookingsConfig, timeZone: string): Date | null {
  const date = parseIsoDate(day);
  if (!date) return null;
  return atLocalTime(addLocalDays(date, -1), config.reminder.dayBeforeAt, timeZone);
}

/** The last time the booking got its slot: made, or moved. */
export function slotChosenAt(booking: ReminderCandidate): Date {
  let at = new Date(booking.createdAt).getTime();
  for (const event of booking.history) {
    if (event.action === 'move') at = Math.max(at, new Date(event.at).getTime());
  }
  return new Date(at);
}

/**
 * Whether the booking gets its day-before reminder at `now`: reminders are on, the booking is open
 * (booked or confirmed: a cancelled, checked-in or no-show one never is), the reminder time has
 * come and the slot has not started, and the slot was chosen before the reminder time (a booking
 * made or moved the evening before was just told its time). Which reminder is sent is the delivery
 * key's business (`bookingReminderKey`): one per booking and slot. Pure.
 */
export function bookingReminderDue(
  booking: ReminderCandidate,
  config: BookingsConfig,
  timeZone: string,
  now: Date,
): boolean {
  if (!config.reminder.enabled || !openStatuses.includes(booking.status)) return false;
  const at = reminderAt(booking.day, config, timeZone);
  if (!at) return false;
  const t = now.getTime();
  return (
    t >= at.getTime() &&
    t < new Date(booking.slotStart).getTime() &&
    slotChosenAt(booking).getTime() < at.getTime()
  );
}

/** The reminder's delivery key: once per booking and slot, so a moved booking is reminded anew. */
export function bookingReminderKey(bookingId: string, slotStart: Date): string {
  return `booking:reminder:${bookingId}:${new Date(slotStart).getTime()}`;
}
