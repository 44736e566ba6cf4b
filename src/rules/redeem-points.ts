import { applyEntry } from './apply-entry';
import { type AccountChange, type LotAllocation, ledgerEntry } from './ledger-entry';
import { availableBalance, type PointsAccount } from './points-account';
import { spendableLots } from './spending-order';

export type RedeemDecision =
  | ({ readonly ok: true } & AccountChange)
  | { readonly ok: false; readonly reason: 'insufficient_points'; readonly missing: number };

/**
 * Spends points for a redemption, first-expiring lots first (RULES.md §3), recording which lots
 * gave how much so a cancellation can put the points back where they came from.
 */
export function redeemPoints(
  account: PointsAccount,
  input: {
    readonly entryId: string;
    readonly points: number;
    readonly now: Date;
    readonly reference: string | null;
  },
): RedeemDecision {
  if (!Number.isSafeInteger(input.points) || input.points <= 0) {
    throw new RangeError(`a redemption must spend a positive integer of points, got ${input.points}`);
  }
  const available = availableBalance(account, input.now);
  if (available < input.points)
    return { ok: false, reason: 'insufficient_points', missing: input.points - available };
  let owed = input.points;
  const allocations: LotAllocation[] = [];
  for (const lot of spendableLots(account, input.now)) {
    if (owed === 0) break;
    const taken = Math.min(owed, lot.remaining);
    allocations.push({ lotId: lot.lotId, points: -taken });
    owed -= taken;
  }
  const entry = ledgerEntry({
    entryId: input.entryId,
    type: 'redeem',
    at: input.now,
    points: -input.points,
    allocations,
    reference: input.reference,
  });
  return { ok: true, account: applyEntry(account, entry), entries: [entry] };
}
