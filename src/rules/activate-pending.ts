import { applyEntry } from './apply-entry';
import { withDebtPaid } from './credit-points';
import { type AccountChange, type LedgerEntry, ledgerEntry } from './ledger-entry';
import type { PointsAccount } from './points-account';

/**
 * Activates every pending credit due at `now` (`availableAt <= now`), oldest first: each becomes a
 * lot (`<earn entryId>:activate`, a deterministic id so a second nightly run cannot activate twice),
 * adds its qualifying points, and pays debt first. The lot's expiry was fixed at earning from
 * `availableAt`, so a late run changes nothing but the moment.
 */
export function activateDuePending(account: PointsAccount, now: Date): AccountChange {
  const due = account.pending
    .filter((credit) => credit.availableAt.getTime() <= now.getTime())
    .sort(
      (a, b) =>
        a.availableAt.getTime() - b.availableAt.getTime() ||
        (a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0),
    );
  let current = account;
  const entries: LedgerEntry[] = [];
  for (const credit of due) {
    const entryId = `${credit.entryId}:activate`;
    const activation = ledgerEntry({
      entryId,
      type: 'activate',
      at: now,
      points: 0,
      qualifyingPoints: credit.qualifyingPoints,
      lot: {
        lotId: entryId,
        entryId: credit.entryId,
        earnedAt: credit.availableAt,
        expiresAt: credit.expiresAt,
        amount: credit.amount,
        remaining: credit.amount,
      },
      pendingRemoved: credit.entryId,
      transactionId: credit.transactionId,
      relatedEntryId: credit.entryId,
    });
    const change = withDebtPaid(applyEntry(current, activation), [activation], now);
    current = change.account;
    entries.push(...change.entries);
  }
  return { account: current, entries };
}
