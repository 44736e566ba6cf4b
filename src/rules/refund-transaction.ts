import { applyEntry } from './apply-entry';
import { planClawBack } from './claw-back';
import { type AccountChange, type LedgerEntry, ledgerEntry } from './ledger-entry';
import type { PointsAccount } from './points-account';

/**
 * Reverses the points a transaction earned (RULES.md §2), given its `earn` entry.
 *
 * - Still pending: the pending credit is removed; no debt, no qualifying change (it never counted).
 * - Spendable: exactly the points it earned (bonus included) are clawed back, from the
 *   transaction's own lot first (those are the very points being reversed, and other lots keep
 *   their ages), then from the other unexpired lots first-expiring first, and the rest becomes
 *   debt. Points of its lot that already expired are clawed back too: the transaction never
 *   happened, so neither did its points. Its qualifying points are taken back as well (the tier
 *   year floors them at 0).
 *
 * The caller guarantees one refund per transaction (idempotency key `refund:<transactionId>`); a
 * second refund of a pending transaction finds nothing to remove and throws.
 */
export function refundTransaction(
  account: PointsAccount,
  earn: LedgerEntry,
  context: { readonly entryId: string; readonly now: Date; readonly reason?: string | null },
): AccountChange {
  if (earn.type !== 'earn') throw new Error(`entry ${earn.entryId} is a ${earn.type}, not an earn`);
  const common = {
    entryId: context.entryId,
    type: 'refund' as const,
    at: context.now,
    points: -earn.points,
    transactionId: earn.transactionId,
    relatedEntryId: earn.entryId,
    reason: context.reason ?? null,
  };
  const pendingCredit = earn.pendingAdded;
  if (pendingCredit && account.pending.some((credit) => credit.entryId === pendingCredit.entryId)) {
    const entry = ledgerEntry({ ...common, pendingRemoved: pendingCredit.entryId });
    return { account: applyEntry(account, entry), entries: [entry] };
  }
  if (pendingCredit && !account.lots.some((lot) => lot.entryId === earn.entryId)) {
    throw new Error(
      `transaction entry ${earn.entryId} has neither a pending credit nor a lot: refunded already?`,
    );
  }
  const ownLot = account.lots.find((lot) => lot.entryId === earn.entryId);
  const { allocations, debt } = planClawBack(account, earn.points, context.now, ownLot?.lotId ?? null);
  const entry = ledgerEntry({
    ...common,
    qualifyingPoints: -(earn.qualifyingPoints + (pendingCredit?.qualifyingPoints ?? 0)),
    allocations,
    debtChange: debt,
  });
  return { account: applyEntry(account, entry), entries: [entry] };
}
