import { applyEntry } from './apply-entry';
import { planClawBack } from './claw-back';
import { creditPoints } from './credit-points';
import { type AccountChange, ledgerEntry } from './ledger-entry';
import type { PointsAccount } from './points-account';

export interface AdjustInput {
  readonly entryId: string;
  readonly now: Date;
  /** Signed, not 0. */
  readonly points: number;
  /** Staff's reason, shown to the member and kept for audit. */
  readonly reason: string;
  /** Required for a positive adjustment: the new lot's expiry (usually `lotExpiresAt(now)`). */
  readonly expiresAt?: Date;
  /**
   * For a positive adjustment that stands in for a missing transaction (积分没到账), the spending
   * points it represents, so the member's tier progress is not lost. 0 otherwise.
   */
  readonly qualifyingPoints?: number;
  /** The points-missing report or other case this adjustment resolves. */
  readonly reference?: string | null;
}

/**
 * A manual adjustment by staff. A positive one is a credit (a lot, paying debt first). A negative
 * one corrects points that should never have been given, so it is a claw-back: first-expiring lots
 * first, and what the member no longer has becomes debt rather than being refused.
 */
export function adjustPoints(account: PointsAccount, input: AdjustInput): AccountChange {
  if (!Number.isSafeInteger(input.points) || input.points === 0) {
    throw new RangeError(`an adjustment must be a non-zero integer of points, got ${input.points}`);
  }
  if (input.reason.trim() === '') throw new RangeError('an adjustment needs a reason');
  if (input.points > 0) {
    if (!input.expiresAt) throw new RangeError('a positive adjustment needs the expiry of its lot');
    return creditPoints(account, {
      entryId: input.entryId,
      type: 'adjust',
      now: input.now,
      points: input.points,
      earnedAt: input.now,
      expiresAt: input.expiresAt,
      qualifyingPoints: input.qualifyingPoints ?? 0,
      reason: input.reason,
      reference: input.reference ?? null,
    });
  }
  const { allocations, debt } = planClawBack(account, -input.points, input.now, null);
  const entry = ledgerEntry({
    entryId: input.entryId,
    type: 'adjust',
    at: input.now,
    points: input.points,
    allocations,
    debtChange: debt,
    reason: input.reason,
    reference: input.reference ?? null,
  });
  return { account: applyEntry(account, entry), entries: [entry] };
}
