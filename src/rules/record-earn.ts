import { creditPoints } from './credit-points';
import type { EarnDecision } from './earn-points';
import type { AccountChange } from './ledger-entry';
import type { PointsAccount } from './points-account';

type Earned = Extract<EarnDecision, { ok: true }>;

/**
 * Credits what `earnPoints` decided for a transaction: pending until `pendingUntil` when the
 * category has a pending period that has not passed by `now`, else a lot at once. The breakdown
 * travels with the entry so 明细 / 为什么 can explain it later.
 */
export function recordEarn(
  account: PointsAccount,
  earned: Earned,
  context: {
    readonly entryId: string;
    readonly transactionId: string;
    readonly occurredAt: Date;
    readonly now: Date;
  },
): AccountChange {
  return creditPoints(account, {
    entryId: context.entryId,
    type: 'earn',
    now: context.now,
    points: earned.points,
    // A transaction recorded after its pending period is spendable at once, but its lot still
    // counts from the end of that period, as the breakdown's expiry says.
    earnedAt: earned.pendingUntil ?? context.occurredAt,
    expiresAt: earned.expiresAt,
    pendingUntil: earned.pendingUntil,
    qualifyingPoints: earned.qualifyingPoints,
    transactionId: context.transactionId,
    breakdown: earned.breakdown,
  });
}
