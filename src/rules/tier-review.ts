import type { Program } from '../config/program-schema';
import { computeTier, tierIndex } from './compute-tier';
import { compareLocalDates, formatIsoDate, parseIsoDate } from './local-date';
import { membershipYearOn } from './membership-year';
import type { TierState } from './tier-state';
import { localDateOf } from './zoned-time';

export interface TierReview {
  /** First day of the membership year that ended. */
  readonly yearStart: string;
  readonly qualifyingPoints: number;
  readonly from: string;
  readonly to: string;
  readonly change: 'up' | 'down' | 'same';
}

/**
 * The annual tier review (RULES.md §1), for every membership year that has ended by `now` and not
 * been reviewed yet (so the nightly run may run it twice, or catch up after missed nights): the new
 * tier is the highest whose threshold the ended year's qualifying points reached, but at most
 * `tierReview.maxLevelsDown` below the tier held; qualifying points restart at 0 and the
 * free-maintenance allowance resets to the new tier's count. Years missed in a row are reviewed one
 * by one, the later ones with 0 points, so a long-absent Diamond member falls one level per year.
 */
export function reviewTier(
  state: TierState,
  signedUpAt: Date,
  now: Date,
  program: Pick<Program, 'tiers' | 'tierReview' | 'timezone'>,
): { readonly state: TierState; readonly reviews: readonly TierReview[] } {
  const signUpDate = localDateOf(signedUpAt, program.timezone);
  const current = membershipYearOn(signUpDate, localDateOf(now, program.timezone));
  let reviewed = state;
  const reviews: TierReview[] = [];
  for (;;) {
    const yearStart = parseIsoDate(reviewed.yearStart);
    if (!yearStart) throw new RangeError(`yearStart "${reviewed.yearStart}" is not a date`);
    if (compareLocalDates(yearStart, current.start) >= 0) break;
    const heldIndex = tierIndex(reviewed.tierCode, program);
    const reachedIndex = tierIndex(computeTier(reviewed.qualifyingPoints, program).code, program);
    const newIndex = Math.max(reachedIndex, heldIndex - program.tierReview.maxLevelsDown);
    const tier = program.tiers[newIndex]!;
    reviews.push({
      yearStart: reviewed.yearStart,
      qualifyingPoints: reviewed.qualifyingPoints,
      from: reviewed.tierCode,
      to: tier.code,
      change: newIndex > heldIndex ? 'up' : newIndex < heldIndex ? 'down' : 'same',
    });
    reviewed = {
      tierCode: tier.code,
      yearStart: formatIsoDate(membershipYearOn(signUpDate, yearStart).next),
      qualifyingPoints: 0,
      freeMaintenanceAllowance: tier.freeMaintenancePerYear,
      freeMaintenanceUsed: 0,
    };
  }
  return { state: reviewed, reviews };
}
