import { isDuplicateKeyError } from '../data/duplicate-key';
import type { EnrolmentRecord } from '../data/models/enrolment-model';
import type { MemberRecord } from '../data/models/member-model';
import type { ReferralRecord } from '../data/models/referral-model';
import type { ReferralQuotaRecord } from '../data/models/referral-quota-model';
import { newId } from '../lib/new-id';
import { creditPoints } from '../rules/credit-points';
import { inviterLabel } from '../rules/inviter-label';
import { formatIsoDate } from '../rules/local-date';
import { lotExpiresAt } from '../rules/lot-expiry';
import { membershipYearAt } from '../rules/membership-year';
import { checkReferralEligibility } from '../rules/referral-eligibility';
import {
  type ReferralReward,
  referralFirstTransactionReward,
  referralSignupRewards,
} from '../rules/referral-reward';
import { applyAccountChange } from './apply-account-change';
import type { IdentityHasher } from './identity-hasher';
import type { ServiceContext } from './service-context';
import type { TransactionListener } from './transaction-service';

export type OpenOutcome =
  | { ok: true; referralId: string; firstOpenedAt: Date; duplicate: boolean }
  | { ok: false; reason: 'unknown_code' | 'identity_required' }
  | { ok: false; reason: 'self_referral' | 'referral_loop' | 'already_member' };

/** The referral a sign-up follows, as planned before the member is created (see the enrolment journal). */
export type SignupReferralPlan = NonNullable<EnrolmentRecord['referral']>;

export interface SignupReferralResult {
  referralId: string;
  status: ReferralRecord['status'];
  reason: string | null;
  /** Points the new member received for it. */
  newcomerPoints: number;
}

export interface ReferralSummary {
  code: string;
  /** The parametric QR scene (WeChat sends it back as `qrscene_ref_<code>` on a follow). */
  scene: string;
  friendsJoined: number;
  pointsEarned: number;
  rewardedThisYear: number;
  yearlyCap: number;
}

export interface ReferralListItem {
  referralId: string;
  status: ReferralRecord['status'];
  reason: string | null;
  firstOpenedAt: string;
  joinedAt: string | null;
  friend: { memberId: string; name: string | null } | null;
  referrerRewarded: boolean;
  /** Points the referrer earned from this referral. */
  pointsEarned: number;
  rewards: { kind: string; points: number; grantedAt: string }[];
}

const REWARD_REASONS: Record<ReferralReward['kind'], string> = {
  'signup:newcomer': '受邀入会奖励',
  'signup:referrer': '推荐好友入会奖励',
  'first-transaction:referrer': '好友首次到店消费奖励',
};

/**
 * Referrals (RULES.md §6): link opens and QR scans, attribution at sign-up (eligibility by the pure
 * rule, the referrer's yearly cap claimed atomically), the sign-up rewards, and the referrer's
 * reward for the friend's first qualifying transaction. Every reward is a ledger entry whose id is
 * the reward's key, applied through `MemberStore.apply`, so it is granted exactly once.
 */
export class ReferralService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly hasher: IdentityHasher,
  ) {}

  /**
   * Records that someone opened a member's link or scanned their QR code. The first open of a
   * person (by openid, else mobile) for a code is kept: later opens do not move the 30-day window.
   * An existing member opening a link is not a referral and is answered with the reason.
   */
  async recordOpen(input: {
    referralCode: string;
    openid?: string | null;
    mobile?: string | null;
    at?: Date;
  }): Promise<OpenOutcome> {
    const { db } = this.ctx;
    const at = input.at ?? this.ctx.clock();
    const code = input.referralCode.trim().toUpperCase();
    if (!input.openid && !input.mobile) return { ok: false, reason: 'identity_required' };
    const referrer = await db.members.findOne({ referralCode: code, status: 'active' }).lean<MemberRecord>();
    if (!referrer) return { ok: false, reason: 'unknown_code' };

    const existing =
      (input.openid
        ? await db.members.findOne({ openid: input.openid, status: 'active' }).lean<MemberRecord>()
        : null) ??
      (input.mobile
        ? await db.members.findOne({ mobile: input.mobile, status: 'active' }).lean<MemberRecord>()
        : null);
    if (existing) {
      const verdict = checkReferralEligibility(
        {
          referralId: 'open',
          firstOpenedAt: at,
          signedUpAt: at,
          referrer: referrerFacts(referrer, 0),
          newcomer: {
            memberId: existing._id,
            mobile: existing.mobile ?? '',
            openid: existing.openid,
            mobileWasMember: true,
            openidWasMember: true,
          },
        },
        this.ctx.program.current(),
      );
      return { ok: false, reason: verdict.ok ? 'already_member' : (verdict.reason as 'already_member') };
    }

    const keys = await this.hasher.keysOf({ mobile: input.mobile, openid: input.openid });
    const primary = input.openid ? await this.hasher.hash('openid', input.openid) : keys[0]!;
    const openKey = `${code}|${primary}`;
    const record: Omit<ReferralRecord, 'createdAt' | 'updatedAt'> = {
      _id: newId(),
      referrerMemberId: referrer._id,
      code,
      newcomerKeys: keys,
      openKey,
      newcomerMemberId: null,
      firstOpenedAt: at,
      joinedAt: null,
      status: 'opened',
      reason: null,
      referrerRewarded: false,
      rewards: [],
      completedByTransactionId: null,
    };
    try {
      await db.membership.referrals.create(record);
      return { ok: true, referralId: record._id, firstOpenedAt: at, duplicate: false };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const first = await db.membership.referrals.findOne({ openKey }).lean<ReferralRecord>();
      if (!first) throw err;
      // A later open may add the mobile to an open first seen by openid.
      await db.membership.referrals.updateOne(
        { _id: first._id },
        { $addToSet: { newcomerKeys: { $each: keys } } },
      );
      return { ok: true, referralId: first._id, firstOpenedAt: first.firstOpenedAt, duplicate: true };
    }
  }

  /**
   * The referral a sign-up follows: the code given at sign-up (with the person's earlier open of
   * it, if any, for the window), else the person's earliest open. `unknown_code` when the code
   * given is nobody's (or an erased member's).
   */
  async planForSignup(input: {
    code: string | null;
    mobile: string;
    openid: string | null;
    at: Date;
  }): Promise<SignupReferralPlan | null | 'unknown_code'> {
    const { db } = this.ctx;
    const keys = await this.hasher.keysOf(input);
    if (input.code) {
      const referrer = await db.members
        .findOne({ referralCode: input.code, status: 'active' }, { _id: 1 })
        .lean<Pick<MemberRecord, '_id'>>();
      if (!referrer) return 'unknown_code';
      const open = await db.membership.referrals
        .findOne({ code: input.code, newcomerKeys: { $in: keys }, status: 'opened' })
        .sort({ firstOpenedAt: 1 })
        .lean<ReferralRecord>();
      return {
        referralId: open?._id ?? newId(),
        fromOpen: !!open,
        referrerMemberId: referrer._id,
        code: input.code,
        firstOpenedAt: open?.firstOpenedAt ?? input.at,
      };
    }
    const opens = await db.membership.referrals
      .find({ newcomerKeys: { $in: keys }, status: 'opened' })
      .sort({ firstOpenedAt: 1 })
      .limit(5)
      .lean<ReferralRecord[]>();
    for (const open of opens) {
      const active = await db.members.exists({ _id: open.referrerMemberId, status: 'active' });
      if (!active) continue;
      return {
        referralId: open._id,
        fromOpen: true,
        referrerMemberId: open.referrerMemberId,
        code: open.code,
        firstOpenedAt: open.firstOpenedAt,
      };
    }
    return null;
  }

  /**
   * Decides the sign-up's referral once (stored on the referral: joined, or rejected with the
   * reason) and grants its rewards (each exactly once). Safe to call again after a crash.
   */
  async attributeSignup(
    enrolment: EnrolmentRecord,
    member: MemberRecord,
  ): Promise<SignupReferralResult | null> {
    const plan = enrolment.referral;
    if (!plan) return null;
    const { db } = this.ctx;
    const referrals = db.membership.referrals;
    let referral = await referrals.findOne({ newcomerMemberId: member._id }).lean<ReferralRecord>();
    if (!referral) {
      const keys = await this.hasher.keysOf({ mobile: member.mobile, openid: member.openid });
      const decision = await this.decide(plan, enrolment, member);
      const set = {
        newcomerMemberId: member._id,
        joinedAt: enrolment.at,
        status: decision.status,
        reason: decision.reason,
        referrerRewarded: decision.referrerRewarded,
      };
      if (plan.fromOpen) {
        referral = await referrals
          .findOneAndUpdate(
            { _id: plan.referralId, status: 'opened', newcomerMemberId: null },
            { $set: set, $addToSet: { newcomerKeys: { $each: keys } } },
            { returnDocument: 'after' },
          )
          .lean<ReferralRecord>();
        referral ??= await referrals.findById(plan.referralId).lean<ReferralRecord>();
        // The open was completed by another sign-up of the same person: not this member's referral.
        if (!referral || referral.newcomerMemberId !== member._id) return null;
      } else {
        try {
          await referrals.create({
            _id: plan.referralId,
            referrerMemberId: plan.referrerMemberId,
            code: plan.code,
            newcomerKeys: keys,
            openKey: null,
            firstOpenedAt: plan.firstOpenedAt,
            rewards: [],
            completedByTransactionId: null,
            ...set,
          });
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
        }
        referral = await referrals.findOne({ newcomerMemberId: member._id }).lean<ReferralRecord>();
        if (!referral) return null;
      }
    }

    let newcomerPoints = 0;
    if (referral.status === 'joined' || referral.status === 'rewarded') {
      await db.members.updateOne(
        { _id: member._id, referredBy: null },
        { $set: { referredBy: { memberId: referral.referrerMemberId, referralId: referral._id } } },
      );
      const rewards = referralSignupRewards(
        {
          referralId: referral._id,
          referrerMemberId: referral.referrerMemberId,
          newMemberId: member._id,
          referrerRewarded: referral.referrerRewarded,
        },
        this.ctx.program.current(),
      );
      for (const reward of rewards) {
        const granted = await this.grant(referral, reward, enrolment.storeId);
        if (granted && reward.kind === 'signup:newcomer') newcomerPoints = reward.points;
      }
    }
    return { referralId: referral._id, status: referral.status, reason: referral.reason, newcomerPoints };
  }

  /** The transaction listener: the friend's first qualifying transaction pays the referrer once. */
  readonly onTransactionApplied: TransactionListener = async ({ member, transaction }) => {
    const program = this.ctx.program.current();
    if (!program.categories[transaction.category]?.referralQualifying) return;
    const { referrals } = this.ctx.db.membership;
    // Claim first: the recovery sweep finishes a claimed referral whose reward a crash interrupted.
    const referral = await referrals
      .findOneAndUpdate(
        { newcomerMemberId: member._id, status: 'joined', referrerRewarded: true },
        { $set: { completedByTransactionId: transaction._id } },
        { returnDocument: 'after' },
      )
      .lean<ReferralRecord>();
    if (referral) await this.complete(referral, transaction.category, transaction.storeId);
  };

  /**
   * Finishes referrals a crash interrupted: first-transaction rewards claimed but not granted.
   * (Sign-up rewards are finished by the enrolment sweep.) Returns how many it finished.
   */
  async recoverStuck(): Promise<number> {
    const { db } = this.ctx;
    const claimed = await db.membership.referrals
      .find({ status: 'joined', completedByTransactionId: { $type: 'string' } })
      .lean<ReferralRecord[]>();
    for (const referral of claimed) {
      const txn = await db.transactions.findById(referral.completedByTransactionId!).lean();
      await this.complete(referral, txn?.category ?? '', txn?.storeId ?? null);
    }
    return claimed.length;
  }

  private async complete(referral: ReferralRecord, category: string, storeId: string | null): Promise<void> {
    const reward = referralFirstTransactionReward(
      {
        referralId: referral._id,
        referrerMemberId: referral.referrerMemberId,
        referrerRewarded: referral.referrerRewarded,
        alreadyRewarded: referral.rewards.some((r) => r.kind === 'first-transaction:referrer'),
      },
      category,
      this.ctx.program.current(),
    );
    if (reward) await this.grant(referral, reward, storeId);
    await this.ctx.db.membership.referrals.updateOne(
      { _id: referral._id, status: 'joined' },
      { $set: { status: 'rewarded' } },
    );
  }

  /** What the chat flow shows a member: their code, friends who joined, points earned by referring. */
  async referralSummary(memberId: string): Promise<ReferralSummary | null> {
    const { db } = this.ctx;
    const member = await db.members.findOne({ _id: memberId, status: 'active' }).lean<MemberRecord>();
    if (!member) return null;
    const program = this.ctx.program.current();
    const referrals = await db.membership.referrals
      .find({ referrerMemberId: memberId, status: { $in: ['joined', 'rewarded'] } })
      .lean<ReferralRecord[]>();
    const quota = await db.membership.referralQuotas
      .findById(this.quotaId(member, this.ctx.clock()))
      .lean<ReferralQuotaRecord>();
    return {
      code: member.referralCode,
      scene: `ref_${member.referralCode}`,
      friendsJoined: referrals.length,
      pointsEarned: sumReferrerPoints(referrals, memberId),
      rewardedThisYear: quota?.count ?? 0,
      yearlyCap: program.referral.maxRewardedPerMembershipYear,
    };
  }

  /** The referrer of a referral as the friend's welcome names them, masked (`inviterLabel`). */
  async inviterOf(referralId: string): Promise<string | null> {
    const { db } = this.ctx;
    const referral = await db.membership.referrals
      .findById(referralId, { referrerMemberId: 1 })
      .lean<Pick<ReferralRecord, 'referrerMemberId'>>();
    if (!referral) return null;
    const referrer = await db.members
      .findOne({ _id: referral.referrerMemberId, status: 'active' }, { name: 1, mobile: 1 })
      .lean<Pick<MemberRecord, 'name' | 'mobile'>>();
    return referrer ? inviterLabel(referrer) : null;
  }

  /** A referrer's referrals for staff, newest first (opens not yet joined are left out). */
  async listForMember(memberId: string): Promise<ReferralListItem[]> {
    const { db } = this.ctx;
    const referrals = await db.membership.referrals
      .find({ referrerMemberId: memberId, status: { $ne: 'opened' } })
      .sort({ joinedAt: -1 })
      .limit(500)
      .lean<ReferralRecord[]>();
    const friendIds = referrals.map((r) => r.newcomerMemberId).filter((id): id is string => !!id);
    const friends = await db.members
      .find({ _id: { $in: friendIds } }, { name: 1 })
      .lean<Pick<MemberRecord, '_id' | 'name'>[]>();
    const nameOf = new Map(friends.map((f) => [f._id, f.name]));
    return referrals.map((r) => ({
      referralId: r._id,
      status: r.status,
      reason: r.reason,
      firstOpenedAt: new Date(r.firstOpenedAt).toISOString(),
      joinedAt: r.joinedAt ? new Date(r.joinedAt).toISOString() : null,
      friend: r.newcomerMemberId
        ? { memberId: r.newcomerMemberId, name: nameOf.get(r.newcomerMemberId) ?? null }
        : null,
      referrerRewarded: r.referrerRewarded,
      pointsEarned: sumReferrerPoints([r], memberId),
      rewards: r.rewards
        .filter((reward) => reward.memberId === memberId)
        .map((reward) => ({
          kind: reward.kind,
          points: reward.points,
          grantedAt: new Date(reward.grantedAt).toISOString(),
        })),
    }));
  }

  private async decide(
    plan: SignupReferralPlan,
    enrolment: EnrolmentRecord,
    member: MemberRecord,
  ): Promise<{ status: 'joined' | 'rejected'; reason: string | null; referrerRewarded: boolean }> {
    const { db } = this.ctx;
    const program = this.ctx.program.current();
    const referrer = await db.members.findById(plan.referrerMemberId).lean<MemberRecord>();
    if (referrer?.status !== 'active') {
      return { status: 'rejected', reason: 'referrer_unavailable', referrerRewarded: false };
    }
    const quotaId = this.quotaId(referrer, enrolment.at);
    const quota = await db.membership.referralQuotas.findById(quotaId).lean<ReferralQuotaRecord>();
    // A slot this referral already holds (a resumed sign-up) means the referrer is rewarded.
    const holdsSlot = quota?.referralIds.includes(plan.referralId) ?? false;
    const signup = (rewardedSoFar: number) => ({
      referralId: plan.referralId,
      firstOpenedAt: plan.firstOpenedAt,
      signedUpAt: enrolment.at,
      referrer: referrerFacts(referrer, rewardedSoFar),
      newcomer: {
        memberId: member._id,
        mobile: member.mobile ?? '',
        openid: member.openid,
        mobileWasMember: enrolment.identity.mobileWasMember,
        openidWasMember: enrolment.identity.openidWasMember,
      },
    });
    const verdict = checkReferralEligibility(signup(holdsSlot ? 0 : (quota?.count ?? 0)), program);
    if (!verdict.ok) return { status: 'rejected', reason: verdict.reason, referrerRewarded: false };
    let referrerRewarded = verdict.referrerRewarded;
    if (referrerRewarded && !holdsSlot) {
      referrerRewarded = await this.claimSlot(
        quotaId,
        plan.referralId,
        program.referral.maxRewardedPerMembershipYear,
      );
    }
    return { status: 'joined', reason: null, referrerRewarded };
  }

  /** One conditional update: a slot under the cap for this referral, or the one it already holds. */
  private async claimSlot(quotaId: string, referralId: string, cap: number): Promise<boolean> {
    const quotas = this.ctx.db.membership.referralQuotas;
    try {
      const claimed = await quotas
        .findOneAndUpdate(
          { _id: quotaId, count: { $lt: cap }, referralIds: { $ne: referralId } },
          { $inc: { count: 1 }, $push: { referralIds: referralId } },
          { upsert: true, returnDocument: 'after' },
        )
        .lean<ReferralQuotaRecord>();
      return claimed !== null;
    } catch (err) {
      // The quota exists but did not match: full, or this referral is in it already.
      if (!isDuplicateKeyError(err)) throw err;
      const quota = await quotas.findById(quotaId).lean<ReferralQuotaRecord>();
      return quota?.referralIds.includes(referralId) ?? false;
    }
  }

  private quotaId(referrer: Pick<MemberRecord, '_id' | 'signedUpAt'>, at: Date): string {
    const year = membershipYearAt(referrer.signedUpAt, at, this.ctx.program.current().timezone);
    return `${referrer._id}:${formatIsoDate(year.start)}`;
  }

  private async grant(
    referral: ReferralRecord,
    reward: ReferralReward,
    storeId: string | null,
  ): Promise<boolean> {
    const outcome = await applyAccountChange(
      this.ctx,
      reward.memberId,
      reward.key,
      storeId,
      (account, now, program) =>
        creditPoints(account, {
          entryId: reward.key,
          type: 'referral',
          now,
          points: reward.points,
          earnedAt: now,
          expiresAt: lotExpiresAt(now, program),
          reference: referral._id,
          reason: REWARD_REASONS[reward.kind],
        }),
    );
    // An erased member gets nothing (there is no one to give it to).
    if (outcome.status === 'not_found') return false;
    await this.ctx.db.membership.referrals.updateOne(
      { _id: referral._id, 'rewards.key': { $ne: reward.key } },
      {
        $push: {
          rewards: {
            kind: reward.kind,
            memberId: reward.memberId,
            points: reward.points,
            key: reward.key,
            grantedAt: this.ctx.clock(),
          },
        },
      },
    );
    return true;
  }
}

function referrerFacts(referrer: MemberRecord, rewardedReferralsThisYear: number) {
  return {
    memberId: referrer._id,
    mobile: referrer.mobile ?? '',
    openids: referrer.openid ? [referrer.openid] : [],
    referredByMemberId: referrer.referredBy?.memberId ?? null,
    rewardedReferralsThisYear,
  };
}

function sumReferrerPoints(referrals: readonly ReferralRecord[], memberId: string): number {
  let total = 0;
  for (const referral of referrals) {
    for (const reward of referral.rewards) if (reward.memberId === memberId) total += reward.points;
  }
  return total;
}
