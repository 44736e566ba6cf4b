import type { BindingRecord, MemberRecord } from '../data/models/member-model';
import { newId } from '../lib/new-id';
import { bindingChange, movedAwayAt } from '../rules/member-binding';
import type { IdentityHasher } from './identity-hasher';
import { RebindFollowUp } from './rebind-follow-up';
import type { ServiceContext } from './service-context';

export type BindOutcome =
  /** `change` is null when the account was already the member's. */
  | { ok: true; member: MemberRecord; change: BindingRecord | null }
  /** `conflict`: another WeChat account took the membership over between the read and the write. */
  | { ok: false; reason: 'not_found' | 'conflict' };

/**
 * The link between a chat user (WeChat openid) and a member, and its history. Unfollowing drops it
 * — the openid is WeChat-derived data we may keep only while the person follows the account — but
 * keeps the member; verifying the member's mobile by SMS binds the WeChat account that did it
 * (RULES.md §5), taking the membership over from another account if need be. Every bind and unbind
 * is recorded on the member (`bindings`, openids as salted hashes) in the same atomic update that
 * changes the link, so the history always agrees with the link.
 */
export class MemberLinkService {
  private readonly followUp: RebindFollowUp;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly hasher: IdentityHasher,
    followUp: ConstructorParameters<typeof RebindFollowUp>[1],
  ) {
    this.followUp = new RebindFollowUp(ctx, followUp);
  }

  /** The active member linked to this openid, if any. */
  async findByOpenid(openid: string): Promise<MemberRecord | null> {
    return this.ctx.db.members.findOne({ openid, status: 'active' }).lean<MemberRecord>();
  }

  /** Drops the openid from whichever member carries it (the account unfollowed); true when one did. */
  async unlinkOpenid(openid: string): Promise<boolean> {
    const unbind: BindingRecord = {
      id: newId(),
      at: this.ctx.clock(),
      action: 'unbind',
      reason: 'unfollow',
      channel: 'chat',
      oldOpenidHash: await this.hasher.hash('openid', openid),
      newOpenidHash: null,
    };
    const result = await this.ctx.db.members.updateOne(
      { openid },
      { $set: { openid: null }, $push: { bindings: unbind } },
    );
    if (result.modifiedCount) this.ctx.logger.info('member unfollowed: openid link dropped');
    return result.modifiedCount === 1;
  }

  /**
   * Binds an openid to an active member after it verified the member's mobile by SMS. A take-over
   * from another WeChat account is one conditional update on the account read (two accounts
   * verifying at once: one wins, the other gets `conflict`); the old account is then told through
   * delivery, and staff are alerted when the membership moved more than once in 30 days.
   */
  async bindVerified(memberId: string, openid: string, channel: string): Promise<BindOutcome> {
    const { members } = this.ctx.db;
    const now = this.ctx.clock();
    const member = await members.findOne({ _id: memberId, status: 'active' }).lean<MemberRecord>();
    if (!member) return { ok: false, reason: 'not_found' };
    if (member.openid === openid) return { ok: true, member, change: null };
    const oldOpenid = member.openid;
    const change = bindingChange(
      oldOpenid ? await this.hasher.hash('openid', oldOpenid) : null,
      await this.hasher.hash('openid', openid),
      { id: newId(), at: now, channel },
    );
    if (!change) return { ok: true, member, change: null };
    // An openid maps to at most one member: one still carrying it (not an active one: this chat
    // user had no membership, or it would not be signing up) loses it.
    await members.updateOne({ openid, _id: { $ne: memberId } }, { $set: { openid: null } });
    const bound = await members
      .findOneAndUpdate(
        { _id: memberId, status: 'active', openid: oldOpenid },
        { $set: { openid }, $push: { bindings: change } },
        { returnDocument: 'after' },
      )
      .lean<MemberRecord>();
    if (!bound) {
      this.ctx.logger.warn({ memberId }, 'member re-bound concurrently: this bind lost');
      return { ok: false, reason: 'conflict' };
    }
    await this.hasher.remember('openid', openid, now);
    this.ctx.logger.info({ memberId, reason: change.reason }, 'member bound to a WeChat account');
    if (oldOpenid) await this.followUp.afterRebind(bound, oldOpenid, change);
    return { ok: true, member: bound, change };
  }

  /**
   * When the membership this openid held moved to another WeChat account (the latest such move),
   * or null. For a chat user with no membership: asked only then, so members pay nothing for it.
   */
  async movedAwayAt(openid: string): Promise<Date | null> {
    const hash = await this.hasher.hash('openid', openid);
    const held = await this.ctx.db.members
      .find(
        { status: 'active', bindings: { $elemMatch: { oldOpenidHash: hash, reason: 'rebind' } } },
        { bindings: 1 },
      )
      .limit(5)
      .lean<Pick<MemberRecord, 'bindings'>[]>();
    let latest: Date | null = null;
    for (const member of held) {
      const at = movedAwayAt(member.bindings ?? [], hash);
      if (at && (!latest || at > latest)) latest = at;
    }
    return latest;
  }
}
