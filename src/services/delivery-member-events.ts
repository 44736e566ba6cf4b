import { isDuplicateKeyError } from '../data/duplicate-key';
import type { DeliveryRecord } from '../data/models/delivery-model';
import type { DeliveryStateRecord } from '../data/models/delivery-state-model';
import type { DeliveryJobs } from './delivery-types';
import type { ServiceContext } from './service-context';

/**
 * What members do that delivery acts on: they write (the customer-service window opens, held
 * messages go again), they unfollow, and WeChat reports a template's fate.
 */
export class DeliveryMemberEvents {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly jobs: () => DeliveryJobs,
  ) {}

  /**
   * The member wrote to us at `at`: a new customer-service window (48 h, 5 messages) opens and the
   * messages held for it (WeChat 45047) are queued again. Writing also proves they follow.
   * An older `at` than the one recorded changes nothing. Returns how many held messages were released.
   */
  async noteInbound(memberId: string, at: Date): Promise<number> {
    const states = this.ctx.db.delivery.states;
    // The state before this write (null: none existed, so nothing was ever held for the member,
    // since a hold needs the customer-service window recorded there).
    let previous: Pick<DeliveryStateRecord, 'heldCount' | 'heldTracked'> | null;
    try {
      previous = await states
        .findOneAndUpdate(
          { _id: memberId, $or: [{ lastInboundAt: null }, { lastInboundAt: { $lt: at } }] },
          {
            $set: {
              lastInboundAt: at,
              csSentSinceInbound: 0,
              unfollowedAt: null,
              heldTracked: true,
              updatedAt: at,
            },
          },
          { upsert: true, returnDocument: 'before', projection: { heldCount: 1, heldTracked: 1 } },
        )
        .lean<Pick<DeliveryStateRecord, 'heldCount' | 'heldTracked'>>();
    } catch (err) {
      // The state exists with this inbound or a later one (two messages in the same second, or a
      // re-delivery): that one opened the window and released what was held; nothing to do.
      if (!isDuplicateKeyError(err)) throw err;
      return 0;
    }
    if (previous === null) return 0;
    const counted = previous.heldTracked === true;
    if (counted && !((previous.heldCount ?? 0) > 0)) return 0;
    const held = await this.ctx.db.delivery.deliveries
      .find({ memberId, status: 'held' }, { _id: 1, round: 1 })
      .lean<Pick<DeliveryRecord, '_id' | 'round'>[]>();
    let released = 0;
    for (const record of held) {
      const round = record.round + 1;
      const moved = await this.ctx.db.delivery.deliveries.updateOne(
        { _id: record._id, status: 'held', round: record.round },
        { $set: { status: 'queued', reason: null, round, updatedAt: this.ctx.clock() } },
      );
      if (moved.modifiedCount === 1) {
        released++;
        // Only a counted state is decremented: a hold from before the counter was never added.
        if (counted) {
          await states.updateOne({ _id: memberId, heldCount: { $gt: 0 } }, { $inc: { heldCount: -1 } });
        }
        await this.jobs().add(record._id, round, 0);
      }
    }
    return released;
  }

  /** The member unfollowed (the `unsubscribe` event): nothing more goes to them until they write. */
  async noteUnfollowed(memberId: string, at: Date): Promise<void> {
    await this.ctx.db.delivery.states.updateOne(
      { _id: memberId },
      { $set: { unfollowedAt: at, updatedAt: at } },
      { upsert: true },
    );
  }

  /**
   * WeChat's `TEMPLATESENDJOBFINISH` event for a template we sent: `success`, or `failed:user block`
   * / `failed: system failed` (the member never got it) → the delivery becomes `failed` with that
   * reason. Repeats of the event change nothing. False when no sent template has this msgid.
   */
  async noteTemplateFinished(msgId: string, status: string): Promise<boolean> {
    if (status === 'success') return (await this.ctx.db.delivery.deliveries.exists({ msgId })) !== null;
    const reason = /user\s*block/i.test(status) ? 'user_block' : 'system_failed';
    const updated = await this.ctx.db.delivery.deliveries.updateOne(
      { msgId, status: 'sent', channel: 'template' },
      { $set: { status: 'failed', reason, errmsg: status, updatedAt: this.ctx.clock() } },
    );
    return updated.matchedCount === 1;
  }
}
