import { isLotExpired, type Lot, type PointsAccount } from './points-account';

/**
 * The order points are spent in (RULES.md §3): first-expiring first, then oldest first, then by
 * lot id. It is a total order on stored fields alone, so a database index on
 * (expiresAt, earnedAt, lotId) reproduces it.
 */
export function spendingOrder(a: Lot, b: Lot): number {
  return (
    a.expiresAt.getTime() - b.expiresAt.getTime() ||
    a.earnedAt.getTime() - b.earnedAt.getTime() ||
    (a.lotId < b.lotId ? -1 : a.lotId > b.lotId ? 1 : 0)
  );
}

/** Unexpired lots with points left, in spending order. */
export function spendableLots(account: PointsAccount, now: Date): Lot[] {
  return account.lots.filter((lot) => lot.remaining > 0 && !isLotExpired(lot, now)).sort(spendingOrder);
}
