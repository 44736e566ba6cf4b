import { isDuplicateKeyError } from './duplicate-key';
import type { RewardModel, RewardRecord } from './models/reward-model';

export type ReserveOutcome = 'reserved' | 'already_reserved' | 'unlimited' | 'out_of_stock' | 'not_found';

/** A catalogue reward to create if it does not exist yet (seeding never overwrites staff edits). */
export type RewardSeed = Omit<RewardRecord, 'reservations' | 'returns' | 'createdAt' | 'updatedAt'>;

/**
 * Stock as single-document conditional updates on the reward: a unit is held, released, consumed
 * or given back under a token (the request id of a redemption, or the redemption id of a
 * cancellation) kept in the same document as the counter, so each operation takes effect once
 * however often it is repeated — the property the resumable redemption steps rely on.
 */
export class RewardStore {
  constructor(private readonly rewards: RewardModel) {}

  /** Takes one unit for `token`, unless it already holds one or none is left. */
  async reserve(rewardId: string, token: string, now: Date): Promise<ReserveOutcome> {
    const taken = await this.rewards
      .findOneAndUpdate(
        { _id: rewardId, stock: { $gte: 1 }, reservations: { $ne: token } },
        { $inc: { stock: -1 }, $push: { reservations: token }, $set: { updatedAt: now } },
        { returnDocument: 'after', projection: { _id: 1 } },
      )
      .lean();
    if (taken) return 'reserved';
    const reward = await this.rewards.findById(rewardId, { stock: 1, reservations: 1 }).lean<RewardRecord>();
    if (!reward) return 'not_found';
    if (reward.reservations.includes(token)) return 'already_reserved';
    if (reward.stock === null) return 'unlimited';
    return 'out_of_stock';
  }

  /** Gives `token`'s unit back to the stock (a compensation); false when it holds none (any more). */
  async release(rewardId: string, token: string, now: Date): Promise<boolean> {
    const released = await this.rewards.updateOne(
      { _id: rewardId, reservations: token, stock: { $gte: 0 } },
      { $inc: { stock: 1 }, $pull: { reservations: token }, $set: { updatedAt: now } },
    );
    if (released.modifiedCount > 0) return true;
    // Staff made the reward unlimited meanwhile: nothing to count back, only the hold to drop.
    await this.rewards.updateOne({ _id: rewardId, reservations: token }, { $pull: { reservations: token } });
    return false;
  }

  /** The redemption completed: its unit is spent, the hold is dropped. */
  async consume(rewardId: string, token: string): Promise<void> {
    await this.rewards.updateOne({ _id: rewardId, reservations: token }, { $pull: { reservations: token } });
  }

  /** A cancelled voucher's unit goes back once per `token`; false when it went back before. */
  async giveBack(rewardId: string, token: string, now: Date): Promise<boolean> {
    const returned = await this.rewards.updateOne(
      { _id: rewardId, returns: { $ne: token }, stock: { $gte: 0 } },
      { $inc: { stock: 1 }, $push: { returns: token }, $set: { updatedAt: now } },
    );
    return returned.modifiedCount > 0;
  }

  /** The cancellation is recorded as finished: its return marker is no longer needed. */
  async forgetReturn(rewardId: string, token: string): Promise<void> {
    await this.rewards.updateOne({ _id: rewardId, returns: token }, { $pull: { returns: token } });
  }

  /** Rewards with holds or return markers left behind (only ever after a crash). */
  async withMarkers(): Promise<Pick<RewardRecord, '_id' | 'reservations' | 'returns'>[]> {
    return this.rewards
      .find(
        { $or: [{ 'reservations.0': { $exists: true } }, { 'returns.0': { $exists: true } }] },
        { reservations: 1, returns: 1 },
      )
      .lean<Pick<RewardRecord, '_id' | 'reservations' | 'returns'>[]>();
  }

  /** Creates the rewards that do not exist yet; existing ones (perhaps edited by staff) stay as they are. */
  async seed(catalogue: readonly RewardSeed[], now: Date): Promise<number> {
    let created = 0;
    for (const reward of catalogue) {
      try {
        const result = await this.rewards.updateOne(
          { _id: reward._id },
          { $setOnInsert: { ...reward, reservations: [], returns: [], createdAt: now, updatedAt: now } },
          { upsert: true },
        );
        created += result.upsertedCount;
      } catch (err) {
        // Another process seeding at the same moment inserted it first.
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
    return created;
  }
}
