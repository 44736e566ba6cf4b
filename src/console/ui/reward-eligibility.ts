import { formatPoints } from './format';
import type { Member, Program, Reward } from './types';

export interface Eligibility {
  /** Nothing seen here stands in the way (the server still checks the per-member limit). */
  ok: boolean;
  /** Why not, in the cashier's words, most telling first. */
  problems: string[];
  /** Points still missing (0 when the member can afford it). */
  missing: number;
}

/**
 * What the counter can tell before asking the server: whether the member can afford the reward,
 * reaches its tier, and whether it is in stock and offered at this store. The per-member limit
 * needs the member's redemption history, so the server answers it (409 `limit_reached`).
 */
export function rewardEligibility(
  reward: Reward,
  member: Pick<Member, 'balance' | 'tier'>,
  program: Pick<Program, 'tiers' | 'stores'>,
  storeId: string | null,
): Eligibility {
  const problems: string[] = [];
  if (!reward.active) problems.push('已下架');
  if (storeId && reward.storeIds && !reward.storeIds.includes(storeId)) {
    problems.push(`本门店不提供（仅限${namesOf(reward.storeIds, program)}）`);
  }
  if (reward.stock !== null && reward.stock <= 0) problems.push('已兑完');
  if (reward.minTier && rank(member.tier.code, program) < rank(reward.minTier, program)) {
    problems.push(`需要${tierLabel(reward.minTier, program)}及以上会员`);
  }
  const missing = Math.max(0, reward.cost - member.balance.available);
  if (missing > 0) problems.push(`积分不足，还差 ${formatPoints(missing)}`);
  return { ok: problems.length === 0, problems, missing };
}

/** Rewards the member can take first, then the cheapest: what the cashier offers first. */
export function byEligibility<T extends { reward: Reward; eligibility: Eligibility }>(a: T, b: T): number {
  if (a.eligibility.ok !== b.eligibility.ok) return a.eligibility.ok ? -1 : 1;
  return a.reward.cost - b.reward.cost;
}

export interface RefusalError {
  status: number;
  code: string;
  message: string;
  details: Record<string, unknown> | null;
}

/**
 * A refused redemption in Chinese, with the detail the API sent (points missing, the tier, the
 * limit). Codes the console does not know keep the server's own (Chinese) message.
 */
export function redeemRefusalText(error: RefusalError, program: Pick<Program, 'tiers' | 'stores'>): string {
  const details = error.details ?? {};
  switch (error.code) {
    case 'insufficient_points':
      return typeof details.missing === 'number'
        ? `积分不足，还差 ${formatPoints(details.missing)}，不能兑换`
        : '积分不足，不能兑换';
    case 'tier_too_low':
      return typeof details.requiredTier === 'string'
        ? `会员等级不够：需要${tierLabel(details.requiredTier, program)}及以上才能兑换`
        : '会员等级未达到兑换要求';
    case 'limit_reached':
      return `${error.message}，这次不能再兑换`;
    case 'out_of_stock':
      return '这个礼品已经兑完了，请选择其他礼品';
    case 'reward_inactive':
      return '这个礼品已下架，请选择其他礼品';
    case 'store_not_allowed':
      return Array.isArray(details.storeIds)
        ? `这个礼品只在${namesOf(details.storeIds as string[], program)}提供，本门店不能兑换`
        : '这个礼品不在本门店提供';
    case 'request_conflict':
      return '这次兑换的编号已用于另一次兑换，请关闭后重新选择礼品';
    case 'redemption_in_progress':
      return '这次兑换还在处理中，请稍等几秒再点「确认兑换」（不会重复兑换）';
    case 'member_not_found':
      return '没有找到这位会员（可能已注销）';
    case 'reward_not_found':
      return '没有这个礼品（可能已被删除），请刷新后重新选择';
    default:
      return error.message;
  }
}

function rank(code: string, program: Pick<Program, 'tiers'>): number {
  return program.tiers.findIndex((t) => t.code === code);
}

function tierLabel(code: string, program: Pick<Program, 'tiers'>): string {
  return program.tiers.find((t) => t.code === code)?.name ?? code;
}

function namesOf(ids: readonly string[], program: Pick<Program, 'stores'>): string {
  return ids.map((id) => program.stores.find((s) => s.id === id)?.name ?? id).join('、');
}
