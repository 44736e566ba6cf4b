import { applyEntry } from './apply-entry';
import { type AccountChange, type LedgerEntry, ledgerEntry } from './ledger-entry';
import { isLotExpired, type PointsAccount } from './points-account';
import { spendingOrder } from './spending-order';

/**
 * The expiry sweep (RULES.md §3): every lot with points left and `expiresAt <= now` is emptied by
 * an `expire` entry with the deterministic id `<lotId>:expire`, so two sweeps racing over the same
 * account write the same ids and the ledger's unique index keeps one of each.
 *
 * A lot is swept at most once: after its expiry it can only be refilled by a cancellation, which
 * expires the returned points again itself.
 */
export function expireDueLots(account: PointsAccount, now: Date): AccountChange {
  const due = account.lots.filter((lot) => lot.remaining > 0 && isLotExpired(lot, now)).sort(spendingOrder);
  let current = account;
  const entries: LedgerEntry[] = [];
  for (const lot of due) {
    const entry = ledgerEntry({
      entryId: `${lot.lotId}:expire`,
      type: 'expire',
      at: now,
      points: -lot.remaining,
      allocations: [{ lotId: lot.lotId, points: -lot.remaining }],
      relatedEntryId: lot.entryId,
    });
    current = applyEntry(current, entry);
    entries.push(entry);
  }
  return { account: current, entries };
}
