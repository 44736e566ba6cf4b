import { applyEntry } from './apply-entry';
import type { LedgerEntry } from './ledger-entry';
import { emptyAccount, type PointsAccount } from './points-account';

/** Rebuilds an account from its ledger, oldest entry first (RULES.md §3: the ledger replays). */
export function replayLedger(
  entries: Iterable<LedgerEntry>,
  from: PointsAccount = emptyAccount,
): PointsAccount {
  let account = from;
  for (const entry of entries) account = applyEntry(account, entry);
  return account;
}
