import type { Program } from '../config/program-schema';
import { cancelRedemption } from './cancel-redemption';
import type { MemberForRedemption } from './decide-redemption';
import type { LedgerEntry } from './ledger-entry';
import { bringUpToDate, type StandingChange, withEntries } from './member-standing';
import { withCount } from './redemption-count-key';

export interface CancellationDecision {
  readonly change: StandingChange;
  readonly redemptionCounts: Readonly<Record<string, number>>;
  /** Points put back into their original lots. */
  readonly pointsReturned: number;
  /** Of those, points whose lot had expired meanwhile and expired again at once. */
  readonly pointsReExpired: number;
}

/**
 * Cancelling an unused reward voucher (RULES.md §4), from the member brought up to date at `now`:
 * the redemption's points go back to the lots the deduction took them from (lots that expired in
 * the meantime expire again immediately), and the redemption no longer counts towards the
 * per-member limit of its window.
 */
export function decideCancellation(
  member: MemberForRedemption,
  redeem: LedgerEntry,
  context: { readonly entryId: string; readonly limitKey: string | null; readonly now: Date },
  program: Program,
): CancellationDecision {
  const base = bringUpToDate(member, context.now, program);
  const cancelled = cancelRedemption(base.account, redeem, { entryId: context.entryId, now: context.now });
  let reExpired = 0;
  for (const entry of cancelled.entries) if (entry.type === 'expire') reExpired -= entry.points;
  return {
    change: withEntries(base, cancelled.account, cancelled.entries, member, context.now, program),
    redemptionCounts: context.limitKey
      ? withCount(member.redemptionCounts, context.limitKey, -1)
      : member.redemptionCounts,
    pointsReturned: -redeem.points,
    pointsReExpired: reExpired,
  };
}
