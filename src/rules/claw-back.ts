import type { LotAllocation } from './ledger-entry';
import { isLotExpired, type PointsAccount } from './points-account';
import { spendableLots } from './spending-order';

/**
 * Plans taking `points` back from an account that may not have them (refunds, negative
 * adjustments): first from `firstLotId` (the refunded transaction's own lot) while it is unexpired,
 * then from the other unexpired lots in spending order, and whatever is still missing becomes debt.
 * The available balance therefore drops to 0 at worst and never below (RULES.md §2).
 */
export function planClawBack(
  account: PointsAccount,
  points: number,
  now: Date,
  firstLotId: string | null,
): { readonly allocations: LotAllocation[]; readonly debt: number } {
  let owed = points;
  const allocations: LotAllocation[] = [];
  const own = firstLotId === null ? undefined : account.lots.find((lot) => lot.lotId === firstLotId);
  if (own && own.remaining > 0 && !isLotExpired(own, now)) {
    const taken = Math.min(owed, own.remaining);
    allocations.push({ lotId: own.lotId, points: -taken });
    owed -= taken;
  }
  for (const lot of spendableLots(account, now)) {
    if (owed === 0) break;
    if (lot.lotId === own?.lotId) continue;
    const taken = Math.min(owed, lot.remaining);
    allocations.push({ lotId: lot.lotId, points: -taken });
    owed -= taken;
  }
  return { allocations, debt: owed };
}
