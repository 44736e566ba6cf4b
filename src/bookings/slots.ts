import type { BookingStoreConfig, BookingsConfig } from '../config/program-schema';
import { addLocalDays, formatIsoDate, type LocalDate } from '../rules/local-date';
import { localDateOf, localDateTimeOf, startOfLocalDay } from '../rules/zoned-time';

/** One bookable slot of a store's day: its start instant and its local label ("09:30"). */
export interface Slot {
  start: Date;
  /** Local start time "HH:MM". */
  time: string;
}

const MINUTE_MS = 60_000;

function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/** Whether the store is closed on `date`: not one of its weekdays, or a group or store closed date. */
export function isClosedDay(config: BookingsConfig, store: BookingStoreConfig, date: LocalDate): boolean {
  const iso = formatIsoDate(date);
  return (
    !store.weekdays.includes(isoWeekday(date)) ||
    config.closedDates.includes(iso) ||
    store.closedDates.includes(iso)
  );
}

/**
 * Every slot of the store's opening hours on `date` (none on a closed day): from `opens`, one every
 * `slotMinutes`, the last ending at or before `closes`. Slot starts are wall-clock times added to
 * the start of the local day, exact in zones without daylight saving such as Asia/Shanghai.
 */
export function slotsOfDay(
  config: BookingsConfig,
  store: BookingStoreConfig,
  date: LocalDate,
  timeZone: string,
): Slot[] {
  if (isClosedDay(config, store, date)) return [];
  const dayStart = startOfLocalDay(date, timeZone).getTime();
  const closes = minutesOf(store.closes);
  const slots: Slot[] = [];
  for (let at = minutesOf(store.opens); at + config.slotMinutes <= closes; at += config.slotMinutes) {
    slots.push({ start: new Date(dayStart + at * MINUTE_MS), time: hhmm(at) });
  }
  return slots;
}

/** The slots a member may still book on `date` at `now`: at least `earliestMinutes` ahead, within the horizon. */
export function bookableSlotsOfDay(
  config: BookingsConfig,
  store: BookingStoreConfig,
  date: LocalDate,
  timeZone: string,
  now: Date,
): Slot[] {
  if (!withinHorizon(config, date, timeZone, now)) return [];
  const earliest = now.getTime() + config.earliestMinutes * MINUTE_MS;
  return slotsOfDay(config, store, date, timeZone).filter((slot) => slot.start.getTime() >= earliest);
}

/** Whether `date` is from today to `horizonDays` after it (local dates). */
export function withinHorizon(config: BookingsConfig, date: LocalDate, timeZone: string, now: Date): boolean {
  const today = formatIsoDate(localDateOf(now, timeZone));
  const last = formatIsoDate(addLocalDays(localDateOf(now, timeZone), config.horizonDays));
  const iso = formatIsoDate(date);
  return iso >= today && iso <= last;
}

/** The local day and time of an instant ("2026-12-08", "09:30"). */
export function localSlotLabel(start: Date, timeZone: string): { date: string; time: string } {
  const local = localDateTimeOf(start, timeZone);
  return { date: formatIsoDate(local), time: hhmm(local.hour * 60 + local.minute) };
}
