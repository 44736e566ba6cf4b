import type { PipelineStage } from 'mongoose';
import type { Database } from './database';

/** Signed points of one entry type in one week: credits and debits summed apart. */
export interface WeeklyLedgerSums {
  week: number;
  type: string;
  credited: number;
  debited: number;
}

export interface WeeklySignups {
  week: number;
  referred: number;
  imported: number;
  total: number;
}

export interface TierBalances {
  tierCode: string;
  members: number;
  available: number;
  pending: number;
}

export interface DeliveryOutcomeCount {
  kind: string;
  status: string;
  reason: string | null;
  count: number;
}

/** Benefit uses recorded in a period, by the member's tier when used, the store and the status. */
export interface BenefitUseCount {
  benefitId: string;
  tierCode: string;
  storeId: string | null;
  status: string;
  count: number;
}

export interface WeeklyRatings {
  week: number;
  answered: number;
  ratingSum: number;
  alerts: number;
}

/**
 * The aggregations behind the staff reports. Each one runs in the database (a `$match` the indexes
 * serve, then `$group`), so a report reads counts, never whole collections. Weekly reports pass the
 * week boundaries as instants (computed on the program's calendar by the caller): a `$switch` maps
 * each instant to its week's index, which works for any time zone, daylight saving included.
 */
export class ReportQueries {
  constructor(private readonly db: Database) {}

  /** Benefit uses with `usedAt` in [from, to), counted by benefit, tier, store and status. */
  async benefitUses(from: Date, to: Date): Promise<BenefitUseCount[]> {
    const groups = await this.db.benefitUses.aggregate<{
      _id: { benefitId: string; tierCode: string; storeId: string | null; status: string };
      count: number;
    }>([
      { $match: { usedAt: { $gte: from, $lt: to } } },
      {
        $group: {
          _id: { benefitId: '$benefitId', tierCode: '$tierCode', storeId: '$storeId', status: '$status' },
          count: { $sum: 1 },
        },
      },
    ]);
    return groups.map((g) => ({ ...g._id, storeId: g._id.storeId ?? null, count: g.count }));
  }

  /** Active members per tier code. */
  async membersByTier(): Promise<{ tierCode: string; members: number }[]> {
    const groups = await this.db.members.aggregate<{ _id: string; members: number }>([
      { $match: { status: 'active' } },
      { $group: { _id: '$tier.tierCode', members: { $sum: 1 } } },
    ]);
    return groups.map((g) => ({ tierCode: g._id, members: g.members }));
  }

  /**
   * Members who signed up in each week (erased ones included: they did join then), counting those
   * a referral brought and those imported from the dealer's list (their first consent was recorded
   * by the import).
   */
  async signupsByWeek(bounds: readonly Date[]): Promise<WeeklySignups[]> {
    const groups = await this.db.members.aggregate<{
      _id: number;
      referred: number;
      imported: number;
      total: number;
    }>([
      { $match: { signedUpAt: { $gte: first(bounds), $lt: last(bounds) } } },
      {
        $group: {
          _id: weekIndex('$signedUpAt', bounds),
          referred: { $sum: { $cond: [{ $eq: [{ $type: '$referredBy.memberId' }, 'string'] }, 1, 0] } },
          imported: {
            $sum: {
              $cond: [
                { $eq: [{ $arrayElemAt: [{ $ifNull: ['$consents.channel', []] }, 0] }, 'import'] },
                1,
                0,
              ],
            },
          },
          total: { $sum: 1 },
        },
      },
    ]);
    return groups.map((g) => ({ week: g._id, referred: g.referred, imported: g.imported, total: g.total }));
  }

  /** Ledger entries of `types` recorded in each week, through the `{ type, at }` index. */
  async ledgerByWeek(types: readonly string[], bounds: readonly Date[]): Promise<WeeklyLedgerSums[]> {
    const groups = await this.db.ledger.aggregate<{
      _id: { week: number; type: string };
      credited: number;
      debited: number;
    }>([
      { $match: { type: { $in: [...types] }, at: { $gte: first(bounds), $lt: last(bounds) } } },
      {
        $group: {
          _id: { week: weekIndex('$at', bounds), type: '$type' },
          credited: { $sum: { $cond: [{ $gt: ['$points', 0] }, '$points', 0] } },
          debited: { $sum: { $cond: [{ $lt: ['$points', 0] }, '$points', 0] } },
        },
      },
    ]);
    return groups.map((g) => ({
      week: g._id.week,
      type: g._id.type,
      credited: g.credited,
      debited: g.debited,
    }));
  }

  /**
   * Points members hold at `now`, per tier: available as `availableBalance` counts it (unexpired
   * lot remainders less debt, never below 0, per member) and pending credits.
   */
  async balancesByTier(now: Date): Promise<TierBalances[]> {
    const pipeline: PipelineStage[] = [
      { $match: { status: 'active' } },
      {
        $project: {
          tierCode: '$tier.tierCode',
          unexpired: {
            $sum: {
              $map: {
                input: {
                  $filter: {
                    input: { $ifNull: ['$account.lots', []] },
                    as: 'lot',
                    cond: { $gt: ['$$lot.expiresAt', now] },
                  },
                },
                as: 'lot',
                in: '$$lot.remaining',
              },
            },
          },
          pending: { $sum: { $ifNull: ['$account.pending.amount', []] } },
          debt: { $ifNull: ['$account.debt', 0] },
        },
      },
      {
        $group: {
          _id: '$tierCode',
          members: { $sum: 1 },
          available: { $sum: { $max: [0, { $subtract: ['$unexpired', '$debt'] }] } },
          pending: { $sum: '$pending' },
        },
      },
    ];
    const groups = await this.db.members.aggregate<{
      _id: string;
      members: number;
      available: number;
      pending: number;
    }>(pipeline);
    return groups.map((g) => ({
      tierCode: g._id,
      members: g.members,
      available: g.available,
      pending: g.pending,
    }));
  }

  /** Delivery records of `kinds` created in [from, to), counted by status and reason. */
  async deliveryOutcomes(kinds: readonly string[], from: Date, to: Date): Promise<DeliveryOutcomeCount[]> {
    const groups = await this.db.delivery.deliveries.aggregate<{
      _id: { kind: string; status: string; reason: string | null };
      count: number;
    }>([
      { $match: { kind: { $in: [...kinds] }, createdAt: { $gte: from, $lt: to } } },
      {
        $group: {
          _id: { kind: '$kind', status: '$status', reason: { $ifNull: ['$reason', null] } },
          count: { $sum: 1 },
        },
      },
    ]);
    return groups.map((g) => ({
      kind: g._id.kind,
      status: g._id.status,
      reason: g._id.reason,
      count: g.count,
    }));
  }

  /** Post-service ratings answered in each week: how many, their sum, and how many alerted staff. */
  async ratingsByWeek(bounds: readonly Date[]): Promise<WeeklyRatings[]> {
    const groups = await this.db.followUp.feedback.aggregate<{
      _id: number;
      answered: number;
      ratingSum: number;
      alerts: number;
    }>([
      { $match: { answeredAt: { $gte: first(bounds), $lt: last(bounds) }, rating: { $type: 'number' } } },
      {
        $group: {
          _id: weekIndex('$answeredAt', bounds),
          answered: { $sum: 1 },
          ratingSum: { $sum: '$rating' },
          alerts: { $sum: { $cond: [{ $eq: [{ $type: '$alertedAt' }, 'date'] }, 1, 0] } },
        },
      },
    ]);
    return groups.map((g) => ({
      week: g._id,
      answered: g.answered,
      ratingSum: g.ratingSum,
      alerts: g.alerts,
    }));
  }
}

/** Index `i` of the week [bounds[i], bounds[i+1]) holding `field`; the `$match` keeps it in range. */
function weekIndex(field: string, bounds: readonly Date[]) {
  return {
    $switch: {
      // biome-ignore lint/suspicious/noThenProperty: `then` is the $switch branch's result in MongoDB's syntax.
      branches: bounds.slice(1).map((end, i) => ({ case: { $lt: [field, end] }, then: i })),
      default: -1,
    },
  };
}

function first(bounds: readonly Date[]): Date {
  const value = bounds[0];
  if (!value) throw new RangeError('report bounds need at least a start and an end');
  return value;
}

function last(bounds: readonly Date[]): Date {
  const value = bounds[bounds.length - 1];
  if (!value || bounds.length < 2) throw new RangeError('report bounds need at least a start and an end');
  return value;
}

/** Bookings of one store and week by status; cancelled ones by who cancelled (member or staff). */
export interface WeeklyBookingCount {
  storeId: string;
  week: number;
  status: string;
  cancelledBy: 'member' | 'staff' | null;
  count: number;
}

/** A care reminder that went out: its delivery key (which names the car), member, kind and when. */
export interface SentCareReminder {
  key: string;
  memberId: string;
  kind: string;
  sentAt: Date;
}

/** A booking as the conversion report matches it to reminders. */
export interface MadeBooking {
  memberId: string;
  plate: string;
  createdAt: Date;
}

/**
 * The booking reports' queries (issue #12 item 9), kept apart from `ReportQueries`' weekly tables
 * only by their inputs: a store filter and arbitrary week bounds.
 */
export class BookingReportQueries {
  constructor(private readonly db: Database) {}

  /**
   * Bookings whose slot is in [bounds[0], bounds[last]) (the store's filter when given), grouped
   * in the database by store, week of the slot, status and — for cancelled ones — the channel of
   * the last cancel (the member in chat, or staff).
   */
  async bookingsByStoreWeek(bounds: readonly Date[], storeId?: string): Promise<WeeklyBookingCount[]> {
    const groups = await this.db.bookings.bookings.aggregate<{
      _id: { storeId: string; week: number; status: string; cancelledBy: 'member' | 'staff' | null };
      count: number;
    }>([
      {
        $match: {
          slotStart: { $gte: first(bounds), $lt: last(bounds) },
          status: { $ne: 'pending' },
          ...(storeId ? { storeId } : {}),
        },
      },
      {
        $group: {
          _id: {
            storeId: '$storeId',
            week: weekIndex('$slotStart', bounds),
            status: '$status',
            cancelledBy: {
              $cond: [
                { $eq: ['$status', 'cancelled'] },
                {
                  $arrayElemAt: [
                    {
                      $map: {
                        input: {
                          $filter: {
                            input: { $ifNull: ['$history', []] },
                            as: 'e',
                            cond: { $eq: ['$$e.action', 'cancel'] },
                          },
                        },
                        as: 'e',
                        in: '$$e.by.channel',
                      },
                    },
                    -1,
                  ],
                },
                null,
              ],
            },
          },
          count: { $sum: 1 },
        },
      },
    ]);
    return groups.map((g) => ({
      storeId: g._id.storeId,
      week: g._id.week,
      status: g._id.status,
      cancelledBy: g._id.cancelledBy ?? null,
      count: g.count,
    }));
  }

  /** Care reminders of `kinds` that went out (sent) in [from, to). */
  sentCareReminders(kinds: readonly string[], from: Date, to: Date): Promise<SentCareReminder[]> {
    return this.db.delivery.deliveries
      .aggregate<SentCareReminder>([
        { $match: { kind: { $in: [...kinds] }, status: 'sent', sentAt: { $gte: from, $lt: to } } },
        { $project: { _id: 0, key: '$_id', memberId: 1, kind: 1, sentAt: 1 } },
      ])
      .exec();
  }

  /** Bookings (any outcome but an unfinished intent) the members made in [from, to). */
  bookingsMadeBy(memberIds: readonly string[], from: Date, to: Date): Promise<MadeBooking[]> {
    if (memberIds.length === 0) return Promise.resolve([]);
    return this.db.bookings.bookings
      .aggregate<MadeBooking>([
        {
          $match: {
            memberId: { $in: [...memberIds] },
            createdAt: { $gte: from, $lt: to },
            status: { $ne: 'pending' },
          },
        },
        { $project: { _id: 0, memberId: 1, plate: 1, createdAt: 1 } },
      ])
      .exec();
  }
}
