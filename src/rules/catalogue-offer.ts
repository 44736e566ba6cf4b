import type { Program, RewardPeriod } from '../config/program-schema';
import { checkRedemption, type RedeemableReward, type RedemptionCheck } from './check-redemption';
import { redemptionCountKey } from './redemption-count-key';

/** Why a member cannot redeem a listed reward now, in the terms the chat tells them. */
export type RewardHold =
  | { kind: 'points'; missing: number }
  /** `top`: the program's highest tier (「钻石卡专享」 rather than 「…及以上」). */
  | { kind: 'tier'; tierName: string; top: boolean }
  | { kind: 'sold_out' }
  | { kind: 'limit'; count: number; period: RewardPeriod };

export interface OfferedReward {
  id: string;
  name: string;
  cost: number;
  /** null: the member can redeem it now. */
  hold: RewardHold | null;
}

export interface CatalogueMember {
  tierCode: string;
  availablePoints: number;
  signedUpAt: Date;
  redemptionCounts: Readonly<Record<string, number>>;
}

/**
 * The chat catalogue for one member at `now`: each active reward with what stands between the
 * member and it, by the same check a redemption makes (`checkRedemption`, in chat so no store),
 * in the catalogue's order. Withdrawn rewards, and rewards for a tier the program no longer has,
 * are left out: nobody can redeem them.
 */
export function catalogueOffer(
  rewards: readonly (RedeemableReward & { name: string; stock: number | null })[],
  member: CatalogueMember,
  now: Date,
  program: Pick<Program, 'tiers' | 'timezone'>,
): OfferedReward[] {
  const offered: OfferedReward[] = [];
  for (const reward of rewards) {
    if (!reward.active) continue;
    if (reward.minTier !== null && !program.tiers.some((tier) => tier.code === reward.minTier)) continue;
    const limitKey = reward.perMemberLimit
      ? redemptionCountKey(reward.id, reward.perMemberLimit.period, now, {
          signedUpAt: member.signedUpAt,
          timeZone: program.timezone,
        })
      : null;
    const check = checkRedemption(
      {
        reward,
        member: {
          tierCode: member.tierCode,
          availablePoints: member.availablePoints,
          redemptionsInPeriod: limitKey ? (member.redemptionCounts[limitKey] ?? 0) : 0,
        },
        stockLeft: reward.stock,
        storeId: null,
      },
      program,
    );
    const hold = holdOf(check, program);
    if (hold !== undefined) offered.push({ id: reward.id, name: reward.name, cost: reward.cost, hold });
  }
  return offered;
}

/** null: redeemable now; undefined: not to be listed (withdrawn, or for stores only, not in chat). */
function holdOf(check: RedemptionCheck, program: Pick<Program, 'tiers'>): RewardHold | null | undefined {
  if (check.ok) return null;
  switch (check.reason) {
    case 'insufficient_points':
      return { kind: 'points', missing: check.missing };
    case 'tier_too_low': {
      const index = program.tiers.findIndex((tier) => tier.code === check.requiredTier);
      return { kind: 'tier', tierName: program.tiers[index]!.name, top: index === program.tiers.length - 1 };
    }
    case 'out_of_stock':
      return { kind: 'sold_out' };
    case 'limit_reached':
      return { kind: 'limit', count: check.limit, period: check.period };
    case 'inactive':
    case 'store_not_allowed':
      return undefined;
  }
}
