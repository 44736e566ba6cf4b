import type { Program } from '../config/program-schema';
import { activateDuePending } from './activate-pending';
import { applyQualifyingPoints, type TierUpgrade } from './apply-qualifying-points';
import { expireDueLots } from './expire-lots';
import type { LedgerEntry } from './ledger-entry';
import { membershipYearAt } from './membership-year';
import type { PointsAccount } from './points-account';
import { reviewTier, type TierReview } from './tier-review';
import type { TierState } from './tier-state';

/** What every points decision starts from: a member's account and tier standing. */
export interface MemberStanding {
  readonly account: PointsAccount;
  readonly tier: TierState;
  readonly signedUpAt: Date;
}

/** A new standing, the ledger entries that lead to it, and what changed on the way. */
export interface StandingChange {
  readonly account: PointsAccount;
  readonly tier: TierState;
  readonly entries: readonly LedgerEntry[];
  readonly upgrade: TierUpgrade | null;
  readonly reviews: readonly TierReview[];
  /** First instant of the next membership year: when the next annual review is due. */
  readonly tierReviewAt: Date;
  /** Earliest pending activation or lot expiry still ahead: when the nightly run has work here. */
  readonly nextAccountEventAt: Date | null;
}

/**
 * Brings a standing up to `now` in the nightly order of RULES.md §3 — activate due pending points,
 * expire due lots, then the annual tier review — so that every operation (and the nightly run
 * itself) starts from the same truth whatever ran or did not run before. Each step writes entries
 * with deterministic ids, so doing this twice changes nothing the second time.
 */
export function bringUpToDate(standing: MemberStanding, now: Date, program: Program): StandingChange {
  const activated = activateDuePending(standing.account, now);
  const expired = expireDueLots(activated.account, now);
  const entries = [...activated.entries, ...expired.entries];
  const qualifying = applyQualifyingPoints(standing.tier, sumQualifying(entries), program);
  const reviewed = reviewTier(qualifying.state, standing.signedUpAt, now, program);
  return finish(
    expired.account,
    reviewed.state,
    entries,
    qualifying.upgrade,
    reviewed.reviews,
    standing,
    now,
    program,
  );
}

/**
 * Applies entries that an operation appended after `bringUpToDate` to the tier (their qualifying
 * points, with an immediate upgrade when a threshold is reached) and recomputes the due dates.
 */
export function withEntries(
  base: StandingChange,
  account: PointsAccount,
  entries: readonly LedgerEntry[],
  standing: MemberStanding,
  now: Date,
  program: Program,
): StandingChange {
  const qualifying = applyQualifyingPoints(base.tier, sumQualifying(entries), program);
  return finish(
    account,
    qualifying.state,
    [...base.entries, ...entries],
    qualifying.upgrade ?? base.upgrade,
    base.reviews,
    standing,
    now,
    program,
  );
}

function finish(
  account: PointsAccount,
  tier: TierState,
  entries: readonly LedgerEntry[],
  upgrade: TierUpgrade | null,
  reviews: readonly TierReview[],
  standing: MemberStanding,
  now: Date,
  program: Program,
): StandingChange {
  return {
    account,
    tier,
    entries,
    upgrade,
    reviews,
    tierReviewAt: membershipYearAt(standing.signedUpAt, now, program.timezone).endsAt,
    nextAccountEventAt: nextAccountEventAt(account),
  };
}

/** The earliest pending activation or expiry of a lot with points left; null when none. */
export function nextAccountEventAt(account: PointsAccount): Date | null {
  let next = Number.POSITIVE_INFINITY;
  for (const credit of account.pending) next = Math.min(next, credit.availableAt.getTime());
  for (const lot of account.lots) if (lot.remaining > 0) next = Math.min(next, lot.expiresAt.getTime());
  return Number.isFinite(next) ? new Date(next) : null;
}

function sumQualifying(entries: readonly LedgerEntry[]): number {
  let total = 0;
  for (const entry of entries) total += entry.qualifyingPoints;
  return total;
}
