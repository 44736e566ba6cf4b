import type { Program } from '../config/program-schema';
import { formatIsoDate } from './local-date';
import { localDateOf } from './zoned-time';

/** A member's standing in the tier year: what upgrades and the annual review work on. */
export interface TierState {
  readonly tierCode: string;
  /** First local day of the current membership year, `YYYY-MM-DD`. */
  readonly yearStart: string;
  /** Qualifying points earned in the current membership year. */
  readonly qualifyingPoints: number;
  /** Free maintenance services granted for the current membership year. */
  readonly freeMaintenanceAllowance: number;
  readonly freeMaintenanceUsed: number;
}

/** A new member: the first tier, a membership year starting on the local sign-up date. */
export function initialTierState(signedUpAt: Date, program: Pick<Program, 'tiers' | 'timezone'>): TierState {
  const firstTier = program.tiers[0]!;
  return {
    tierCode: firstTier.code,
    yearStart: formatIsoDate(localDateOf(signedUpAt, program.timezone)),
    qualifyingPoints: 0,
    freeMaintenanceAllowance: firstTier.freeMaintenancePerYear,
    freeMaintenanceUsed: 0,
  };
}
