import type { Program } from '../config/program-schema';
import { formatIsoDate } from '../rules/local-date';
import { membershipYearAt } from '../rules/membership-year';
import { reviewTier } from '../rules/tier-review';
import type { TierState } from '../rules/tier-state';
import { type BenefitCount, freeMaintenanceCount } from './decide-benefit-use';

/** A member's benefits year at `now`: the standing after any review due, and its count. */
export interface BenefitYear {
  readonly tier: TierState;
  readonly freeMaintenance: BenefitCount;
  /** First and last day (inclusive) of the current membership year, `YYYY-MM-DD`. */
  readonly yearStart: string;
  readonly yearEnd: string;
}

/**
 * What a member has this membership year, read at `now` (pure). The annual review that resets the
 * count is applied here too, so a member whose anniversary has passed sees the new year's count
 * before the nightly run has written it (the nightly run and every use write the same review).
 */
export function benefitYear(
  member: { readonly tier: TierState; readonly signedUpAt: Date },
  now: Date,
  program: Pick<Program, 'tiers' | 'tierReview' | 'timezone'>,
): BenefitYear {
  const signedUpAt = new Date(member.signedUpAt);
  const tier = reviewTier(member.tier, signedUpAt, now, program).state;
  const year = membershipYearAt(signedUpAt, now, program.timezone);
  return {
    tier,
    freeMaintenance: freeMaintenanceCount(tier),
    yearStart: formatIsoDate(year.start),
    yearEnd: formatIsoDate(year.end),
  };
}
