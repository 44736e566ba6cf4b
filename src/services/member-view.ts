import { benefitYear } from '../benefits/benefit-year';
import type { Program } from '../config/program-schema';
import type { MemberRecord } from '../data/models/member-model';
import { maskMobile } from '../lib/mask';
import { tierByCode, tierIndex } from '../rules/compute-tier';
import { availableBalance, expiringWithin, isLotExpired, pendingBalance } from '../rules/points-account';

export interface MemberView {
  id: string;
  name: string | null;
  mobile: string | null;
  referralCode: string;
  signedUpAt: string;
  homeStoreId: string;
  birthday: { month: number; day: number; year: number | null } | null;
  tier: {
    code: string;
    name: string;
    qualifyingPoints: number;
    yearStart: string;
    next: { code: string; name: string; threshold: number; pointsToGo: number } | null;
    freeMaintenance: { allowance: number; used: number; left: number };
  };
  balance: { available: number; pending: number; expiringIn30Days: number; debt: number };
  lots: { lotId: string; earnedAt: string; expiresAt: string; amount: number; remaining: number }[];
  pending: { entryId: string; amount: number; availableAt: string }[];
  vehicles: MemberRecord['vehicles'];
  consents: MemberRecord['consents'];
  marketingConsent: boolean;
  marketingOptOut: boolean;
}

/**
 * A member as staff see it, at `now`: balances split the way RULES.md explains them, tier progress,
 * and the mobile number masked unless the viewer may see it in full.
 */
export function memberView(
  member: MemberRecord,
  now: Date,
  program: Program,
  fullMobile: boolean,
): MemberView {
  const tier = tierByCode(member.tier.tierCode, program);
  const next = program.tiers[tierIndex(tier.code, program) + 1] ?? null;
  const { account } = member;
  return {
    id: member._id,
    name: member.name,
    mobile: member.mobile && !fullMobile ? maskMobile(member.mobile) : member.mobile,
    referralCode: member.referralCode,
    signedUpAt: new Date(member.signedUpAt).toISOString(),
    homeStoreId: member.homeStoreId,
    birthday: member.birthday,
    tier: {
      code: tier.code,
      name: tier.name,
      qualifyingPoints: member.tier.qualifyingPoints,
      yearStart: member.tier.yearStart,
      next: next
        ? {
            code: next.code,
            name: next.name,
            threshold: next.threshold,
            pointsToGo: Math.max(0, next.threshold - member.tier.qualifyingPoints),
          }
        : null,
      // This membership year's count, the annual review applied even before the nightly run wrote it.
      freeMaintenance: benefitYear(member, now, program).freeMaintenance,
    },
    balance: {
      available: availableBalance(account, now),
      pending: pendingBalance(account),
      expiringIn30Days: expiringWithin(account, now, 30).points,
      debt: account.debt,
    },
    lots: account.lots
      .filter((lot) => lot.remaining > 0 && !isLotExpired(lot, now))
      .map((lot) => ({
        lotId: lot.lotId,
        earnedAt: new Date(lot.earnedAt).toISOString(),
        expiresAt: new Date(lot.expiresAt).toISOString(),
        amount: lot.amount,
        remaining: lot.remaining,
      })),
    pending: account.pending.map((credit) => ({
      entryId: credit.entryId,
      amount: credit.amount,
      availableAt: new Date(credit.availableAt).toISOString(),
    })),
    vehicles: member.vehicles,
    consents: member.consents,
    marketingConsent: member.marketingConsent,
    marketingOptOut: member.marketingOptOut,
  };
}
