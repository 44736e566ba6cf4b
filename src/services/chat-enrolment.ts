import type { Effect, EffectResults } from '../conversation/effect';
import type { MemberRecord } from '../data/models/member-model';
import { memberView } from './member-view';
import type { Services } from './services';
import type { SmsCodeService } from './sms-code-service';

/**
 * The sign-up flow's two writing effects, for a chat user who verified a mobile by SMS: binding
 * the member who already has that mobile to this WeChat account (re-binding), or enrolling a new
 * member. Both check again that this chat user verified the mobile.
 */
export class ChatEnrolment {
  constructor(
    private readonly services: Services,
    private readonly smsCodes: SmsCodeService,
  ) {}

  /** The member with this mobile, bound to this chat user; `not_member` lets the sign-up go on. */
  async rebind(mobile: string, userId: string): Promise<EffectResults['rebind_member']> {
    if (!(await this.smsCodes.isVerified(mobile, userId))) return { status: 'not_verified' };
    const existing = await this.services.db.members
      .findOne({ mobile, status: 'active' }, { _id: 1 })
      .lean<Pick<MemberRecord, '_id'>>();
    if (!existing) return { status: 'not_member' };
    return this.bind(existing._id, mobile, userId);
  }

  async enrol(
    form: Extract<Effect, { type: 'enrol' }>['form'],
    userId: string,
  ): Promise<EffectResults['enrol']> {
    const { services } = this;
    if (!(await this.smsCodes.isVerified(form.mobile, userId))) return { ok: false, reason: 'not_verified' };
    const storeId = services.program.current().stores[0]!.id;
    const outcome = await services.enrolment.enrol(form, { channel: 'chat', storeId, openid: userId });
    if (outcome.ok) {
      await this.smsCodes.forgetVerified(form.mobile, userId);
      const { welcome, referral } = outcome.result;
      return {
        ok: true,
        welcomePoints: welcome?.points ?? 0,
        referralPoints: referral?.newcomerPoints ?? 0,
        inviter: referral?.newcomerPoints ? await services.referrals.inviterOf(referral.referralId) : null,
        voucher: welcome?.voucher
          ? { name: welcome.voucher.name, expiresAt: welcome.voucher.expiresAt }
          : null,
      };
    }
    switch (outcome.reason) {
      case 'already_member': {
        // Became a member since the flow checked (staff at the counter, meanwhile): the mobile's
        // owner proved it by SMS, so this chat user is that member.
        const bound = await this.bind(outcome.memberId, form.mobile, userId);
        return { ok: false, reason: bound.status === 'rebound' ? 'relinked' : 'conflict' };
      }
      case 'openid_linked':
        return { ok: false, reason: 'openid_linked' };
      case 'invalid_input':
        return { ok: false, reason: 'invalid', message: outcome.issues[0]?.message ?? '信息不完整' };
      case 'unknown_referral_code':
        return { ok: false, reason: 'invalid', message: '推荐码无效' };
    }
  }

  private async bind(
    memberId: string,
    mobile: string,
    userId: string,
  ): Promise<EffectResults['rebind_member']> {
    const { services } = this;
    const outcome = await services.links.bindVerified(memberId, userId, 'chat');
    if (!outcome.ok) return { status: outcome.reason === 'conflict' ? 'conflict' : 'not_member' };
    await this.smsCodes.forgetVerified(mobile, userId);
    const view = memberView(outcome.member, services.clock(), services.program.current(), false);
    return {
      status: 'rebound',
      name: outcome.member.name,
      available: view.balance.available,
      tierName: view.tier.name,
      tookOver: outcome.change?.reason === 'rebind',
    };
  }
}
