import type { Program } from '../config/program-schema';
import { addLocalDays, addLocalMonths, compareLocalDates, type LocalDate } from './local-date';
import { localDateOf } from './zoned-time';

/** A service visit (maintenance or repair) as a DMS transaction reported it, with the odometer then. */
export interface ServiceVisit {
  readonly transactionId: string;
  readonly at: Date;
  readonly mileageKm: number | null;
}

export interface OdometerReading {
  readonly at: Date;
  readonly km: number;
}

/** What is known about one vehicle's servicing and driving. */
export interface MaintenanceFacts {
  readonly services: readonly ServiceVisit[];
  /** The member's own latest reading (我的车), if any. */
  readonly reported: OdometerReading | null;
}

export type MaintenanceSettings = Pick<
  Program['care']['maintenanceDue'],
  'monthsAfterService' | 'kmAfterService'
>;

export interface MaintenanceDue {
  readonly lastService: ServiceVisit;
  readonly lastServiceOn: LocalDate;
  readonly dueOn: LocalDate;
  /** Which limit comes first: the months after the service, or the estimated kilometres. */
  readonly by: 'date' | 'mileage';
  /** The estimated daily distance (km), when the readings allow an estimate. */
  readonly kmPerDay: number | null;
}

/**
 * Readings must span at least this many days before a daily distance is estimated from them: a
 * member who drove 400 km in the two days after a service says little about the next six months.
 */
export const MIN_ESTIMATE_SPAN_DAYS = 30;

/**
 * When the next maintenance is due (RULES.md §7): at whichever comes first of `monthsAfterService`
 * after the last service (local dates, clamped to the end of a shorter month: 31 Aug + 6 months is
 * 28 or 29 Feb) and the day the estimated odometer reaches the mileage at that service plus
 * `kmAfterService`. The daily distance is estimated from the vehicle's own readings (the mileage at
 * each recorded service and the member's latest reported reading) once they span
 * `MIN_ESTIMATE_SPAN_DAYS`; without a mileage at the last service or enough readings only the date
 * rule applies. A reading already past the limit makes the vehicle due the day after that reading
 * (the next nightly run), never on a day already gone. Null without any service.
 */
export function maintenanceDue(
  facts: MaintenanceFacts,
  settings: MaintenanceSettings,
  timeZone: string,
): MaintenanceDue | null {
  const lastService = latest(facts.services);
  if (!lastService) return null;
  const lastServiceOn = localDateOf(lastService.at, timeZone);
  const byDate = addLocalMonths(lastServiceOn, settings.monthsAfterService);
  const serviceKm = lastService.mileageKm;
  const estimate =
    serviceKm === null ? null : mileageEstimate(facts, { at: lastService.at, km: serviceKm }, timeZone);
  if (!estimate || serviceKm === null) {
    return { lastService, lastServiceOn, dueOn: byDate, by: 'date', kmPerDay: null };
  }
  const remainingKm = serviceKm + settings.kmAfterService - estimate.base.km;
  // Integer arithmetic: days = ceil(remaining / (spanKm / spanDays)).
  const days = Math.max(1, Math.ceil((remainingKm * estimate.spanDays) / estimate.spanKm));
  const byMileage = addLocalDays(estimate.baseOn, days);
  const kmPerDay = Math.round((estimate.spanKm / estimate.spanDays) * 10) / 10;
  return compareLocalDates(byMileage, byDate) < 0
    ? { lastService, lastServiceOn, dueOn: byMileage, by: 'mileage', kmPerDay }
    : { lastService, lastServiceOn, dueOn: byDate, by: 'date', kmPerDay };
}

/**
 * The reading the estimate runs from (the latest one at or after the last service that does not
 * go backwards from it) and the distance per day over all readings up to it.
 */
function mileageEstimate(
  facts: MaintenanceFacts,
  atService: OdometerReading,
  timeZone: string,
): { base: OdometerReading; baseOn: LocalDate; spanKm: number; spanDays: number } | null {
  const readings: OdometerReading[] = facts.services.flatMap((s) =>
    s.mileageKm === null ? [] : [{ at: s.at, km: s.mileageKm }],
  );
  let base = atService;
  const reported = facts.reported;
  if (reported) {
    readings.push(reported);
    if (reported.at.getTime() >= atService.at.getTime() && reported.km >= atService.km) base = reported;
  }
  const first = readings
    .filter((r) => r.at.getTime() <= base.at.getTime())
    .reduce((a, b) => (b.at.getTime() < a.at.getTime() ? b : a), base);
  const baseOn = localDateOf(base.at, timeZone);
  const spanDays = dayNumber(baseOn) - dayNumber(localDateOf(first.at, timeZone));
  const spanKm = base.km - first.km;
  if (spanDays < MIN_ESTIMATE_SPAN_DAYS || spanKm <= 0) return null;
  return { base, baseOn, spanKm, spanDays };
}

/** The most recent visit (the last one listed wins a tie). */
function latest(services: readonly ServiceVisit[]): ServiceVisit | undefined {
  let found: ServiceVisit | undefined;
  for (const s of services) if (!found || s.at.getTime() >= found.at.getTime()) found = s;
  return found;
}

function dayNumber(date: LocalDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / 86_400_000;
}
