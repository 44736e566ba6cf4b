import type { Program, RewardPeriod } from '../config/program-schema';
import { checkRedemption, type RedemptionCheck } from './check-redemption';
import { bringUpToDate, type MemberStanding, type StandingChange, withEntries } from './member-standing';
import { availableBalance } from './points-account';
import { redeemPoints } from './redeem-points';
import { withCount } from './redemption-count-key';

export interface MemberForRedemption extends MemberStanding {
  readonly redemptionCounts: Readonly<Record<string, number>>;
}

/** The reward as it was when the redemption started (a later edit by staff does not change it). */
export interface RedemptionTerms {
  readonly rewardId: string;
  readonly cost: number;
  readonly minTier: string | null;
  readonly perMemberLimit: { readonly count: number; readonly period: RewardPeriod } | null;
  /** The counter of the limit's window when the redemption started; null without a limit. */
  readonly limitKey: string | null;
  /** The ledger entry id of the deduction: one per redemption, ever. */
  readonly entryId: string;
  /** The redemption id, kept on the entry so statements and cancellations can find it. */
  readonly reference: string;
}

export type RedemptionDecision =
  | {
      readonly ok: true;
      readonly change: StandingChange;
      readonly redemptionCounts: Readonly<Record<string, number>>;
    }
  | Extract<RedemptionCheck, { ok: false }>;

/**
 * The deduction step of a redemption (RULES.md §4), from the member brought up to date at `now`:
 * the tier, the per-member limit and the balance are checked again against the member document
 * the write is guarded by — the check before the writes may have raced with other redemptions —
 * then the points are spent FIFO and the limit's counter moves in the same change. Stock is not
 * checked here: the unit was reserved before.
 */
export function decideRedemption(
  member: MemberForRedemption,
  terms: RedemptionTerms,
  now: Date,
  program: Program,
): RedemptionDecision {
  const base = bringUpToDate(member, now, program);
  const counted = terms.limitKey ? (member.redemptionCounts[terms.limitKey] ?? 0) : 0;
  const check = checkRedemption(
    {
      reward: {
        id: terms.rewardId,
        cost: terms.cost,
        minTier: terms.minTier,
        perMemberLimit: terms.perMemberLimit,
        storeIds: null,
        active: true,
      },
      member: {
        tierCode: base.tier.tierCode,
        availablePoints: availableBalance(base.account, now),
        redemptionsInPeriod: counted,
      },
      stockLeft: null,
      storeId: null,
    },
    program,
  );
  if (!check.ok) return check;
  const spent = redeemPoints(base.account, {
    entryId: terms.entryId,
    points: terms.cost,
    now,
    reference: terms.reference,
  });
  if (!spent.ok) return spent;
  return {
    ok: true,
    change: withEntries(base, spent.account, spent.entries, member, now, program),
    redemptionCounts: terms.limitKey
      ? withCount(member.redemptionCounts, terms.limitKey, 1)
      : member.redemptionCounts,
  };
}
