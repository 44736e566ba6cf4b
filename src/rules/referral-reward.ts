import type { Program } from '../config/program-schema';

export type ReferralRewardKind = 'signup:newcomer' | 'signup:referrer' | 'first-transaction:referrer';

/** Points to credit (a `referral` ledger entry) exactly once, guarded by `key`'s unique index. */
export interface ReferralReward {
  readonly kind: ReferralRewardKind;
  readonly memberId: string;
  readonly points: number;
  /** `referral:<referralId>:<kind>`: the ledger entry id, so a retry cannot credit twice. */
  readonly key: string;
}

/**
 * The sign-up rewards of an eligible referral (RULES.md §6): the new member's points, and the
 * referrer's unless the referrer has reached this membership year's cap. Rewards of 0 points
 * (a program that switched one off) are left out.
 */
export function referralSignupRewards(
  referral: {
    readonly referralId: string;
    readonly referrerMemberId: string;
    readonly newMemberId: string;
    readonly referrerRewarded: boolean;
  },
  program: Pick<Program, 'referral'>,
): ReferralReward[] {
  const rewards = [
    reward(referral.referralId, 'signup:newcomer', referral.newMemberId, program.referral.newMemberPoints),
  ];
  if (referral.referrerRewarded) {
    rewards.push(
      reward(
        referral.referralId,
        'signup:referrer',
        referral.referrerMemberId,
        program.referral.referrerOnSignupPoints,
      ),
    );
  }
  return rewards.filter((candidate) => candidate.points > 0);
}

/**
 * The referrer's reward for the friend's first transaction in a qualifying category (vehicle,
 * maintenance, repair by default), or null. Only referrals whose referrer was rewarded at sign-up
 * pay it (a referral over the yearly cap stays unrewarded for the referrer), and only once:
 * `alreadyRewarded` is true once the reward entry exists, and the key guards races.
 */
export function referralFirstTransactionReward(
  referral: {
    readonly referralId: string;
    readonly referrerMemberId: string;
    readonly referrerRewarded: boolean;
    readonly alreadyRewarded: boolean;
  },
  transactionCategory: string,
  program: Pick<Program, 'referral' | 'categories'>,
): ReferralReward | null {
  if (!referral.referrerRewarded || referral.alreadyRewarded) return null;
  if (!program.categories[transactionCategory]?.referralQualifying) return null;
  const points = program.referral.referrerOnFirstQualifyingPoints;
  if (points <= 0) return null;
  return reward(referral.referralId, 'first-transaction:referrer', referral.referrerMemberId, points);
}

function reward(
  referralId: string,
  kind: ReferralRewardKind,
  memberId: string,
  points: number,
): ReferralReward {
  return { kind, memberId, points, key: `referral:${referralId}:${kind}` };
}
