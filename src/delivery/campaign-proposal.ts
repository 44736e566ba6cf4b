import { type HolidayOccurrence, nextHoliday } from '../rules/chinese-holidays';
import { addLocalDays, formatIsoDate, type LocalDate } from '../rules/local-date';
import { localDateOf, startOfLocalDay } from '../rules/zoned-time';
import type { CampaignTemplate } from './campaign-templates';

/** The proposed send time is this local hour, `leadDays` before the holiday's period. */
const SEND_HOUR = 10;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface CampaignProposal {
  /** The occurrence the template is for (dates `YYYY-MM-DD`, the period inclusive); null: none. */
  holiday: { id: string; name: string; day: string; first: string; last: string } | null;
  startAt: Date;
  /** Covers the holiday's whole period (from its first day's 00:00 to the next day's 00:00). */
  window: { startsAt: Date; endsAt: Date; multiplier: number } | null;
}

/**
 * What a template proposes at `now` in the program's time zone: the holiday's next occurrence,
 * a send time at 10:00 `leadDays` before its period (or the next full hour when that has passed),
 * and a promotion window over the period. A template without a holiday (or past the tabled
 * years) starts at the next full hour with a window of its suggested length from then.
 */
export function proposeCampaign(template: CampaignTemplate, now: Date, timeZone: string): CampaignProposal {
  const nextHour = new Date(Math.ceil(now.getTime() / HOUR_MS) * HOUR_MS);
  const occurrence = template.holiday ? nextHoliday(template.holiday, localDateOf(now, timeZone)) : null;
  const suggested = template.suggestedWindow;
  if (!occurrence) {
    return {
      holiday: null,
      startAt: nextHour,
      window: suggested
        ? {
            startsAt: nextHour,
            endsAt: new Date(nextHour.getTime() + suggested.days * DAY_MS),
            multiplier: suggested.multiplier,
          }
        : null,
    };
  }
  const planned = atHour(addLocalDays(occurrence.first, -template.leadDays), SEND_HOUR, timeZone);
  return {
    holiday: describe(occurrence),
    startAt: planned.getTime() > now.getTime() ? planned : nextHour,
    window: suggested ? { ...periodOf(occurrence, timeZone), multiplier: suggested.multiplier } : null,
  };
}

/** The holiday's period as instants: its first day's start to the start of the day after its last. */
export function periodOf(occurrence: HolidayOccurrence, timeZone: string): { startsAt: Date; endsAt: Date } {
  return {
    startsAt: startOfLocalDay(occurrence.first, timeZone),
    endsAt: startOfLocalDay(addLocalDays(occurrence.last, 1), timeZone),
  };
}

function describe(occurrence: HolidayOccurrence): NonNullable<CampaignProposal['holiday']> {
  return {
    id: occurrence.id,
    name: occurrence.name,
    day: formatIsoDate(occurrence.day),
    first: formatIsoDate(occurrence.first),
    last: formatIsoDate(occurrence.last),
  };
}

function atHour(date: LocalDate, hour: number, timeZone: string): Date {
  // Hours after the day's start: exact in zones without a transition that morning (all of China).
  return new Date(startOfLocalDay(date, timeZone).getTime() + hour * HOUR_MS);
}
