import type { BookingModels } from './booking-models';
import { isDuplicateKeyError } from './duplicate-key';
import type { BookingSeatRecord } from './models/booking-seat-model';

export function seatKeyOf(storeId: string, slotStart: Date, n: number): string {
  return `${storeId}|${slotStart.toISOString()}|${n}`;
}

/**
 * The capacity of service slots, exactly: a slot of capacity c has the seats n = 0…c−1, each a
 * document whose `_id` is unique, so inserting one is an atomic "take a place if one is free".
 */
export class BookingStore {
  constructor(private readonly models: BookingModels) {}

  /**
   * Takes a free place in the slot for `holder` (unsettled until `settle`), or returns null when
   * all `capacity` places are held. Safe under any concurrency: two inserts of the same `_id`
   * cannot both succeed.
   */
  async takeSeat(storeId: string, slotStart: Date, capacity: number, holder: string, now: Date) {
    // Only the seats that looked free a moment ago are tried: when all of them are taken by the
    // time of the insert, the slot was full at that moment. The unique `_id` makes it exact.
    const held = await this.heldSeats(storeId, slotStart);
    for (let n = 0; n < capacity; n++) {
      const _id = seatKeyOf(storeId, slotStart, n);
      if (held.has(_id)) continue;
      try {
        await this.models.seats.create({
          _id,
          storeId,
          slotStart,
          holder,
          settled: false,
          takenAt: now,
          updatedAt: now,
        });
        return _id;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
    return null;
  }

  /** Free places in the slot now (a hint: a concurrent take may change it at once). */
  async freePlaces(storeId: string, slotStart: Date, capacity: number): Promise<number> {
    const held = await this.heldSeats(storeId, slotStart);
    let free = 0;
    for (let n = 0; n < capacity; n++) if (!held.has(seatKeyOf(storeId, slotStart, n))) free++;
    return free;
  }

  private async heldSeats(storeId: string, slotStart: Date): Promise<Set<string>> {
    const seats = await this.models.seats.find({ storeId, slotStart }, { _id: 1 }).lean<{ _id: string }[]>();
    return new Set(seats.map((seat) => seat._id));
  }

  /** Marks the holder's seat as in step with its booking. */
  async settle(seatKey: string, holder: string, now: Date): Promise<void> {
    await this.models.seats.updateOne({ _id: seatKey, holder }, { $set: { settled: true, updatedAt: now } });
  }

  /** Marks a seat as about to change (a move or a release), for the sweep should a crash follow. */
  async unsettle(seatKey: string, holder: string, now: Date): Promise<void> {
    await this.models.seats.updateOne({ _id: seatKey, holder }, { $set: { settled: false, updatedAt: now } });
  }

  /** Frees the place at once (only if `holder` still holds it). */
  async release(seatKey: string, holder: string): Promise<void> {
    await this.models.seats.deleteOne({ _id: seatKey, holder });
  }

  /** Places held per slot start (ms) of a store between two instants. */
  async heldPerSlot(storeId: string, from: Date, to: Date): Promise<Map<number, number>> {
    const seats = await this.models.seats
      .find({ storeId, slotStart: { $gte: from, $lt: to } }, { slotStart: 1 })
      .lean<Pick<BookingSeatRecord, 'slotStart'>[]>();
    const counts = new Map<number, number>();
    for (const seat of seats) {
      const at = new Date(seat.slotStart).getTime();
      counts.set(at, (counts.get(at) ?? 0) + 1);
    }
    return counts;
  }

  /** Seats unsettled since before `before`: a crash interrupted taking, moving or releasing them. */
  unsettledSince(before: Date, limit: number): Promise<BookingSeatRecord[]> {
    return this.models.seats
      .find({ settled: false, updatedAt: { $lt: before } })
      .limit(limit)
      .lean<BookingSeatRecord[]>();
  }

  seatsOf(holder: string): Promise<BookingSeatRecord[]> {
    return this.models.seats.find({ holder }).lean<BookingSeatRecord[]>();
  }
}
