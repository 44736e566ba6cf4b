import { applyEntry } from './apply-entry';
import { debtPayment } from './debt-payment';
import type { EarnBreakdown } from './earn-points';
import { type AccountChange, type CreditEntryType, type LedgerEntry, ledgerEntry } from './ledger-entry';
import type { PointsAccount } from './points-account';

export interface CreditInput {
  readonly entryId: string;
  readonly type: CreditEntryType;
  readonly now: Date;
  readonly points: number;
  /** When the points count as earned (the lot's `earnedAt`); the expiry was computed from it. */
  readonly earnedAt: Date;
  readonly expiresAt: Date;
  /** After `now`: the credit is pending until then (RULES.md §2); otherwise it is spendable at once. */
  readonly pendingUntil?: Date | null;
  readonly qualifyingPoints?: number;
  readonly transactionId?: string | null;
  readonly reference?: string | null;
  readonly reason?: string | null;
  readonly breakdown?: EarnBreakdown | null;
}

/**
 * Credits points: opens a lot (or a pending credit) and, when the account has debt, pays the debt
 * from the new lot first in a separate `debt_payment` entry (`<entryId>:debt`), so the statement
 * shows both the full credit and what it repaid. A credit of 0 points (a ¥0 transaction) records
 * the entry but opens no lot.
 */
export function creditPoints(account: PointsAccount, input: CreditInput): AccountChange {
  if (!Number.isSafeInteger(input.points) || input.points < 0) {
    throw new RangeError(`a credit must be a non-negative integer of points, got ${input.points}`);
  }
  const qualifyingPoints = input.qualifyingPoints ?? 0;
  const common = {
    entryId: input.entryId,
    type: input.type,
    at: input.now,
    points: input.points,
    transactionId: input.transactionId ?? null,
    reference: input.reference ?? null,
    reason: input.reason ?? null,
    breakdown: input.breakdown ?? null,
  };
  const pendingUntil = input.pendingUntil ?? null;
  if (pendingUntil !== null && pendingUntil.getTime() > input.now.getTime() && input.points > 0) {
    // Pending points are neither spendable nor qualifying yet; the activation carries both.
    const entry = ledgerEntry({
      ...common,
      pendingAdded: {
        entryId: input.entryId,
        transactionId: input.transactionId ?? null,
        amount: input.points,
        qualifyingPoints,
        availableAt: pendingUntil,
        expiresAt: input.expiresAt,
      },
    });
    return { account: applyEntry(account, entry), entries: [entry] };
  }
  const entry = ledgerEntry({
    ...common,
    qualifyingPoints,
    lot:
      input.points > 0
        ? {
            lotId: input.entryId,
            entryId: input.entryId,
            earnedAt: input.earnedAt,
            expiresAt: input.expiresAt,
            amount: input.points,
            remaining: input.points,
          }
        : null,
  });
  return withDebtPaid(applyEntry(account, entry), [entry], input.now);
}

/** Appends the debt payment from the lot the last entry opened, if there is debt. */
export function withDebtPaid(
  account: PointsAccount,
  entries: readonly LedgerEntry[],
  now: Date,
): AccountChange {
  const last = entries[entries.length - 1];
  if (!last?.lot) return { account, entries };
  const payment = debtPayment(account, [last.lot.lotId], {
    entryId: `${last.entryId}:debt`,
    now,
    relatedEntryId: last.entryId,
  });
  if (!payment) return { account, entries };
  return { account: applyEntry(account, payment), entries: [...entries, payment] };
}
