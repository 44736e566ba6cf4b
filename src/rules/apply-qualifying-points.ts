import type { Program } from '../config/program-schema';
import { computeTier, tierIndex } from './compute-tier';
import type { TierState } from './tier-state';

export interface TierUpgrade {
  readonly from: string;
  readonly to: string;
  /** Free maintenance services to grant now: the new tier's count for the year minus the old allowance. */
  readonly freeMaintenanceTopUp: number;
}

/**
 * Adds a ledger entry's qualifying-points change to the current membership year (RULES.md §1).
 *
 * Reaching a higher tier's threshold upgrades at once, and the free-maintenance allowance is topped
 * up to the new tier's count for the year (what was used stays used). Refunds lower the points, never
 * below 0, but never the tier: tiers only go down at the annual review. A refund of a transaction
 * from an earlier membership year lowers the current year's points, since the ended year has been
 * reviewed already.
 *
 * The transaction that causes an upgrade has already earned at the old multiplier: the caller
 * computes its points with the tier before calling this.
 */
export function applyQualifyingPoints(
  state: TierState,
  change: number,
  program: Pick<Program, 'tiers'>,
): { readonly state: TierState; readonly upgrade: TierUpgrade | null } {
  const qualifyingPoints = Math.max(0, state.qualifyingPoints + change);
  const reached = computeTier(qualifyingPoints, program);
  if (tierIndex(reached.code, program) <= tierIndex(state.tierCode, program)) {
    return { state: { ...state, qualifyingPoints }, upgrade: null };
  }
  const freeMaintenanceAllowance = Math.max(state.freeMaintenanceAllowance, reached.freeMaintenancePerYear);
  return {
    state: { ...state, tierCode: reached.code, qualifyingPoints, freeMaintenanceAllowance },
    upgrade: {
      from: state.tierCode,
      to: reached.code,
      freeMaintenanceTopUp: freeMaintenanceAllowance - state.freeMaintenanceAllowance,
    },
  };
}
