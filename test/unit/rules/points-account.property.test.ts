import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activateDuePending } from '../../../src/rules/activate-pending';
import { adjustPoints } from '../../../src/rules/adjust-points';
import { cancelRedemption } from '../../../src/rules/cancel-redemption';
import { creditPoints } from '../../../src/rules/credit-points';
import { expireDueLots } from '../../../src/rules/expire-lots';
import type { AccountChange, LedgerEntry } from '../../../src/rules/ledger-entry';
import {
  availableBalance,
  emptyAccount,
  isLotExpired,
  netBalance,
  type PointsAccount,
  pendingBalance,
} from '../../../src/rules/points-account';
import { redeemPoints } from '../../../src/rules/redeem-points';
import { refundTransaction } from '../../../src/rules/refund-transaction';
import { replayLedger } from '../../../src/rules/replay-ledger';
import { spendableLots, spendingOrder } from '../../../src/rules/spending-order';

/*
 * Random sequences of every account operation, checked after each step against the invariants of
 * RULES.md §2–3 and against an independent running model of the signed balance
 * S = Σ unexpired lot remainders − debt (available = max(0, S)).
 */

const DAY = 86_400_000;
const start = Date.parse('2026-01-01T02:00:00Z');

type Op =
  | { kind: 'earn'; points: number; pendingDays: 0 | 7 | 14; lifeDays: number; qualifying: boolean }
  | { kind: 'redeem'; points: number }
  | { kind: 'refund'; pick: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'expire' }
  | { kind: 'activate' }
  | { kind: 'adjust'; points: number; lifeDays: number }
  | { kind: 'wait'; days: number; hours: number };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('earn' as const),
      points: fc.integer({ min: 0, max: 5_000 }),
      pendingDays: fc.constantFrom(0 as const, 0 as const, 7 as const, 14 as const),
      lifeDays: fc.integer({ min: 1, max: 400 }),
      qualifying: fc.boolean(),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('redeem' as const),
      points: fc.integer({ min: 1, max: 6_000 }),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('refund' as const), pick: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'expire' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'activate' as const }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('adjust' as const),
      points: fc.integer({ min: -3_000, max: 3_000 }).filter((points) => points !== 0),
      lifeDays: fc.integer({ min: 1, max: 400 }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('wait' as const),
      days: fc.integer({ min: 0, max: 90 }),
      hours: fc.integer({ min: 0, max: 23 }),
    }),
    weight: 2,
  },
);

class Simulation {
  account: PointsAccount = emptyAccount;
  readonly ledger: LedgerEntry[] = [];
  now = start;
  /** Independent model of Σ unexpired remainders − debt. */
  signed = 0;
  pending = 0;
  private seq = 0;
  readonly earns: LedgerEntry[] = [];
  readonly redeems: LedgerEntry[] = [];

  private id(prefix: string): string {
    this.seq += 1;
    return `${prefix}${this.seq}`;
  }

  private apply(change: AccountChange): void {
    this.account = change.account;
    this.ledger.push(...change.entries);
  }

  private unexpiredGain(allocations: LedgerEntry['allocations']): number {
    const at = new Date(this.now);
    return allocations.reduce((sum, { lotId, points }) => {
      const lot = this.account.lots.find((candidate) => candidate.lotId === lotId)!;
      return isLotExpired(lot, at) ? sum : sum + points;
    }, 0);
  }

  run(op: Op): void {
    const now = new Date(this.now);
    switch (op.kind) {
      case 'earn': {
        const pendingUntil = op.pendingDays > 0 ? new Date(this.now + op.pendingDays * DAY) : null;
        const earnedAt = pendingUntil ?? now;
        const change = creditPoints(this.account, {
          entryId: this.id('e'),
          type: 'earn',
          now,
          points: op.points,
          earnedAt,
          expiresAt: new Date(earnedAt.getTime() + op.lifeDays * DAY),
          pendingUntil,
          qualifyingPoints: op.qualifying ? op.points : 0,
          transactionId: `tx${this.seq}`,
        });
        this.apply(change);
        this.earns.push(change.entries[0]!);
        if (pendingUntil && op.points > 0) this.pending += op.points;
        else this.signed += op.points;
        return;
      }
      case 'redeem': {
        const before = spendableLots(this.account, now);
        const decision = redeemPoints(this.account, {
          entryId: this.id('r'),
          points: op.points,
          now,
          reference: null,
        });
        if (!decision.ok) {
          expect(decision.missing).toBe(op.points - Math.max(0, this.signed));
          return;
        }
        expect(this.signed).toBeGreaterThanOrEqual(op.points);
        checkFifo(before, decision.entries[0]!, op.points);
        this.apply(decision);
        this.redeems.push(decision.entries[0]!);
        this.signed -= op.points;
        return;
      }
      case 'refund': {
        if (this.earns.length === 0) return;
        const [earn] = this.earns.splice(op.pick % this.earns.length, 1);
        const wasPending = this.account.pending.some((credit) => credit.entryId === earn!.entryId);
        this.apply(refundTransaction(this.account, earn!, { entryId: this.id('refund'), now }));
        if (wasPending) this.pending -= earn!.points;
        else this.signed -= earn!.points;
        return;
      }
      case 'cancel': {
        if (this.redeems.length === 0) return;
        const [redeem] = this.redeems.splice(op.pick % this.redeems.length, 1);
        const gain = this.unexpiredGain(
          redeem!.allocations.map(({ lotId, points }) => ({ lotId, points: -points })),
        );
        this.apply(cancelRedemption(this.account, redeem!, { entryId: this.id('c'), now }));
        this.signed += gain;
        return;
      }
      case 'expire': {
        this.apply(expireDueLots(this.account, now));
        return;
      }
      case 'activate': {
        const due = this.account.pending.filter((credit) => credit.availableAt.getTime() <= this.now);
        for (const credit of due) {
          this.pending -= credit.amount;
          if (credit.expiresAt.getTime() > this.now) this.signed += credit.amount;
        }
        this.apply(activateDuePending(this.account, now));
        return;
      }
      case 'adjust': {
        this.apply(
          adjustPoints(this.account, {
            entryId: this.id('adj'),
            now,
            points: op.points,
            reason: 'test',
            expiresAt: new Date(this.now + op.lifeDays * DAY),
          }),
        );
        this.signed += op.points;
        return;
      }
      case 'wait': {
        const later = this.now + op.days * DAY + op.hours * 3_600_000;
        for (const lot of this.account.lots) {
          const expiresAt = lot.expiresAt.getTime();
          if (expiresAt > this.now && expiresAt <= later) this.signed -= lot.remaining;
        }
        this.now = later;
        return;
      }
    }
  }

  checkInvariants(): void {
    const now = new Date(this.now);
    const unexpired = this.account.lots
      .filter((lot) => !isLotExpired(lot, now))
      .reduce((sum, lot) => sum + lot.remaining, 0);
    const available = availableBalance(this.account, now);
    expect(available).toBe(Math.max(0, unexpired - this.account.debt));
    expect(available).toBeGreaterThanOrEqual(0);
    expect(unexpired - this.account.debt).toBe(this.signed);
    expect(pendingBalance(this.account)).toBe(this.pending);
    // Debt exists only while no unexpired lot has points left.
    if (this.account.debt > 0) expect(unexpired).toBe(0);
    expect(this.account.debt).toBeGreaterThanOrEqual(0);
    for (const lot of this.account.lots) {
      expect(lot.remaining).toBeGreaterThanOrEqual(0);
      expect(lot.remaining).toBeLessThanOrEqual(lot.amount);
    }
    expect(replayLedger(this.ledger)).toEqual(this.account);
    expect(this.ledger.reduce((sum, entry) => sum + entry.points, 0)).toBe(netBalance(this.account));
    expect(new Set(this.ledger.map((entry) => entry.entryId)).size).toBe(this.ledger.length);
    // Qualifying points: exactly those of the unrefunded earns whose points are spendable (a lot exists).
    const refunded = new Set(
      this.ledger.filter((entry) => entry.type === 'refund').map((entry) => entry.relatedEntryId),
    );
    const expectedQualifying = this.ledger
      .filter((entry) => entry.type === 'earn' && !refunded.has(entry.entryId))
      .filter((entry) => this.account.lots.some((lot) => lot.entryId === entry.entryId))
      .reduce((sum, entry) => sum + entry.qualifyingPoints + (entry.pendingAdded?.qualifyingPoints ?? 0), 0);
    expect(this.ledger.reduce((sum, entry) => sum + entry.qualifyingPoints, 0)).toBe(expectedQualifying);
  }
}

/** The redemption took a prefix of the spendable lots in spending order, emptying all but the last. */
function checkFifo(spendable: ReturnType<typeof spendableLots>, entry: LedgerEntry, points: number): void {
  const sorted = [...spendable].sort(spendingOrder);
  expect(entry.allocations.map((allocation) => allocation.lotId)).toEqual(
    sorted.slice(0, entry.allocations.length).map((lot) => lot.lotId),
  );
  entry.allocations.forEach((allocation, index) => {
    const lot = sorted[index]!;
    if (index < entry.allocations.length - 1) expect(-allocation.points).toBe(lot.remaining);
    else expect(-allocation.points).toBeLessThanOrEqual(lot.remaining);
  });
  expect(entry.allocations.reduce((sum, allocation) => sum - allocation.points, 0)).toBe(points);
}

function simulate(ops: readonly Op[]): Simulation {
  const simulation = new Simulation();
  for (const op of ops) {
    simulation.run(op);
    simulation.checkInvariants();
  }
  return simulation;
}

const runs = { numRuns: 300 };

describe('points account invariants under any sequence of operations', () => {
  it('available = Σ unexpired remainders − debt ≥ 0, FIFO debits, replay = state, Σ entries = net balance', () => {
    fc.assert(
      fc.property(fc.array(opArbitrary, { maxLength: 60 }), (ops) => {
        simulate(ops);
      }),
      runs,
    );
  });

  it('refund(earn(x)) restores balance, debt, pending, every other lot and qualifying points', () => {
    fc.assert(
      fc.property(
        fc.array(opArbitrary, { maxLength: 40 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.constantFrom(0, 7, 14),
        (ops, points, pendingDays) => {
          const simulation = simulate(ops);
          const before = simulation.account;
          const now = new Date(simulation.now);
          const pendingUntil = pendingDays > 0 ? new Date(simulation.now + pendingDays * DAY) : null;
          const earned = creditPoints(before, {
            entryId: 'x',
            type: 'earn',
            now,
            points,
            earnedAt: pendingUntil ?? now,
            expiresAt: new Date(simulation.now + 400 * DAY),
            pendingUntil,
            qualifyingPoints: points,
            transactionId: 'tx-x',
          });
          const refunded = refundTransaction(earned.account, earned.entries[0]!, {
            entryId: 'refund-x',
            now,
          });
          const after = refunded.account;
          expect(availableBalance(after, now)).toBe(availableBalance(before, now));
          expect(after.debt).toBe(before.debt);
          expect(after.pending).toEqual(before.pending);
          expect(after.lots.filter((lot) => lot.lotId !== 'x')).toEqual(before.lots);
          const qualifying = [...earned.entries, ...refunded.entries].reduce(
            (sum, entry) => sum + entry.qualifyingPoints,
            0,
          );
          expect(qualifying).toBe(0);
        },
      ),
      runs,
    );
  });

  it('cancel(redeem) restores the account when no lot expired in between', () => {
    fc.assert(
      fc.property(
        fc.array(opArbitrary, { maxLength: 40 }),
        fc.integer({ min: 1, max: 6_000 }),
        fc.integer({ min: 0, max: 30 * DAY }),
        (ops, points, delay) => {
          const simulation = simulate(ops);
          const before = expireDueLots(simulation.account, new Date(simulation.now)).account;
          const redeemedAt = new Date(simulation.now);
          const decision = redeemPoints(before, { entryId: 'r', points, now: redeemedAt, reference: null });
          if (!decision.ok) return;
          const cancelledAt = new Date(simulation.now + delay);
          const expiredBetween = before.lots.some(
            (lot) => lot.expiresAt > redeemedAt && lot.expiresAt <= cancelledAt,
          );
          fc.pre(!expiredBetween);
          const cancelled = cancelRedemption(decision.account, decision.entries[0]!, {
            entryId: 'c',
            now: cancelledAt,
          });
          expect(cancelled.account).toEqual(before);
        },
      ),
      runs,
    );
  });

  it('the expiry sweep and the activation are idempotent', () => {
    fc.assert(
      fc.property(fc.array(opArbitrary, { maxLength: 40 }), fc.integer({ min: 0, max: 400 }), (ops, days) => {
        const simulation = simulate(ops);
        const now = new Date(simulation.now + days * DAY);
        const once = expireDueLots(activateDuePending(simulation.account, now).account, now).account;
        expect(activateDuePending(once, now).entries).toEqual([]);
        expect(expireDueLots(once, now).entries).toEqual([]);
        expect(once.lots.every((lot) => !isLotExpired(lot, now) || lot.remaining === 0)).toBe(true);
      }),
      runs,
    );
  });
});
