import type { Program } from '../config/program-schema';
import { type ReferralReward, referralSignupRewards } from './referral-reward';

export interface ReferralSignup {
  readonly referralId: string;
  /** When the new person first opened or scanned the referrer's link or QR code. */
  readonly firstOpenedAt: Date;
  readonly signedUpAt: Date;
  readonly referrer: {
    readonly memberId: string;
    readonly mobile: string;
    readonly openids: readonly string[];
    /** Who referred the referrer, if anyone. */
    readonly referredByMemberId: string | null;
    /** Referrals that rewarded this referrer in their current membership year. */
    readonly rewardedReferralsThisYear: number;
  };
  readonly newcomer: {
    readonly memberId: string;
    readonly mobile: string;
    readonly openid: string | null;
    /** Whether any member, current or erased, ever had this mobile number. */
    readonly mobileWasMember: boolean;
    /** Whether any member ever had this openid. */
    readonly openidWasMember: boolean;
  };
}

export type ReferralEligibility =
  | {
      readonly ok: true;
      readonly rewards: readonly ReferralReward[];
      /** False when the referrer is over the yearly cap: the referral counts, unrewarded for them. */
      readonly referrerRewarded: boolean;
    }
  | {
      readonly ok: false;
      readonly reason: 'self_referral' | 'referral_loop' | 'already_member' | 'window_expired';
    };

const DAY_MS = 86_400_000;

/**
 * Whether a sign-up counts as a referral (RULES.md §6), and the sign-up rewards if it does.
 *
 * It counts when the person is genuinely new (neither the mobile nor the openid ever belonged to a
 * member), is not the referrer (same member, mobile or openid), did not refer the referrer (a
 * loop), and signs up within `windowDays × 24 h` of first opening the link.
 *
 * The yearly cap limits what the referrer earns, not the friend: over the cap the referral still
 * counts and the new member still gets their points (they did nothing wrong, and the cap exists to
 * stop one account farming rewards), but the referrer gets nothing for it, now or at the friend's
 * first transaction.
 */
export function checkReferralEligibility(
  signup: ReferralSignup,
  program: Pick<Program, 'referral'>,
): ReferralEligibility {
  const { referrer, newcomer } = signup;
  if (
    referrer.memberId === newcomer.memberId ||
    referrer.mobile === newcomer.mobile ||
    (newcomer.openid !== null && referrer.openids.includes(newcomer.openid))
  ) {
    return { ok: false, reason: 'self_referral' };
  }
  if (referrer.referredByMemberId === newcomer.memberId) return { ok: false, reason: 'referral_loop' };
  if (newcomer.mobileWasMember || newcomer.openidWasMember) return { ok: false, reason: 'already_member' };
  const elapsed = signup.signedUpAt.getTime() - signup.firstOpenedAt.getTime();
  if (elapsed < 0 || elapsed > program.referral.windowDays * DAY_MS)
    return { ok: false, reason: 'window_expired' };
  const referrerRewarded = referrer.rewardedReferralsThisYear < program.referral.maxRewardedPerMembershipYear;
  return {
    ok: true,
    referrerRewarded,
    rewards: referralSignupRewards(
      {
        referralId: signup.referralId,
        referrerMemberId: referrer.memberId,
        newMemberId: newcomer.memberId,
        referrerRewarded,
      },
      program,
    ),
  };
}
