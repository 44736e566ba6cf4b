import type { BindingRecord, MemberRecord } from '../data/models/member-model';
import { newId } from '../lib/new-id';
import type { IdentityHasher } from './identity-hasher';
import type { RedemptionService } from './redemption-service';
import type { ServiceContext } from './service-context';
import type { VoucherService } from './voucher-service';

export interface ErasureResult {
  memberId: string;
  status: 'erased';
  erasedAt: string;
}

export type ErasureOutcome =
  | { ok: true; duplicate: boolean; result: ErasureResult }
  | { ok: false; reason: 'not_found' };

/**
 * 注销 (RULES.md §9, PIPL): the member's personal data is erased, irreversibly, and the rest is
 * kept anonymous so the program's totals stay consistent.
 *
 * - Erased: name, mobile, openid (the WeChat mapping), birthday, vehicles (plates and models:
 *   a model alone identifies no one, but a car's record is the member's, so it goes too), tags,
 *   marketing consent. The notes and invoice photos of their points-missing reports.
 * - Kept: the member id, referral code (inert: look-ups use active members only), tier and the
 *   points account, the ledger (its entries carry only the member id) and transactions, and the
 *   consent records (policy version, time, channel — nothing personal), to which a withdrawal is
 *   added. The points are not forfeited by an entry: the account is frozen as it stands (nothing
 *   can change an erased member's account), so the ledger still replays to it exactly.
 * - Unused vouchers are cancelled: no one can present them as that member any more. A reward
 *   voucher's unit goes back to stock (another member may have it), its points do not (the
 *   account is closed).
 * - The mobile and openid stay known only as salted hashes (`identity_hashes`, written at sign-up),
 *   so the person may join again as a new member but is not "new" for referral rewards.
 *
 * Idempotent: the side clean-ups run first and are repeatable, the erasure itself is one
 * conditional update (active → erased); a second call answers the same.
 */
export class ErasureService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly vouchers: VoucherService,
    private readonly redemptions: RedemptionService,
    private readonly hasher: IdentityHasher,
  ) {}

  async erase(memberId: string, options: { channel: 'chat' | 'staff' }): Promise<ErasureOutcome> {
    const { db } = this.ctx;
    const member = await db.members.findById(memberId, { status: 1, erasedAt: 1 }).lean<MemberRecord>();
    if (!member) return { ok: false, reason: 'not_found' };
    if (member.status === 'erased') return { ok: true, duplicate: true, result: resultOf(member) };

    const now = this.ctx.clock();
    // Cancelled ones too: a crash may have left a reward voucher cancelled with its unit not yet back.
    for (const voucher of await this.vouchers.listForMember(memberId)) {
      if (voucher.status === 'issued' || voucher.status === 'cancelled') {
        await this.redemptions.closeForErasure(voucher);
      }
    }
    await db.membership.missingPointsReports.updateMany(
      { memberId },
      { $set: { note: null, invoice: null } },
    );
    // What the member wrote to staff goes too; ratings stay (anonymous once the member is erased).
    await db.followUp.feedback.updateMany({ memberId }, { $set: { comment: null } });
    await db.followUp.callbacks.updateMany({ memberId }, { $set: { note: null, recentMessages: [] } });
    await db.followUp.complaints.updateMany({ memberId }, { $set: { text: '', recentMessages: [] } });
    // The WeChat account goes too: the binding history records it (as a hash), in the same update.
    // Filtered on the account read, so a re-bind in between is retried rather than mis-recorded.
    let erased: MemberRecord | null = null;
    for (let attempt = 0; attempt < 3 && !erased; attempt++) {
      erased = await this.eraseOnce(memberId, now, options.channel);
    }
    if (erased) {
      this.ctx.logger.info({ memberId }, 'member erased');
      return { ok: true, duplicate: false, result: resultOf(erased) };
    }
    // Erased by a concurrent call in between.
    const after = await db.members.findById(memberId, { status: 1, erasedAt: 1 }).lean<MemberRecord>();
    if (after?.status === 'erased') return { ok: true, duplicate: true, result: resultOf(after) };
    return { ok: false, reason: 'not_found' };
  }

  private async eraseOnce(memberId: string, now: Date, channel: string): Promise<MemberRecord | null> {
    const { db } = this.ctx;
    const current = await db.members
      .findOne({ _id: memberId, status: 'active' }, { openid: 1 })
      .lean<Pick<MemberRecord, 'openid'>>();
    if (!current) return null;
    const unbind: BindingRecord | null = current.openid
      ? {
          id: newId(),
          at: now,
          action: 'unbind',
          reason: 'erase',
          channel,
          oldOpenidHash: await this.hasher.hash('openid', current.openid),
          newOpenidHash: null,
        }
      : null;
    return db.members
      .findOneAndUpdate(
        { _id: memberId, status: 'active', openid: current.openid },
        {
          $set: {
            status: 'erased',
            name: null,
            mobile: null,
            openid: null,
            birthday: null,
            vehicles: [],
            tags: [],
            marketingConsent: false,
            marketingOptOut: true,
            erasedAt: now,
          },
          $push: {
            consents: {
              kind: 'privacy',
              granted: false,
              version: this.ctx.program.current().signup.privacyPolicyVersion,
              at: now,
              channel,
            },
            ...(unbind ? { bindings: unbind } : {}),
          },
          // Any account decision read before this point must not be written after it.
          $inc: { rev: 1 },
        },
        { returnDocument: 'after' },
      )
      .lean<MemberRecord>();
  }
}

function resultOf(member: Pick<MemberRecord, '_id' | 'erasedAt'>): ErasureResult {
  return {
    memberId: member._id,
    status: 'erased',
    erasedAt: new Date(member.erasedAt ?? 0).toISOString(),
  };
}
