import type { EarnBreakdown } from './earn-points';
import type { Lot, PendingCredit, PointsAccount } from './points-account';

export type LedgerEntryType =
  | 'earn'
  | 'activate'
  | 'redeem'
  | 'refund'
  | 'expire'
  | 'adjust'
  | 'cancel_redemption'
  | 'debt_payment'
  | 'bonus'
  | 'welcome'
  | 'referral';

/** Credits that open a lot (or a pending credit) through `creditPoints`. */
export type CreditEntryType = 'earn' | 'bonus' | 'welcome' | 'referral' | 'adjust';

/** A signed change to one lot's `remaining`: negative when points leave the lot. */
export interface LotAllocation {
  readonly lotId: string;
  readonly points: number;
}

/**
 * One append-only ledger entry. It records its complete effect on the account (the lot it opens,
 * the lot remainders it changes, the debt and pending credits it changes), so replaying entries in
 * order rebuilds the account exactly, and an entry can be reversed from its own allocations.
 */
export interface LedgerEntry {
  /** Unique; the idempotency key of the write. */
  readonly entryId: string;
  readonly type: LedgerEntryType;
  readonly at: Date;
  /** Signed change of the net balance (Σ lot remainders + pending − debt); see `netBalance`. */
  readonly points: number;
  /** Signed change of the current membership year's qualifying points. */
  readonly qualifyingPoints: number;
  /** The lot this entry opens, as it is before this entry's own allocations. */
  readonly lot: Lot | null;
  readonly allocations: readonly LotAllocation[];
  /** Positive when debt is recorded, negative when it is paid. */
  readonly debtChange: number;
  readonly pendingAdded: PendingCredit | null;
  /** The `entryId` of the pending credit this entry removes (activation or refund). */
  readonly pendingRemoved: string | null;
  /** The DMS transaction id for earn/refund entries. */
  readonly transactionId: string | null;
  /** The entry this one follows from: the earn a refund reverses, the redeem a cancellation
   *  reverses, the credit a debt payment or an immediate re-expiry comes with. */
  readonly relatedEntryId: string | null;
  /** The business object behind the entry: redemption id, referral id, campaign id, report id. */
  readonly reference: string | null;
  /** Staff's reason for an adjustment, or a short machine reason. */
  readonly reason: string | null;
  readonly breakdown: EarnBreakdown | null;
}

/** What every account operation returns: the new account and the entries to append, in order. */
export interface AccountChange {
  readonly account: PointsAccount;
  readonly entries: readonly LedgerEntry[];
}

type EntryFields = Pick<LedgerEntry, 'entryId' | 'type' | 'at' | 'points'> & Partial<LedgerEntry>;

/** A ledger entry with every field not given set to its neutral value. */
export function ledgerEntry(fields: EntryFields): LedgerEntry {
  return {
    qualifyingPoints: 0,
    lot: null,
    allocations: [],
    debtChange: 0,
    pendingAdded: null,
    pendingRemoved: null,
    transactionId: null,
    relatedEntryId: null,
    reference: null,
    reason: null,
    breakdown: null,
    ...fields,
  };
}
