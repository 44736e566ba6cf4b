import type { Program } from '../config/program-schema';
import { type ReferralTerms, referralTerms } from './referral-terms';

/**
 * The program's numbers a member's question about it is answered from (怎么升级银卡, 积分怎么算,
 * 积分多久过期, 积分能换什么, 推荐朋友有什么奖励): plain JSON, so the chat can carry it.
 */
export interface ProgramFacts {
  /** Lowest first; `threshold` is qualifying points in a membership year. */
  tiers: {
    name: string;
    threshold: number;
    multiplierMilli: number;
    serviceDiscountMilli: number;
    freeMaintenancePerYear: number;
    birthdayGift: boolean;
  }[];
  /** At the anniversary review a member drops at most this many tiers. */
  maxLevelsDown: number;
  /** Points per yuan paid (thousandths) and days before they can be used, in the program's order. */
  categories: { name: string; rateMilli: number; pendingDays: number }[];
  memberDay: { name: string; dayOfMonth: number; multiplierMilli: number } | null;
  birthday: { multiplierMilli: number } | null;
  firstTransactionBonusPercent: number;
  expiry: { months: number; endOfMonth: boolean };
  /** Points worth ¥1 when used at the store. */
  pointsPerYuan: number;
  /** The program's rewards, cheapest first. */
  rewards: { name: string; cost: number }[];
  referral: ReferralTerms;
}

export function programFacts(program: Program): ProgramFacts {
  const { memberDay, birthday } = program.promotions;
  return {
    tiers: program.tiers.map((tier) => ({
      name: tier.name,
      threshold: tier.threshold,
      multiplierMilli: tier.multiplierMilli,
      serviceDiscountMilli: tier.serviceDiscountMilli,
      freeMaintenancePerYear: tier.freeMaintenancePerYear,
      birthdayGift: tier.birthdayGift,
    })),
    maxLevelsDown: program.tierReview.maxLevelsDown,
    categories: Object.values(program.categories).map((category) => ({
      name: category.name,
      rateMilli: category.rateMilli,
      pendingDays: category.pendingDays,
    })),
    memberDay: memberDay.enabled
      ? { name: memberDay.name, dayOfMonth: memberDay.dayOfMonth, multiplierMilli: memberDay.multiplierMilli }
      : null,
    birthday: birthday.enabled ? { multiplierMilli: birthday.multiplierMilli } : null,
    firstTransactionBonusPercent: program.firstTransactionBonus.percent,
    expiry: { months: program.expiry.months, endOfMonth: program.expiry.endOfMonth },
    pointsPerYuan: program.redemption.pointsPerYuan,
    rewards: [...program.catalogue]
      .sort((a, b) => a.cost - b.cost)
      .map((reward) => ({ name: reward.name, cost: reward.cost })),
    referral: referralTerms(program),
  };
}
