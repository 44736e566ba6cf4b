import { applyEntry } from './apply-entry';
import { debtPayment } from './debt-payment';
import { type AccountChange, type LedgerEntry, type LotAllocation, ledgerEntry } from './ledger-entry';
import { isLotExpired, type PointsAccount } from './points-account';

/**
 * Cancels an unused voucher's redemption (RULES.md §4): the points go back to the lots they came
 * from, as the redeem entry recorded. Lots that have expired meanwhile expire again at once
 * (`<entryId>:expire`), so a cancellation never extends a lot's life; if the account has debt, the
 * returned unexpired points pay it first (`<entryId>:debt`), as any credit does.
 *
 * The caller guarantees one cancellation per redemption (e.g. entry id `<redeem entryId>:cancel`).
 */
export function cancelRedemption(
  account: PointsAccount,
  redeem: LedgerEntry,
  context: { readonly entryId: string; readonly now: Date },
): AccountChange {
  if (redeem.type !== 'redeem') throw new Error(`entry ${redeem.entryId} is a ${redeem.type}, not a redeem`);
  const returned: LotAllocation[] = redeem.allocations.map(({ lotId, points }) => ({
    lotId,
    points: -points,
  }));
  const cancellation = ledgerEntry({
    entryId: context.entryId,
    type: 'cancel_redemption',
    at: context.now,
    points: -redeem.points,
    allocations: returned,
    relatedEntryId: redeem.entryId,
    reference: redeem.reference,
  });
  let current = applyEntry(account, cancellation);
  const entries: LedgerEntry[] = [cancellation];

  const expiredIds = new Set(
    current.lots.filter((lot) => isLotExpired(lot, context.now)).map((lot) => lot.lotId),
  );
  const reExpired = returned.filter((allocation) => expiredIds.has(allocation.lotId));
  if (reExpired.length > 0) {
    const expiry = ledgerEntry({
      entryId: `${context.entryId}:expire`,
      type: 'expire',
      at: context.now,
      points: -reExpired.reduce((sum, allocation) => sum + allocation.points, 0),
      allocations: reExpired.map(({ lotId, points }) => ({ lotId, points: -points })),
      relatedEntryId: context.entryId,
    });
    current = applyEntry(current, expiry);
    entries.push(expiry);
  }

  const payment = debtPayment(
    current,
    returned.map((allocation) => allocation.lotId),
    { entryId: `${context.entryId}:debt`, now: context.now, relatedEntryId: context.entryId },
  );
  if (payment) {
    current = applyEntry(current, payment);
    entries.push(payment);
  }
  return { account: current, entries };
}
