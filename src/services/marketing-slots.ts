import type { Program } from '../config/program-schema';
import type { BatchedCollection } from '../data/batched-collection';
import type { DeliveryStateRecord } from '../data/models/delivery-state-model';
import {
  counterKeys,
  currentCounts,
  type MarketingReservation,
  reservationOf,
} from '../delivery/delivery-counters';
import type { ServiceContext } from './service-context';

/** Reservations kept per member: far more than the caps let one member hold at a time. */
const RESERVATIONS_KEPT = 10;
/** Compare-and-set rounds before a reservation gives up to a retry of the job. */
const RESERVE_ATTEMPTS = 5;

/**
 * The marketing caps' slots (RULES.md §8: 1 a day, 4 a calendar month; the platform's 4 mass sends
 * a month), taken and given back on the member's delivery state. A slot is taken by one
 * conditional update guarded by the counters as the delivery read them (a compare-and-set: one
 * round trip where a reset of yesterday's counters used to take three), and it records the
 * delivery key, so an attempt that follows a crash finds its own slot (`reservationOf`).
 */
export class MarketingSlots {
  constructor(
    private readonly ctx: ServiceContext,
    /** The delivery jobs' batched access to the states (reservations join the other jobs' writes). */
    private readonly batchedStates: BatchedCollection<DeliveryStateRecord>,
  ) {}

  /**
   * Takes a slot for `key` on top of `state` (as just read; null when the member has none). False
   * when the caps are reached, or after repeated contention (the job tries again later).
   * `countsSend`: a customer-service send follows, counted against the window's 5 in the same write.
   */
  async reserve(
    memberId: string,
    state: DeliveryStateRecord | null,
    key: string,
    now: Date,
    program: Program,
    mass: boolean,
    countsSend = false,
  ): Promise<boolean> {
    const { dayKey, monthKey } = counterKeys(now, program.timezone);
    const { caps } = program.marketing;
    const reservation: MarketingReservation = { key, mass, day: dayKey, month: monthKey };
    let current = state;
    for (let attempt = 0; attempt < RESERVE_ATTEMPTS; attempt++) {
      const counts = currentCounts(current, now, program.timezone);
      if (counts.marketingSentToday >= caps.perDay || counts.marketingSentThisMonth >= caps.perMonth) {
        return false;
      }
      const counters = {
        marketingDayKey: dayKey,
        marketingDay: counts.marketingSentToday + 1,
        marketingMonthKey: monthKey,
        marketingMonth: counts.marketingSentThisMonth + 1,
        massMonth: counts.massSendsThisMonth + (mass ? 1 : 0),
      };
      const op =
        current === null
          ? {
              insertOne: {
                document: {
                  _id: memberId as never,
                  lastInboundAt: null,
                  csSentSinceInbound: countsSend ? 1 : 0,
                  unfollowedAt: null,
                  ...counters,
                  reservations: [reservation],
                  updatedAt: now,
                },
              },
            }
          : {
              updateOne: {
                filter: {
                  _id: memberId as never,
                  marketingDayKey: current.marketingDayKey ?? null,
                  marketingDay: current.marketingDay ?? null,
                  marketingMonthKey: current.marketingMonthKey ?? null,
                  marketingMonth: current.marketingMonth ?? null,
                  massMonth: current.massMonth ?? null,
                },
                update: {
                  $set: { ...counters, updatedAt: now },
                  ...(countsSend ? { $inc: { csSentSinceInbound: 1 } } : {}),
                  $push: { reservations: { $each: [reservation], $slice: -RESERVATIONS_KEPT } } as never,
                },
              },
            };
      // The state after the write: our key among its reservations is our slot; otherwise another
      // delivery changed the counters first (or wrote the state first), and we compare again.
      const after = await this.batchedStates.writeThenRead(memberId, op);
      if (reservationOf(after, key)) return true;
      current = after;
    }
    return false;
  }

  /**
   * Gives back the slot `reservation` holds (a send that did not happen), and the window's count
   * when `reserve` counted the send.
   */
  async release(memberId: string, reservation: MarketingReservation, sendCounted = false): Promise<void> {
    const states = this.ctx.db.delivery.states.collection;
    if (sendCounted) {
      await states.updateOne(
        { _id: memberId as never, csSentSinceInbound: { $gt: 0 } },
        { $inc: { csSentSinceInbound: -1 } },
      );
    }
    const pull = { $pull: { reservations: { key: reservation.key } } } as never;
    const mass = reservation.mass ? -1 : 0;
    // Counters of the slot's own day and month; a later day's or month's counters do not hold it.
    const sameDay = await states.updateOne(
      {
        _id: memberId as never,
        'reservations.key': reservation.key,
        marketingDayKey: reservation.day,
        marketingMonthKey: reservation.month,
        marketingDay: { $gt: 0 },
      },
      { ...(pull as object), $inc: { marketingDay: -1, marketingMonth: -1, massMonth: mass } },
    );
    if (sameDay.modifiedCount === 1) return;
    const sameMonth = await states.updateOne(
      {
        _id: memberId as never,
        'reservations.key': reservation.key,
        marketingMonthKey: reservation.month,
        marketingMonth: { $gt: 0 },
      },
      { ...(pull as object), $inc: { marketingMonth: -1, massMonth: mass } },
    );
    if (sameMonth.modifiedCount === 1) return;
    await states.updateOne({ _id: memberId as never }, pull);
  }
}
