import { openStatuses } from '../../bookings/booking-transitions';
import type { BookingRecord } from '../../data/models/booking-model';
import type { ServiceContext } from '../service-context';

/** Work younger than this may still be in flight in another process. */
const SETTLE_MS = 60_000;

/**
 * The recovery sweep's step for bookings: seats left unsettled and intents left pending by a crash.
 * A seat whose booking holds it is settled; a seat of a pending booking completes that booking (the
 * place was taken for it); any other seat is released. A pending booking with no seat is dropped,
 * freeing the car's day. Idempotent: every write is conditional on the state it read.
 */
export async function recoverBookings(ctx: ServiceContext): Promise<number> {
  const { db, clock } = ctx;
  const now = clock();
  const before = new Date(now.getTime() - SETTLE_MS);
  let finished = 0;
  for (const seat of await db.bookingStore.unsettledSince(before, 1_000)) {
    const booking = await db.bookings.bookings.findById(seat.holder).lean<BookingRecord>();
    if (booking?.seatKey === seat._id && openStatuses.includes(booking.status)) {
      await db.bookingStore.settle(seat._id, seat.holder, now);
    } else if (booking?.status === 'pending' && booking.seatKey === null) {
      const done = await db.bookings.bookings.updateOne(
        { _id: booking._id, status: 'pending', seatKey: null },
        { $set: { status: 'booked', seatKey: seat._id, updatedAt: now } },
      );
      if (done.modifiedCount === 1) await db.bookingStore.settle(seat._id, seat.holder, now);
    } else {
      await db.bookingStore.release(seat._id, seat.holder);
    }
    finished++;
  }
  const stale = await db.bookings.bookings
    .find({ status: 'pending', updatedAt: { $lt: before } })
    .limit(1_000)
    .lean<BookingRecord[]>();
  for (const booking of stale) {
    if ((await db.bookingStore.seatsOf(booking._id)).length > 0) continue;
    const dropped = await db.bookings.bookings.deleteOne({ _id: booking._id, status: 'pending' });
    finished += dropped.deletedCount;
  }
  return finished;
}
