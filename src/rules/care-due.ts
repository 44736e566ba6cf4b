import type { Program } from '../config/program-schema';
import { isBirthday, type MonthDay } from './is-birthday';
import {
  addLocalDays,
  compareLocalDates,
  formatIsoDate,
  isLeapYear,
  type LocalDate,
  parseIsoDate,
} from './local-date';
import { isLotExpired, type PointsAccount } from './points-account';
import { vehicleKey } from './vehicle-key';
import { endOfLocalDay, localDateOf, startOfLocalDay } from './zoned-time';

/** Care messages of RULES.md §7 (service) and the win-back of §8 (marketing). */
export type CareKind =
  | 'birthday'
  | 'maintenance_due'
  | 'insurance_renewal'
  | 'inspection_due'
  | 'points_expiring'
  | 'voucher_expiring'
  | 'win_back';

/**
 * One care message due today, as data: the delivery side renders and sends it. `key` is
 * deterministic (`care:<kind>:<member>:<what>:<when>`), so a rerun of the scan, a retry or a second
 * worker produces the same key and the delivery record's unique index keeps one.
 */
export interface CareMessage {
  readonly key: string;
  readonly kind: CareKind;
  readonly category: 'service' | 'marketing';
  readonly memberId: string;
  /** `care.sendAt` local time today (the delivery policy may still defer it). */
  readonly sendAt: Date;
  /** Values for the message template ({date}, {expiringPoints}, {plate}…). */
  readonly facts: Readonly<Record<string, string | number | boolean>>;
  /**
   * Set when the scan decided not to send it (`already_booked`: the car has an open booking for
   * what it is about); delivery records it as skipped with this reason.
   */
  readonly skipReason?: 'already_booked';
}

/** The instant of `care.sendAt` on a local date. */
export function careSendAt(day: LocalDate, program: Pick<Program, 'care' | 'timezone'>): Date {
  const [hours, minutes] = program.care.sendAt.split(':').map(Number);
  return new Date(
    startOfLocalDay(day, program.timezone).getTime() + ((hours ?? 9) * 60 + (minutes ?? 0)) * 60_000,
  );
}

/**
 * The stored birthdays (month, day) that are celebrated on `today`: the day itself, plus 29 Feb
 * in a common year on the day the program moves it to (28 Feb or 1 Mar). A scan queries exactly
 * these, through the birthday index.
 */
export function birthdaysCelebratedOn(today: LocalDate, feb29On: 'feb28' | 'mar1'): MonthDay[] {
  const days: MonthDay[] = [{ month: today.month, day: today.day }];
  if (!isLeapYear(today.year)) {
    const moved = feb29On === 'feb28' ? { month: 2, day: 28 } : { month: 3, day: 1 };
    if (today.month === moved.month && today.day === moved.day) days.push({ month: 2, day: 29 });
  }
  return days;
}

/** The birthday greeting (with the gift voucher for tiers that have one), or null when not today. */
export function birthdayMessage(
  member: { readonly memberId: string; readonly birthday: MonthDay | null; readonly tierCode: string },
  today: LocalDate,
  program: Pick<Program, 'care' | 'timezone' | 'tiers'>,
): CareMessage | null {
  if (!program.care.birthday.enabled || !member.birthday) return null;
  if (!isBirthday(member.birthday, today, program.care.birthday.feb29On)) return null;
  const tier = program.tiers.find((t) => t.code === member.tierCode);
  return {
    key: `care:birthday:${member.memberId}:${today.year}`,
    kind: 'birthday',
    category: 'service',
    memberId: member.memberId,
    sendAt: careSendAt(today, program),
    facts: { giftVoucher: tier?.birthdayGift ?? false, date: formatIsoDate(today) },
  };
}

/**
 * Reminders before a date held on a vehicle (insurance end, inspection due): one per configured
 * "days before" that falls on `today`.
 */
export function vehicleDateReminders(
  kind: 'insurance_renewal' | 'inspection_due',
  member: {
    readonly memberId: string;
    readonly vehicles: readonly { readonly plate: string | null; readonly date: string | null }[];
  },
  today: LocalDate,
  daysBefore: readonly number[],
  program: Pick<Program, 'care' | 'timezone'>,
): CareMessage[] {
  const messages: CareMessage[] = [];
  member.vehicles.forEach((vehicle, index) => {
    const date = vehicle.date ? parseIsoDate(vehicle.date) : null;
    if (!date) return;
    for (const days of daysBefore) {
      if (compareLocalDates(addLocalDays(today, days), date) !== 0) continue;
      messages.push({
        key: `care:${kind}:${member.memberId}:${vehicleKey(vehicle.plate, index)}:${vehicle.date}:${days}`,
        kind,
        category: 'service',
        memberId: member.memberId,
        sendAt: careSendAt(today, program),
        facts: { date: vehicle.date as string, daysBefore: days, plate: vehicle.plate ?? '' },
      });
    }
  });
  return messages;
}

/** The local dates a scan looks for: `today + d` for each configured "days before". */
export function targetDates(today: LocalDate, daysBefore: readonly number[]): string[] {
  return daysBefore.map((days) => formatIsoDate(addLocalDays(today, days)));
}

/**
 * The instant range of the local day `days` after `today` (inclusive bounds): lots expiring on
 * that day are the ones to remind about `days` days ahead.
 */
export function localDayRange(today: LocalDate, days: number, timeZone: string): { from: Date; to: Date } {
  const day = addLocalDays(today, days);
  return { from: startOfLocalDay(day, timeZone), to: endOfLocalDay(day, timeZone) };
}

/**
 * Points-expiring reminders (RULES.md §3/§7): for each configured "days before", the points of
 * unspent lots expiring on the local day `today + d`, when at least `minPoints` of them expire then.
 */
export function pointsExpiringMessages(
  memberId: string,
  account: PointsAccount,
  now: Date,
  program: Pick<Program, 'care' | 'timezone'>,
): CareMessage[] {
  const settings = program.care.pointsExpiring;
  if (!settings.enabled) return [];
  const today = localDateOf(now, program.timezone);
  const messages: CareMessage[] = [];
  for (const days of settings.daysBefore) {
    const { from, to } = localDayRange(today, days, program.timezone);
    let points = 0;
    for (const lot of account.lots) {
      const at = lot.expiresAt.getTime();
      if (lot.remaining > 0 && !isLotExpired(lot, now) && at >= from.getTime() && at <= to.getTime()) {
        points += lot.remaining;
      }
    }
    // While there is debt no unexpired lot has points left, so `points` is what really expires.
    if (points < settings.minPoints) continue;
    const expiryDate = formatIsoDate(addLocalDays(today, days));
    messages.push({
      key: `care:points_expiring:${memberId}:${expiryDate}:${days}`,
      kind: 'points_expiring',
      category: 'service',
      memberId,
      sendAt: careSendAt(today, program),
      facts: { expiringPoints: points, date: expiryDate, daysBefore: days },
    });
  }
  return messages;
}

/** The win-back message (marketing) on the day a member reaches N days without a visit. */
export function winBackMessage(
  member: { readonly memberId: string; readonly lastVisitAt: Date | null },
  today: LocalDate,
  program: Pick<Program, 'marketing' | 'care' | 'timezone'>,
): CareMessage | null {
  const settings = program.marketing.winBack;
  if (!settings.enabled || !member.lastVisitAt) return null;
  const lastVisit = localDateOf(member.lastVisitAt, program.timezone);
  if (compareLocalDates(addLocalDays(lastVisit, settings.afterDaysWithoutVisit), today) !== 0) return null;
  return {
    key: `care:win_back:${member.memberId}:${formatIsoDate(lastVisit)}`,
    kind: 'win_back',
    category: 'marketing',
    memberId: member.memberId,
    sendAt: careSendAt(today, program),
    facts: { lastVisit: formatIsoDate(lastVisit), days: settings.afterDaysWithoutVisit },
  };
}

/** A reminder `daysBefore` days before an unused voucher's last day. */
export function voucherExpiringMessage(
  voucher: {
    readonly voucherId: string;
    readonly memberId: string;
    readonly name: string;
    readonly code: string;
    readonly expiresAt: Date;
  },
  daysBefore: number,
  today: LocalDate,
  program: Pick<Program, 'care' | 'timezone'>,
): CareMessage {
  const lastDay = formatIsoDate(localDateOf(voucher.expiresAt, program.timezone));
  return {
    key: `care:voucher_expiring:${voucher.voucherId}:${daysBefore}`,
    kind: 'voucher_expiring',
    category: 'service',
    memberId: voucher.memberId,
    sendAt: careSendAt(today, program),
    facts: { voucherName: voucher.name, code: voucher.code, date: lastDay, daysBefore },
  };
}
