import { addLocalDays, type LocalDate } from './local-date';

/**
 * Instants ⇄ wall-clock dates in an IANA time zone, through `Intl.DateTimeFormat` so that any zone
 * (with or without daylight saving) works, not just Shanghai's fixed +08:00.
 *
 * `formatToParts` costs about 3 µs, and earning points needs the local date of every transaction
 * (the rules-engine target is 500,000 transactions a second), so offsets are cached per zone and
 * UTC day: when a zone's offset is the same at both ends of a UTC day, it is taken to hold for the
 * whole day (no zone has ever had two transitions within 24 hours that cancel out); days with a
 * transition are never cached and are computed exactly for each instant.
 */

export interface LocalDateTime extends LocalDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

const DAY_MS = 86_400_000;
// Bounds memory in a long-running process; a cleared cache only costs a few recomputations.
const MAX_CACHED_DAYS = 50_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCaches = new Map<string, Map<number, number | null>>();

/** The local date at `instant` in `timeZone`. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  const local = new Date(instant.getTime() + zoneOffsetMs(instant.getTime(), timeZone));
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

export function localDateTimeOf(instant: Date, timeZone: string): LocalDateTime {
  const local = new Date(instant.getTime() + zoneOffsetMs(instant.getTime(), timeZone));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    millisecond: local.getUTCMilliseconds(),
  };
}

/** The first instant of a local day (00:00, or the end of a daylight-saving gap at midnight). */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  return new Date(instantOfWallTime(wallTimeMs(date), timeZone));
}

/** The last millisecond of a local day: 23:59:59.999 local, i.e. just before the next day starts. */
export function endOfLocalDay(date: LocalDate, timeZone: string): Date {
  return new Date(startOfLocalDay(addLocalDays(date, 1), timeZone).getTime() - 1);
}

/** Milliseconds to add to a UTC instant to get the wall-clock time in `timeZone` (+8 h in Shanghai). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  let cache = offsetCaches.get(timeZone);
  if (!cache) {
    cache = new Map();
    offsetCaches.set(timeZone, cache);
  }
  const utcDay = Math.floor(epochMs / DAY_MS);
  const cached = cache.get(utcDay);
  if (typeof cached === 'number') return cached;
  if (cached === undefined) {
    const atStart = exactOffsetMs(utcDay * DAY_MS, timeZone);
    const atEnd = exactOffsetMs(utcDay * DAY_MS + DAY_MS - 1, timeZone);
    if (cache.size >= MAX_CACHED_DAYS) cache.clear();
    cache.set(utcDay, atStart === atEnd ? atStart : null);
    if (atStart === atEnd) return atStart;
  }
  return exactOffsetMs(epochMs, timeZone);
}

function wallTimeMs(date: LocalDate): number {
  const wall = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  wall.setUTCFullYear(date.year, date.month - 1, date.day);
  return wall.getTime();
}

/**
 * The instant whose wall-clock time in `timeZone` is `wallMs` (a wall time written as if it were
 * UTC). A wall time skipped by a daylight-saving gap maps to the end of the gap; a repeated one
 * maps to one of its two instants (which one does not matter for day boundaries).
 */
function instantOfWallTime(wallMs: number, timeZone: string): number {
  const guessOffset = zoneOffsetMs(wallMs, timeZone);
  const offset = zoneOffsetMs(wallMs - guessOffset, timeZone);
  if (offset === guessOffset) return wallMs - offset;
  const retryOffset = zoneOffsetMs(wallMs - offset, timeZone);
  if (retryOffset === offset) return wallMs - offset;
  return wallMs - Math.min(offset, retryOffset);
}

function exactOffsetMs(epochMs: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const field = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((part) => part.type === type)?.value);
  const wall = new Date(0);
  wall.setUTCFullYear(field('year'), field('month') - 1, field('day'));
  wall.setUTCHours(field('hour'), field('minute'), field('second'));
  const wholeSecond = epochMs - (((epochMs % 1000) + 1000) % 1000);
  return wall.getTime() - wholeSecond;
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws RangeError for an unknown zone: the program schema has already rejected those.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}
