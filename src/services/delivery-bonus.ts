import type { DeliveryRecord } from '../data/models/delivery-model';
import type { MemberRecord } from '../data/models/member-model';
import { creditPoints } from '../rules/credit-points';
import { lotExpiresAt } from '../rules/lot-expiry';
import { applyAccountChanges } from './apply-account-change';
import type { ServiceContext } from './service-context';

/** Deliveries settled per sweep round. */
const SWEEP_BATCH = 500;

/**
 * Points that come with a message (a campaign's bonus) are credited when the message has gone
 * out, so the member reads why they have them: a delivery carrying a bonus is recorded with
 * `bonusState: 'due'`; once it is `sent` (customer service now, or the mass send that carried it)
 * the bonus is credited under its operation key (`MemberStore.apply`: once, ever, however many
 * workers or retries try) and the record marked `credited`. A delivery finally skipped or failed
 * gets no points: `finish` marks it `withheld` in the same write as its outcome, and its status and
 * reason say why. A crash between the send and the credit is caught by `settleDue` (the recovery
 * sweep), which finishes any undecided bonus whose delivery has an outcome.
 */
export class DeliveryBonus {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * Credits the bonus of these deliveries that are `sent` and still `due`. Returns how many are
   * credited now or were already (a concurrent run).
   */
  async creditSent(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const records = await this.ctx.db.delivery.deliveries
      .find({ _id: { $in: keys }, bonusState: 'due', status: 'sent' }, { memberId: 1, bonus: 1 })
      .lean<Pick<DeliveryRecord, '_id' | 'memberId' | 'bonus'>[]>();
    return this.credit(records);
  }

  /**
   * The recovery sweep: credits the bonuses of sent deliveries a crash left `due`, and withholds
   * those of deliveries finally skipped or failed (written by a version that did not mark them).
   */
  async settleDue(): Promise<number> {
    const deliveries = this.ctx.db.delivery.deliveries;
    let settled = 0;
    for (;;) {
      const sent = await deliveries
        .find({ bonusState: 'due', status: 'sent' }, { memberId: 1, bonus: 1 })
        .limit(SWEEP_BATCH)
        .lean<Pick<DeliveryRecord, '_id' | 'memberId' | 'bonus'>[]>();
      if (sent.length === 0) break;
      const credited = await this.credit(sent);
      settled += credited;
      if (credited < sent.length) break; // members gone: left for a later sweep, not looped over
    }
    const withheld = await deliveries.updateMany(
      { bonusState: 'due', status: { $in: ['skipped', 'failed'] } },
      { $set: { bonusState: 'withheld' } },
    );
    return settled + withheld.modifiedCount;
  }

  private async credit(records: Pick<DeliveryRecord, '_id' | 'memberId' | 'bonus'>[]): Promise<number> {
    const withBonus = records.filter((r) => r.bonus);
    if (withBonus.length === 0) return 0;
    const members = await this.ctx.db.members
      .find({ _id: { $in: withBonus.map((r) => r.memberId) } })
      .lean<MemberRecord[]>();
    const byId = new Map(members.map((m) => [m._id, m]));
    const items = withBonus.flatMap((record) => {
      const member = byId.get(record.memberId);
      return member && record.bonus ? [{ member, opKey: record.bonus.opKey, record }] : [];
    });
    const grants = new Map(items.map((item) => [item.opKey, item.record.bonus!]));
    const outcomes = await applyAccountChanges(this.ctx, items, null, (account, now, program, opKey) => {
      const grant = grants.get(opKey)!;
      return creditPoints(account, {
        entryId: opKey,
        type: 'bonus',
        now,
        points: grant.points,
        earnedAt: now,
        expiresAt: lotExpiresAt(now, program),
        reason: grant.reason,
        reference: grant.reference,
      });
    });
    const done = items
      .filter((_, i) => outcomes[i]?.status === 'applied' || outcomes[i]?.status === 'already_applied')
      .map((item) => item.record._id);
    if (done.length > 0) {
      await this.ctx.db.delivery.deliveries.updateMany(
        { _id: { $in: done }, bonusState: 'due' },
        { $set: { bonusState: 'credited' } },
      );
    }
    return done.length;
  }
}
