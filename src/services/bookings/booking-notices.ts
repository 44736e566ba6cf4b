import {
  bookingCancelledRequest,
  bookingMovedRequest,
  bookingNoShowRequest,
} from '../../bookings/booking-notices';
import { bookingReminderKey } from '../../bookings/booking-reminders';
import { localSlotLabel } from '../../bookings/slots';
import type { DeliveryRequestInput } from '../../delivery/delivery-request';
import type { BookingRecord } from '../../data/models/booking-model';
import type { DeliveryStatus } from '../../data/models/delivery-model';
import type { ServiceContext } from '../service-context';
import type { BookingChange } from './booking-service';

/** What the notices need of delivery: `DeliveryService.enqueue` (exactly once per key). */
export type NoticeSink = (request: DeliveryRequestInput) => Promise<{ ok: boolean; status?: string }>;

/** Changes younger than this may still be telling the member in another process. */
const SETTLE_MS = 60_000;
/** How far back the sweep looks for a change whose notice a crash lost (it runs every 5 minutes). */
const RECOVER_WITHIN_MS = 3_600_000;

/** Reminder records not yet on their way to WeChat: a changed booking's reminder is withdrawn from these. */
const WITHDRAWABLE: DeliveryStatus[] = ['queued', 'deferred', 'held'];

/**
 * What a member hears when their booking changes, as a `BookingService` change listener:
 * - staff marked a no-show → one message offering a new time (`booking:no_show:<id>`);
 * - staff cancelled (with the reason) → the reason and how to book again (`booking:cancel:<id>`);
 * - staff moved (a reason optional) → the new time (`booking:move:<id>:<requestId>`).
 * A member's own cancel or move in chat is not echoed back. A cancel, move or no-show also withdraws
 * the old slot's day-before reminder while it has not gone out (skipped `booking_changed`); the
 * moved booking's new slot has its own reminder key. Service messages through delivery: no caps.
 */
export class BookingNotices {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly enqueue: NoticeSink,
  ) {}

  readonly onChange = async (change: BookingChange): Promise<void> => {
    await this.tell(change);
  };

  /**
   * The recovery sweep's step: a process that died between recording a staff change and enqueuing
   * its notice left the member untold. Bookings changed in the last hour (and over a minute ago)
   * are told again from their history — their last cancel, no-show or move — under the same keys,
   * so a notice already enqueued is a duplicate and nothing goes twice. Returns the notices added.
   */
  async recoverMissed(): Promise<number> {
    const now = this.ctx.clock().getTime();
    const since = now - RECOVER_WITHIN_MS;
    const recent = await this.ctx.db.bookings.bookings
      .find({
        updatedAt: { $gte: new Date(since), $lt: new Date(now - SETTLE_MS) },
        status: { $in: ['booked', 'confirmed', 'no_show', 'cancelled'] },
      })
      .limit(1_000)
      .lean<BookingRecord[]>();
    const timeZone = this.ctx.program.current().timezone;
    let added = 0;
    for (const booking of recent) {
      const last = booking.history.at(-1);
      if (!last || new Date(last.at).getTime() < since) continue;
      if (!['cancel', 'no_show', 'move'].includes(last.action)) continue;
      let before = booking;
      if (last.action === 'move') {
        if (!last.fromSlot) continue;
        const label = localSlotLabel(new Date(last.fromSlot), timeZone);
        before = { ...booking, slotStart: new Date(last.fromSlot), day: label.date, time: label.time };
      }
      const outcome = await this.tell({
        action: last.action as BookingChange['action'],
        before,
        after: booking,
        actor: {
          channel: last.by.channel,
          role: last.by.role,
          storeId: last.by.storeId,
        },
        reason: last.reason,
        requestId: last.requestId,
      });
      if (outcome === 'enqueued') added++;
    }
    return added;
  }

  private async tell(change: BookingChange): Promise<string | null> {
    const { action, before, after, actor } = change;
    if (action === 'cancel' || action === 'move' || action === 'no_show') {
      await this.withdrawReminder(before);
    }
    const program = this.ctx.program.current();
    const now = this.ctx.clock();
    let request: DeliveryRequestInput | null = null;
    if (action === 'no_show') request = bookingNoShowRequest(after, program, now);
    else if (actor.channel === 'staff' && action === 'cancel') {
      request = bookingCancelledRequest(after, change.reason ?? '门店安排调整', program, now);
    } else if (actor.channel === 'staff' && action === 'move' && change.requestId) {
      request = bookingMovedRequest(after, before, change.reason, change.requestId, program);
    }
    if (!request) return null;
    const outcome = await this.enqueue(request);
    if (!outcome.ok) {
      this.ctx.logger.error({ key: request.key, outcome }, 'booking notice refused by delivery');
    }
    return outcome.status ?? null;
  }

  /** Skips the reminder of the booking's slot unless it is already being sent or done. */
  private async withdrawReminder(booking: BookingRecord): Promise<void> {
    await this.ctx.db.delivery.deliveries.updateOne(
      { _id: bookingReminderKey(booking._id, booking.slotStart), status: { $in: WITHDRAWABLE } },
      {
        $set: {
          status: 'skipped',
          reason: 'booking_changed',
          sendingSince: null,
          updatedAt: this.ctx.clock(),
        },
      },
    );
  }
}
