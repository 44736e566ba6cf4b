import type { MemberRecord } from '../data/models/member-model';
import type { ServiceContext } from './service-context';

/**
 * The link between a chat user (WeChat openid) and a member. Unfollowing drops it — the openid
 * is WeChat-derived data we may keep only while the person follows the account — but keeps the
 * member; following again and verifying the same mobile by SMS links the new openid (RULES.md §5).
 */
export class MemberLinkService {
  constructor(private readonly ctx: ServiceContext) {}

  /** The active member linked to this openid, if any. */
  async findByOpenid(openid: string): Promise<MemberRecord | null> {
    return this.ctx.db.members.findOne({ openid, status: 'active' }).lean<MemberRecord>();
  }

  /** Drops the openid from whichever member carries it; true when one did. */
  async unlinkOpenid(openid: string): Promise<boolean> {
    const result = await this.ctx.db.members.updateOne({ openid }, { $set: { openid: null } });
    if (result.modifiedCount) this.ctx.logger.info('member unfollowed: openid link dropped');
    return result.modifiedCount === 1;
  }

  /**
   * Links an openid to an active member (after the mobile was verified by SMS). Any other member
   * still carrying it loses it first: an openid maps to at most one member.
   */
  async linkOpenid(memberId: string, openid: string): Promise<boolean> {
    const { members } = this.ctx.db;
    await members.updateOne({ openid, _id: { $ne: memberId } }, { $set: { openid: null } });
    const result = await members.updateOne({ _id: memberId, status: 'active' }, { $set: { openid } });
    return result.matchedCount === 1;
  }
}
