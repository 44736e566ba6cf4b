import { describe, expect, it } from 'vitest';
import { activateDuePending } from '../../../src/rules/activate-pending';
import { adjustPoints } from '../../../src/rules/adjust-points';
import { cancelRedemption } from '../../../src/rules/cancel-redemption';
import { creditPoints } from '../../../src/rules/credit-points';
import { earnPoints } from '../../../src/rules/earn-points';
import { expireDueLots } from '../../../src/rules/expire-lots';
import type { AccountChange, LedgerEntry } from '../../../src/rules/ledger-entry';
import {
  availableBalance,
  emptyAccount,
  expiringWithin,
  netBalance,
  type PointsAccount,
  pendingBalance,
} from '../../../src/rules/points-account';
import { recordEarn } from '../../../src/rules/record-earn';
import { redeemPoints } from '../../../src/rules/redeem-points';
import { refundTransaction } from '../../../src/rules/refund-transaction';
import { replayLedger } from '../../../src/rules/replay-ledger';
import { earnInput, program, shanghai } from './builders';

/** Runs operations one after another, keeping the ledger, like the service will. */
class Book {
  account: PointsAccount = emptyAccount;
  readonly ledger: LedgerEntry[] = [];

  apply(change: AccountChange): LedgerEntry[] {
    this.account = change.account;
    this.ledger.push(...change.entries);
    return [...change.entries];
  }

  credit(entryId: string, points: number, at: string, expires: string): LedgerEntry {
    const [entry] = this.apply(
      creditPoints(this.account, {
        entryId,
        type: 'bonus',
        now: shanghai(at),
        points,
        earnedAt: shanghai(at),
        expiresAt: shanghai(expires),
      }),
    );
    return entry!;
  }

  earn(entryId: string, overrides: Parameters<typeof earnInput>[0], now?: string): LedgerEntry {
    const input = earnInput(overrides);
    const decision = earnPoints(input, program);
    if (!decision.ok) throw new Error(decision.reason);
    const [entry] = this.apply(
      recordEarn(this.account, decision, {
        entryId,
        transactionId: `tx-${entryId}`,
        occurredAt: input.occurredAt,
        now: now ? shanghai(now) : input.occurredAt,
      }),
    );
    return entry!;
  }

  redeem(entryId: string, points: number, at: string): LedgerEntry {
    const decision = redeemPoints(this.account, {
      entryId,
      points,
      now: shanghai(at),
      reference: `r-${entryId}`,
    });
    if (!decision.ok) throw new Error(`${decision.reason}, missing ${decision.missing}`);
    return this.apply(decision)[0]!;
  }

  remaining(): Record<string, number> {
    return Object.fromEntries(this.account.lots.map((lot) => [lot.lotId, lot.remaining]));
  }

  expectConsistent(): void {
    expect(replayLedger(this.ledger)).toEqual(this.account);
    expect(this.ledger.reduce((sum, entry) => sum + entry.points, 0)).toBe(netBalance(this.account));
  }
}

describe('credits open lots', () => {
  it('a credit opens a lot with its own expiry and is spendable at once', () => {
    const book = new Book();
    const entry = book.credit('b1', 500, '2026-03-14T10:00', '2029-03-31T23:59:59.999');
    expect(entry).toMatchObject({ type: 'bonus', points: 500, debtChange: 0 });
    expect(book.account.lots).toEqual([
      {
        lotId: 'b1',
        entryId: 'b1',
        earnedAt: shanghai('2026-03-14T10:00'),
        expiresAt: shanghai('2029-03-31T23:59:59.999'),
        amount: 500,
        remaining: 500,
      },
    ]);
    expect(availableBalance(book.account, shanghai('2026-03-14T10:00'))).toBe(500);
    book.expectConsistent();
  });

  it('an earn keeps its breakdown and its qualifying points on the entry', () => {
    const book = new Book();
    const entry = book.earn('e1', {
      amountFen: 1_234_56,
      tierCode: 'silver',
      occurredAt: shanghai('2026-11-18T10:00'),
    });
    expect(entry).toMatchObject({
      type: 'earn',
      points: 2962,
      qualifyingPoints: 2962,
      transactionId: 'tx-e1',
    });
    expect(entry.breakdown?.promotion?.name).toBe('会员日');
    expect(book.account.lots[0]?.expiresAt).toEqual(new Date('2029-11-30T23:59:59.999+08:00'));
  });

  it('a credit of 0 points records the entry but opens no lot', () => {
    const book = new Book();
    book.earn('e0', { amountFen: 0 });
    expect(book.account.lots).toEqual([]);
    expect(book.ledger).toHaveLength(1);
  });
});

describe('pending points (vehicle 14 days, insurance 7)', () => {
  it('are shown as pending, not spendable and not qualifying, then activate with a lot', () => {
    const book = new Book();
    const earn = book.earn('v1', {
      category: 'vehicle',
      amountFen: 200_000_00,
      occurredAt: shanghai('2026-03-20T10:00'),
    });
    expect(earn.qualifyingPoints).toBe(0);
    expect(pendingBalance(book.account)).toBe(20_000);
    expect(availableBalance(book.account, shanghai('2026-03-21T10:00'))).toBe(0);

    expect(activateDuePending(book.account, shanghai('2026-04-03T09:59')).entries).toEqual([]);
    const [activation] = book.apply(activateDuePending(book.account, shanghai('2026-04-04T00:30')));
    expect(activation).toMatchObject({
      entryId: 'v1:activate',
      type: 'activate',
      points: 0,
      qualifyingPoints: 20_000,
      pendingRemoved: 'v1',
      transactionId: 'tx-v1',
    });
    expect(book.account.lots[0]).toMatchObject({
      lotId: 'v1:activate',
      entryId: 'v1',
      earnedAt: shanghai('2026-04-03T10:00'),
      expiresAt: new Date('2029-04-30T23:59:59.999+08:00'),
      remaining: 20_000,
    });
    expect(pendingBalance(book.account)).toBe(0);
    expect(availableBalance(book.account, shanghai('2026-04-04T00:30'))).toBe(20_000);
    // A second nightly run finds nothing to do.
    expect(activateDuePending(book.account, shanghai('2026-04-04T00:31')).entries).toEqual([]);
    book.expectConsistent();
  });

  it('a transaction recorded after its pending period is spendable at once', () => {
    const book = new Book();
    book.earn(
      'i1',
      { category: 'insurance', amountFen: 4_000_00, occurredAt: shanghai('2026-03-01T10:00') },
      '2026-03-10T10:00',
    );
    expect(book.account.pending).toEqual([]);
    expect(book.account.lots[0]?.earnedAt).toEqual(shanghai('2026-03-08T10:00'));
  });
});

describe('spending: first-expiring first, then oldest', () => {
  it('draws lots in expiry order, recording the allocations', () => {
    const book = new Book();
    book.credit('a', 100, '2026-01-05T10:00', '2029-01-31T23:59:59.999');
    book.credit('b', 100, '2026-02-05T10:00', '2028-12-31T23:59:59.999');
    book.credit('c', 100, '2026-01-01T10:00', '2029-01-31T23:59:59.999');
    const entry = book.redeem('r1', 250, '2026-03-01T10:00');
    expect(entry.allocations).toEqual([
      { lotId: 'b', points: -100 },
      { lotId: 'c', points: -100 },
      { lotId: 'a', points: -50 },
    ]);
    expect(entry.points).toBe(-250);
    expect(book.remaining()).toEqual({ a: 50, b: 0, c: 0 });
    book.expectConsistent();
  });

  it('refuses with the missing points when the balance is short', () => {
    const book = new Book();
    book.credit('a', 1_200, '2026-01-05T10:00', '2029-01-31T23:59:59.999');
    expect(
      redeemPoints(book.account, {
        entryId: 'r',
        points: 1_500,
        now: shanghai('2026-02-01T10:00'),
        reference: null,
      }),
    ).toEqual({
      ok: false,
      reason: 'insufficient_points',
      missing: 300,
    });
  });

  it('never spends expired or pending points', () => {
    const book = new Book();
    book.credit('old', 1_000, '2026-01-05T10:00', '2026-01-31T23:59:59.999');
    book.earn('v', { category: 'vehicle', amountFen: 100_000_00, occurredAt: shanghai('2026-02-01T10:00') });
    const decision = redeemPoints(book.account, {
      entryId: 'r',
      points: 1,
      now: shanghai('2026-02-02T10:00'),
      reference: null,
    });
    expect(decision).toEqual({ ok: false, reason: 'insufficient_points', missing: 1 });
  });
});

describe('expiry sweep', () => {
  it('expires lots at expiresAt exactly, once, with deterministic ids', () => {
    const book = new Book();
    book.credit('a', 300, '2026-01-05T10:00', '2029-01-31T23:59:59.999');
    book.credit('b', 200, '2026-02-05T10:00', '2029-02-28T23:59:59.999');
    book.redeem('r', 100, '2026-03-01T10:00');
    const justBefore = shanghai('2029-01-31T23:59:59.998');
    expect(expireDueLots(book.account, justBefore).entries).toEqual([]);
    expect(availableBalance(book.account, justBefore)).toBe(400);
    const at = shanghai('2029-01-31T23:59:59.999');
    expect(availableBalance(book.account, at)).toBe(200);
    const entries = book.apply(expireDueLots(book.account, shanghai('2029-02-01T00:30')));
    expect(entries).toMatchObject([
      { entryId: 'a:expire', type: 'expire', points: -200, allocations: [{ lotId: 'a', points: -200 }] },
    ]);
    expect(expireDueLots(book.account, shanghai('2029-02-02T00:30')).entries).toEqual([]);
    expect(availableBalance(book.account, shanghai('2029-02-01T00:30'))).toBe(200);
    book.expectConsistent();
  });

  it('reports points expiring within 30 and 7 days', () => {
    const book = new Book();
    book.credit('a', 300, '2026-01-05T10:00', '2029-01-31T23:59:59.999');
    book.credit('b', 200, '2026-01-06T10:00', '2029-01-31T23:59:59.999');
    book.credit('c', 50, '2026-02-05T10:00', '2029-02-28T23:59:59.999');
    const now = shanghai('2029-01-10T09:00');
    expect(expiringWithin(book.account, now, 30)).toEqual({
      points: 500,
      byExpiry: [{ expiresAt: shanghai('2029-01-31T23:59:59.999'), points: 500 }],
    });
    expect(expiringWithin(book.account, now, 7).points).toBe(0);
    expect(expiringWithin(book.account, shanghai('2029-02-01T00:00'), 30).points).toBe(50);
  });
});

describe('refunds claw back exactly what the transaction earned (RULES.md §2)', () => {
  it('inside the pending period: removed, no debt, no qualifying change', () => {
    const book = new Book();
    const earn = book.earn('v', {
      category: 'vehicle',
      amountFen: 100_000_00,
      occurredAt: shanghai('2026-03-01T10:00'),
    });
    const [refund] = book.apply(
      refundTransaction(book.account, earn, { entryId: 'refund:tx-v', now: shanghai('2026-03-05T10:00') }),
    );
    expect(refund).toMatchObject({
      type: 'refund',
      points: -10_000,
      qualifyingPoints: 0,
      debtChange: 0,
      pendingRemoved: 'v',
    });
    expect(book.account).toEqual({ lots: [], debt: 0, pending: [] });
    book.expectConsistent();
  });

  it('partly spent: balance 0, the rest is debt, paid off by the next earning first', () => {
    const book = new Book();
    book.credit('welcome', 1_000, '2026-03-01T10:00', '2029-03-31T23:59:59.999');
    const earn = book.earn('m1', { amountFen: 2_000_00, occurredAt: shanghai('2026-03-02T10:00') });
    book.redeem('r1', 2_500, '2026-03-03T10:00');
    const now = shanghai('2026-03-04T10:00');
    expect(availableBalance(book.account, now)).toBe(500);

    const [refund] = book.apply(refundTransaction(book.account, earn, { entryId: 'refund:tx-m1', now }));
    expect(refund).toMatchObject({ points: -2_000, qualifyingPoints: -2_000, debtChange: 1_500 });
    expect(availableBalance(book.account, now)).toBe(0);
    expect(book.account.debt).toBe(1_500);

    const [next, payment] = book.apply(
      creditPoints(book.account, {
        entryId: 'm2',
        type: 'earn',
        now: shanghai('2026-03-05T10:00'),
        points: 1_800,
        earnedAt: shanghai('2026-03-05T10:00'),
        expiresAt: shanghai('2029-03-31T23:59:59.999'),
        qualifyingPoints: 1_800,
      }),
    );
    expect(next).toMatchObject({ entryId: 'm2', points: 1_800 });
    expect(payment).toMatchObject({
      entryId: 'm2:debt',
      type: 'debt_payment',
      points: 0,
      debtChange: -1_500,
      allocations: [{ lotId: 'm2', points: -1_500 }],
    });
    expect(book.account.debt).toBe(0);
    expect(availableBalance(book.account, shanghai('2026-03-05T10:00'))).toBe(300);
    book.expectConsistent();
  });

  it('takes the transaction’s own lot first, then first-expiring lots', () => {
    const book = new Book();
    book.credit('early', 100, '2026-01-01T10:00', '2028-01-31T23:59:59.999');
    const earn = book.earn('m1', { amountFen: 300_00, occurredAt: shanghai('2026-03-02T10:00') });
    book.credit('late', 100, '2026-03-03T10:00', '2030-01-31T23:59:59.999');
    book.redeem('r1', 450, '2026-03-03T11:00');
    expect(book.remaining()).toEqual({ early: 0, m1: 0, late: 50 });
    book.credit('mid', 100, '2026-03-04T10:00', '2029-01-31T23:59:59.999');
    const [refund] = book.apply(
      refundTransaction(book.account, earn, { entryId: 'refund', now: shanghai('2026-03-05T10:00') }),
    );
    expect(refund?.allocations).toEqual([
      { lotId: 'mid', points: -100 },
      { lotId: 'late', points: -50 },
    ]);
    expect(refund?.debtChange).toBe(150);
    book.expectConsistent();
  });

  it('an activated transaction gives back its qualifying points', () => {
    const book = new Book();
    const earn = book.earn('i', {
      category: 'insurance',
      amountFen: 6_000_00,
      occurredAt: shanghai('2026-03-01T10:00'),
    });
    book.apply(activateDuePending(book.account, shanghai('2026-03-09T00:30')));
    const [refund] = book.apply(
      refundTransaction(book.account, earn, { entryId: 'refund', now: shanghai('2026-03-10T10:00') }),
    );
    expect(refund).toMatchObject({
      points: -3_000,
      qualifyingPoints: -3_000,
      allocations: [{ lotId: 'i:activate', points: -3_000 }],
    });
    expect(book.ledger.reduce((sum, entry) => sum + entry.qualifyingPoints, 0)).toBe(0);
  });
});

describe('cancelling a redemption', () => {
  it('returns the points to their original lots', () => {
    const book = new Book();
    book.credit('a', 100, '2026-01-05T10:00', '2029-01-31T23:59:59.999');
    book.credit('b', 100, '2026-02-05T10:00', '2028-12-31T23:59:59.999');
    const before = book.remaining();
    const redeem = book.redeem('r', 150, '2026-03-01T10:00');
    const entries = book.apply(
      cancelRedemption(book.account, redeem, { entryId: 'r:cancel', now: shanghai('2026-03-02T10:00') }),
    );
    expect(entries).toMatchObject([
      {
        type: 'cancel_redemption',
        points: 150,
        relatedEntryId: 'r',
        reference: 'r-r',
        allocations: [
          { lotId: 'b', points: 100 },
          { lotId: 'a', points: 50 },
        ],
      },
    ]);
    expect(book.remaining()).toEqual(before);
    book.expectConsistent();
  });

  it('points of a lot that expired meanwhile expire again at once', () => {
    const book = new Book();
    book.credit('soon', 100, '2026-01-05T10:00', '2026-04-30T23:59:59.999');
    book.credit('later', 100, '2026-02-05T10:00', '2029-02-28T23:59:59.999');
    const redeem = book.redeem('r', 150, '2026-04-01T10:00');
    book.apply(expireDueLots(book.account, shanghai('2026-05-01T00:30')));
    const entries = book.apply(
      cancelRedemption(book.account, redeem, { entryId: 'c', now: shanghai('2026-05-02T10:00') }),
    );
    expect(entries.map((entry) => [entry.entryId, entry.type, entry.points])).toEqual([
      ['c', 'cancel_redemption', 150],
      ['c:expire', 'expire', -100],
    ]);
    expect(book.remaining()).toEqual({ soon: 0, later: 100 });
    expect(availableBalance(book.account, shanghai('2026-05-02T10:00'))).toBe(100);
    book.expectConsistent();
  });

  it('returned points pay a debt first', () => {
    const book = new Book();
    book.credit('a', 1_000, '2026-01-05T10:00', '2029-01-31T23:59:59.999');
    const earn = book.earn('m', { amountFen: 500_00, occurredAt: shanghai('2026-02-01T10:00') });
    const redeem = book.redeem('r', 1_500, '2026-02-02T10:00');
    book.apply(
      refundTransaction(book.account, earn, { entryId: 'refund', now: shanghai('2026-02-03T10:00') }),
    );
    expect(book.account.debt).toBe(500);
    const entries = book.apply(
      cancelRedemption(book.account, redeem, { entryId: 'c', now: shanghai('2026-02-04T10:00') }),
    );
    expect(entries.map((entry) => entry.type)).toEqual(['cancel_redemption', 'debt_payment']);
    expect(book.account.debt).toBe(0);
    expect(availableBalance(book.account, shanghai('2026-02-04T10:00'))).toBe(1_000);
    book.expectConsistent();
  });
});

describe('manual adjustments', () => {
  it('a positive adjustment is a lot with the reason kept', () => {
    const book = new Book();
    const [entry] = book.apply(
      adjustPoints(book.account, {
        entryId: 'adj1',
        now: shanghai('2026-03-01T10:00'),
        points: 300,
        reason: '补录 3月1日 保养',
        expiresAt: shanghai('2029-03-31T23:59:59.999'),
        qualifyingPoints: 300,
        reference: 'report-7',
      }),
    );
    expect(entry).toMatchObject({
      type: 'adjust',
      points: 300,
      qualifyingPoints: 300,
      reason: '补录 3月1日 保养',
      reference: 'report-7',
    });
    expect(availableBalance(book.account, shanghai('2026-03-01T10:00'))).toBe(300);
  });

  it('a negative adjustment takes what is there and records the rest as debt', () => {
    const book = new Book();
    book.credit('a', 100, '2026-01-05T10:00', '2029-01-31T23:59:59.999');
    const [entry] = book.apply(
      adjustPoints(book.account, {
        entryId: 'adj',
        now: shanghai('2026-03-01T10:00'),
        points: -250,
        reason: '重复入账',
      }),
    );
    expect(entry).toMatchObject({
      points: -250,
      debtChange: 150,
      allocations: [{ lotId: 'a', points: -100 }],
    });
    expect(availableBalance(book.account, shanghai('2026-03-01T10:00'))).toBe(0);
    book.expectConsistent();
  });

  it('rejects a zero adjustment, a missing reason or a positive one without expiry', () => {
    const now = shanghai('2026-03-01T10:00');
    expect(() => adjustPoints(emptyAccount, { entryId: 'x', now, points: 0, reason: 'x' })).toThrow(
      RangeError,
    );
    expect(() =>
      adjustPoints(emptyAccount, { entryId: 'x', now, points: 5, reason: ' ', expiresAt: now }),
    ).toThrow(RangeError);
    expect(() => adjustPoints(emptyAccount, { entryId: 'x', now, points: 5, reason: 'x' })).toThrow(
      RangeError,
    );
  });
});

describe('replay guards against a corrupt ledger', () => {
  it('throws on an allocation to an unknown lot or an overdrawn lot', () => {
    const book = new Book();
    const redeemLike = { ...book.credit('a', 100, '2026-01-05T10:00', '2029-01-31T23:59:59.999') };
    expect(() =>
      replayLedger([{ ...redeemLike, entryId: 'x', lot: null, allocations: [{ lotId: 'zz', points: -1 }] }]),
    ).toThrow(/unknown lots/);
    expect(() =>
      replayLedger([
        redeemLike,
        { ...redeemLike, entryId: 'y', lot: null, allocations: [{ lotId: 'a', points: -101 }] },
      ]),
    ).toThrow(/with -1 of 100/);
    expect(() => replayLedger([redeemLike, redeemLike])).toThrow(/already exists/);
  });
});
