import { openStatuses } from '../bookings/booking-transitions';
import { careBookingKinds, type OpenCarBooking, reminderCoveredByBooking } from '../bookings/care-booking';
import type { BookingRecord } from '../data/models/booking-model';
import type { MemberRecord } from '../data/models/member-model';
import type { VoucherRecord } from '../data/models/voucher-model';
import {
  birthdayMessage,
  birthdaysCelebratedOn,
  type CareKind,
  type CareMessage,
  localDayRange,
  pointsExpiringMessages,
  targetDates,
  vehicleDateReminders,
  voucherExpiringMessage,
  winBackMessage,
} from '../rules/care-due';
import { addLocalDays } from '../rules/local-date';
import { maintenanceReminders } from '../rules/maintenance-reminders';
import { localDateOf } from '../rules/zoned-time';
import type { ServiceContext } from './service-context';

/** Where due care messages go: the delivery service (exactly-once by the message key). */
export type CareSink = (message: CareMessage) => Promise<void>;

export type CareScanCounts = Record<CareKind, { membersRead: number; messages: number }>;

const BATCH = 500;

/**
 * The care scans of the nightly run (RULES.md §7, after the account steps): for each kind, one
 * indexed query reads only the members (or vouchers) due on the local day of `now`; the pure rules
 * of `care-due.ts` decide the messages; each goes to the sink with its deterministic key, so a
 * rerun or a second worker adds nothing.
 */
export class CareScanService {
  constructor(private readonly ctx: ServiceContext) {}

  async scan(now: Date, sink: CareSink): Promise<CareScanCounts> {
    const program = this.ctx.program.current();
    const { care, timezone } = program;
    const today = localDateOf(now, timezone);
    const counts = Object.fromEntries(
      (
        [
          'birthday',
          'maintenance_due',
          'insurance_renewal',
          'inspection_due',
          'points_expiring',
          'voucher_expiring',
          'win_back',
        ] as const
      ).map((kind) => [kind, { membersRead: 0, messages: 0 }]),
    ) as CareScanCounts;
    const emit = async (messages: readonly (CareMessage | null)[]) => {
      let bookings: OpenCarBooking[] | null = null;
      for (const message of messages) {
        if (!message) continue;
        counts[message.kind].messages++;
        if (careBookingKinds.includes(message.kind)) {
          // A reminder about what the car is already booked for goes to delivery as skipped.
          bookings ??= await this.openBookings(message.memberId, now);
          if (reminderCoveredByBooking(message, bookings, now)) {
            await sink({ ...message, skipReason: 'already_booked' });
            continue;
          }
        }
        await sink(message);
      }
    };
    const active = { status: 'active' as const };

    if (care.birthday.enabled) {
      for (const { month, day } of birthdaysCelebratedOn(today, care.birthday.feb29On)) {
        for await (const m of this.members({ ...active, 'birthday.month': month, 'birthday.day': day })) {
          counts.birthday.membersRead++;
          await emit([
            birthdayMessage(
              { memberId: m._id, birthday: m.birthday, tierCode: m.tier.tierCode },
              today,
              program,
            ),
          ]);
        }
      }
    }

    if (care.maintenanceDue.enabled) {
      // The due date is stored on the vehicle whenever its service history or mileage changes.
      const dates = targetDates(today, care.maintenanceDue.daysBefore);
      for await (const m of this.members({ ...active, 'vehicles.maintenanceDueOn': { $in: dates } })) {
        counts.maintenance_due.membersRead++;
        await emit(maintenanceReminders({ memberId: m._id, vehicles: m.vehicles }, today, program));
      }
    }

    const vehicleKinds = [
      ['insurance_renewal', 'insuranceEndsOn', care.insuranceRenewal] as const,
      ['inspection_due', 'inspectionDueOn', care.inspectionDue] as const,
    ];
    for (const [kind, field, settings] of vehicleKinds) {
      if (!settings.enabled) continue;
      const dates = targetDates(today, settings.daysBefore);
      for await (const m of this.members({ ...active, [`vehicles.${field}`]: { $in: dates } })) {
        counts[kind].membersRead++;
        const vehicles = m.vehicles.map((v) => ({ plate: v.plate, date: v[field] }));
        await emit(
          vehicleDateReminders(kind, { memberId: m._id, vehicles }, today, settings.daysBefore, program),
        );
      }
    }

    if (care.pointsExpiring.enabled) {
      const seen = new Set<string>();
      for (const days of care.pointsExpiring.daysBefore) {
        const { from, to } = localDayRange(today, days, timezone);
        const filter = {
          ...active,
          'account.lots': { $elemMatch: { expiresAt: { $gte: from, $lte: to }, remaining: { $gt: 0 } } },
        };
        for await (const m of this.members(filter)) {
          // A member with lots expiring on both reminder days is read by both queries: decide once.
          if (seen.has(m._id)) continue;
          seen.add(m._id);
          counts.points_expiring.membersRead++;
          await emit(pointsExpiringMessages(m._id, m.account, now, program));
        }
      }
    }

    if (care.voucherExpiring.enabled) {
      for (const days of care.voucherExpiring.daysBefore) {
        const { from, to } = localDayRange(today, days, timezone);
        const cursor = this.ctx.db.vouchers
          .find({ status: 'issued', expiresAt: { $gte: from, $lte: to } })
          .lean<VoucherRecord[]>()
          .cursor({ batchSize: BATCH });
        for await (const v of cursor) {
          counts.voucher_expiring.membersRead++;
          await emit([
            voucherExpiringMessage(
              { voucherId: v._id, memberId: v.memberId, name: v.name, code: v.code, expiresAt: v.expiresAt },
              days,
              today,
              program,
            ),
          ]);
        }
      }
    }

    if (program.marketing.winBack.enabled) {
      const lastVisitDay = addLocalDays(today, -program.marketing.winBack.afterDaysWithoutVisit);
      const { from, to } = localDayRange(lastVisitDay, 0, timezone);
      for await (const m of this.members({ ...active, lastVisitAt: { $gte: from, $lte: to } })) {
        counts.win_back.membersRead++;
        await emit([winBackMessage({ memberId: m._id, lastVisitAt: m.lastVisitAt }, today, program)]);
      }
    }

    this.ctx.logger.info({ at: now.toISOString(), counts }, 'care scans finished');
    return counts;
  }

  /** The member's open bookings still ahead (booked or confirmed). */
  private async openBookings(memberId: string, now: Date): Promise<OpenCarBooking[]> {
    const records = await this.ctx.db.bookings.bookings
      .find(
        { memberId, status: { $in: openStatuses }, slotStart: { $gt: now } },
        { plate: 1, serviceId: 1, slotStart: 1 },
      )
      .lean<Pick<BookingRecord, 'plate' | 'serviceId' | 'slotStart'>[]>();
    return records.map((r) => ({ plate: r.plate, serviceId: r.serviceId, slotStart: new Date(r.slotStart) }));
  }

  private members(filter: Record<string, unknown>) {
    return this.ctx.db.members
      .find(filter, { outbox: 0, recentOps: 0 })
      .lean<MemberRecord[]>()
      .cursor({ batchSize: BATCH });
  }
}
