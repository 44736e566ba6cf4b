import type { Program, Reward, RewardPeriod } from '../config/program-schema';
import { tierIndex } from './compute-tier';

/** A catalogue reward as staff currently have it; `active` is managed through the staff API. */
export type RedeemableReward = Pick<Reward, 'id' | 'cost' | 'minTier' | 'perMemberLimit' | 'storeIds'> & {
  readonly active: boolean;
};

export interface RedemptionRequest {
  readonly reward: RedeemableReward;
  readonly member: {
    readonly tierCode: string;
    readonly availablePoints: number;
    /** This member's redemptions of this reward in the limit's current period (`redemptionPeriod`). */
    readonly redemptionsInPeriod: number;
  };
  /** Units left; null for a reward without stock. */
  readonly stockLeft: number | null;
  /**
   * The store the redemption is made at; null in chat, where the voucher is issued for the
   * reward's stores and the store is checked when it is verified.
   */
  readonly storeId: string | null;
}

export type RedemptionCheck =
  | { readonly ok: true; readonly cost: number }
  | { readonly ok: false; readonly reason: 'inactive' | 'out_of_stock' }
  | { readonly ok: false; readonly reason: 'store_not_allowed'; readonly storeIds: readonly string[] }
  | { readonly ok: false; readonly reason: 'tier_too_low'; readonly requiredTier: string }
  | {
      readonly ok: false;
      readonly reason: 'limit_reached';
      readonly limit: number;
      readonly period: RewardPeriod;
    }
  | { readonly ok: false; readonly reason: 'insufficient_points'; readonly missing: number };

/**
 * Whether a member may redeem a reward now (RULES.md §4). Checks run from what the member cannot
 * change to what they can: a withdrawn reward, the store, the tier, the period limit, the stock,
 * and last the balance, so the reply names the most useful reason (no point in telling someone to
 * collect more points for a reward they may not have). This is the check before the atomic writes;
 * the stock and the balance are guarded again by the writes themselves.
 */
export function checkRedemption(
  request: RedemptionRequest,
  program: Pick<Program, 'tiers'>,
): RedemptionCheck {
  const { reward, member } = request;
  if (!reward.active) return { ok: false, reason: 'inactive' };
  if (reward.storeIds !== null && request.storeId !== null && !reward.storeIds.includes(request.storeId)) {
    return { ok: false, reason: 'store_not_allowed', storeIds: reward.storeIds };
  }
  if (reward.minTier !== null && tierIndex(member.tierCode, program) < tierIndex(reward.minTier, program)) {
    return { ok: false, reason: 'tier_too_low', requiredTier: reward.minTier };
  }
  const limit = reward.perMemberLimit;
  if (limit !== null && member.redemptionsInPeriod >= limit.count) {
    return { ok: false, reason: 'limit_reached', limit: limit.count, period: limit.period };
  }
  if (request.stockLeft !== null && request.stockLeft <= 0) return { ok: false, reason: 'out_of_stock' };
  if (member.availablePoints < reward.cost) {
    return { ok: false, reason: 'insufficient_points', missing: reward.cost - member.availablePoints };
  }
  return { ok: true, cost: reward.cost };
}
