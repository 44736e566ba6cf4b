/**
 * A member's points as plain data (RULES.md §2–3), and the balances derived from it.
 *
 * Every change to an account is made by appending ledger entries (ledger-entry.ts) and applying
 * them (apply-entry.ts), so the stored account is always what the ledger replays to.
 *
 * Invariant kept by the operations: debt is only ever non-zero while no unexpired lot has points
 * left (a claw-back empties the lots before it records debt, and every credit pays debt first).
 */
export interface PointsAccount {
  /** In creation order. Spent and expired lots stay (remaining 0) so cancellations can refill them. */
  readonly lots: readonly Lot[];
  /** Points clawed back that the member did not have; future credits pay it first. */
  readonly debt: number;
  readonly pending: readonly PendingCredit[];
}

export interface Lot {
  /** The id of the entry that opened the lot (an earn, an activation, a welcome…). */
  readonly lotId: string;
  /** The id of the entry that earned the points: the earn entry for an activated lot, else `lotId`. */
  readonly entryId: string;
  /** When the points became spendable; the expiry was computed from it. */
  readonly earnedAt: Date;
  readonly expiresAt: Date;
  readonly amount: number;
  readonly remaining: number;
}

/** Points shown to the member but not yet spendable nor qualifying (RULES.md §2 pending points). */
export interface PendingCredit {
  /** The earn entry that created it; also the key a refund or an activation removes it by. */
  readonly entryId: string;
  readonly transactionId: string | null;
  readonly amount: number;
  /** Qualifying points added to the tier year when the credit activates. */
  readonly qualifyingPoints: number;
  readonly availableAt: Date;
  /** The lot's expiry once activated (counted from `availableAt`). */
  readonly expiresAt: Date;
}

export const emptyAccount: PointsAccount = Object.freeze({ lots: [], debt: 0, pending: [] });

export function isLotExpired(lot: Lot, now: Date): boolean {
  return lot.expiresAt.getTime() <= now.getTime();
}

/** Spendable points: Σ remainders of unexpired lots − debt, never below 0. */
export function availableBalance(account: PointsAccount, now: Date): number {
  return Math.max(0, unexpiredRemainder(account, now) - account.debt);
}

export function pendingBalance(account: PointsAccount): number {
  let total = 0;
  for (const credit of account.pending) total += credit.amount;
  return total;
}

/**
 * Σ all lot remainders (expired but not yet swept included) + pending − debt. The sum of the
 * `points` of every ledger entry equals this figure, which is what makes the ledger auditable.
 */
export function netBalance(account: PointsAccount): number {
  let total = pendingBalance(account) - account.debt;
  for (const lot of account.lots) total += lot.remaining;
  return total;
}

export interface ExpiringPoints {
  readonly points: number;
  /** Grouped by expiry instant, earliest first. */
  readonly byExpiry: readonly { readonly expiresAt: Date; readonly points: number }[];
}

/**
 * Points that expire after `now` and no later than `days × 24 h` from it (for the 30- and 7-day
 * reminders). Debt is not subtracted: while there is debt no unexpired lot has points left.
 */
export function expiringWithin(account: PointsAccount, now: Date, days: number): ExpiringPoints {
  const from = now.getTime();
  const until = from + days * 86_400_000;
  const byInstant = new Map<number, number>();
  for (const lot of account.lots) {
    const expiresAt = lot.expiresAt.getTime();
    if (lot.remaining > 0 && expiresAt > from && expiresAt <= until) {
      byInstant.set(expiresAt, (byInstant.get(expiresAt) ?? 0) + lot.remaining);
    }
  }
  const byExpiry = [...byInstant.entries()]
    .sort(([a], [b]) => a - b)
    .map(([expiresAt, points]) => ({ expiresAt: new Date(expiresAt), points }));
  return { points: byExpiry.reduce((sum, group) => sum + group.points, 0), byExpiry };
}

function unexpiredRemainder(account: PointsAccount, now: Date): number {
  let total = 0;
  for (const lot of account.lots) if (!isLotExpired(lot, now)) total += lot.remaining;
  return total;
}
