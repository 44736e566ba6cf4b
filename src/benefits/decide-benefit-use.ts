import type { TierState } from '../rules/tier-state';

/** A counted benefit this membership year: what the tier grants, what is used, what is left. */
export interface BenefitCount {
  readonly allowance: number;
  readonly used: number;
  readonly left: number;
}

export type BenefitUseDecision =
  | { readonly ok: true; readonly tier: TierState; readonly count: BenefitCount }
  /** Nothing left this year; or the use belongs to a year that has ended (a late recovery). */
  | { readonly ok: false; readonly reason: 'none_left' | 'year_ended'; readonly count: BenefitCount };

export function freeMaintenanceCount(tier: TierState): BenefitCount {
  const used = Math.min(tier.freeMaintenanceUsed, tier.freeMaintenanceAllowance);
  return {
    allowance: tier.freeMaintenanceAllowance,
    used: tier.freeMaintenanceUsed,
    left: Math.max(0, tier.freeMaintenanceAllowance - used),
  };
}

/**
 * One free maintenance used in the membership year starting `yearStart`, from a tier standing that
 * is up to date (the annual review applied, so `tier.yearStart` is the current year and its count
 * starts from 0 there). The count never passes the allowance.
 */
export function decideBenefitUse(tier: TierState, yearStart: string): BenefitUseDecision {
  const count = freeMaintenanceCount(tier);
  if (tier.yearStart !== yearStart) return { ok: false, reason: 'year_ended', count };
  if (count.left <= 0) return { ok: false, reason: 'none_left', count };
  const next = { ...tier, freeMaintenanceUsed: tier.freeMaintenanceUsed + 1 };
  return { ok: true, tier: next, count: freeMaintenanceCount(next) };
}

/**
 * Giving back a use of the year starting `yearStart` (RULES.md §11: only within the same
 * membership year; the review has already started the next year from 0).
 */
export function decideBenefitUndo(tier: TierState, yearStart: string): BenefitUseDecision {
  const count = freeMaintenanceCount(tier);
  if (tier.yearStart !== yearStart) return { ok: false, reason: 'year_ended', count };
  const next = { ...tier, freeMaintenanceUsed: Math.max(0, tier.freeMaintenanceUsed - 1) };
  return { ok: true, tier: next, count: freeMaintenanceCount(next) };
}
