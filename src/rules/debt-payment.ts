import { type LedgerEntry, ledgerEntry } from './ledger-entry';
import { isLotExpired, type PointsAccount } from './points-account';
import { spendingOrder } from './spending-order';

/**
 * The entry by which points just credited to `lotIds` pay off the account's debt (RULES.md §2:
 * "a debt that future earnings pay off first"), or null when there is no debt to pay. Only
 * unexpired lots pay; the payment leaves the net balance unchanged (lots and debt fall together).
 */
export function debtPayment(
  account: PointsAccount,
  lotIds: readonly string[],
  context: { readonly entryId: string; readonly now: Date; readonly relatedEntryId: string },
): LedgerEntry | null {
  let owed = account.debt;
  if (owed === 0) return null;
  const payers = account.lots
    .filter((lot) => lotIds.includes(lot.lotId) && lot.remaining > 0 && !isLotExpired(lot, context.now))
    .sort(spendingOrder);
  const allocations = [];
  for (const lot of payers) {
    if (owed === 0) break;
    const paid = Math.min(owed, lot.remaining);
    allocations.push({ lotId: lot.lotId, points: -paid });
    owed -= paid;
  }
  if (allocations.length === 0) return null;
  return ledgerEntry({
    entryId: context.entryId,
    type: 'debt_payment',
    at: context.now,
    points: 0,
    allocations,
    debtChange: owed - account.debt,
    relatedEntryId: context.relatedEntryId,
  });
}
