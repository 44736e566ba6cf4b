import type { LedgerEntry } from './ledger-entry';
import type { Lot, PointsAccount } from './points-account';

/**
 * Applies one ledger entry's recorded effect to an account, returning a new account. Every
 * operation builds its account this way, and `replayLedger` does the same from nothing, so the
 * stored state and the replayed ledger cannot drift apart.
 *
 * An entry that does not fit the account (an unknown lot, a remainder outside 0…amount, negative
 * debt, a missing pending credit) means a corrupt ledger or a bug, and throws.
 */
export function applyEntry(account: PointsAccount, entry: LedgerEntry): PointsAccount {
  let lots = account.lots;
  if (entry.lot) {
    if (lots.some((lot) => lot.lotId === entry.lot?.lotId)) {
      throw new Error(`entry ${entry.entryId} opens lot ${entry.lot.lotId}, which already exists`);
    }
    lots = [...lots, entry.lot];
  }
  if (entry.allocations.length > 0) lots = allocate(lots, entry);

  let pending = account.pending;
  if (entry.pendingRemoved !== null) {
    const removed = entry.pendingRemoved;
    if (!pending.some((credit) => credit.entryId === removed)) {
      throw new Error(`entry ${entry.entryId} removes pending credit ${removed}, which does not exist`);
    }
    pending = pending.filter((credit) => credit.entryId !== removed);
  }
  if (entry.pendingAdded) pending = [...pending, entry.pendingAdded];

  const debt = account.debt + entry.debtChange;
  if (debt < 0) throw new Error(`entry ${entry.entryId} would make the debt negative`);
  return { lots, debt, pending };
}

function allocate(lots: readonly Lot[], entry: LedgerEntry): Lot[] {
  const changes = new Map<string, number>();
  for (const { lotId, points } of entry.allocations) changes.set(lotId, (changes.get(lotId) ?? 0) + points);
  const updated = lots.map((lot) => {
    const change = changes.get(lot.lotId);
    if (change === undefined) return lot;
    changes.delete(lot.lotId);
    const remaining = lot.remaining + change;
    if (remaining < 0 || remaining > lot.amount) {
      throw new Error(
        `entry ${entry.entryId} would leave lot ${lot.lotId} with ${remaining} of ${lot.amount}`,
      );
    }
    return { ...lot, remaining };
  });
  if (changes.size > 0) {
    throw new Error(`entry ${entry.entryId} allocates to unknown lots ${[...changes.keys()].join(', ')}`);
  }
  return updated;
}
