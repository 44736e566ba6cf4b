import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberRecord } from '../../src/data/models/member-model';
import { redeemPoints } from '../../src/rules/redeem-points';
import { replayLedger } from '../../src/rules/replay-ledger';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';

let api: ApiHarness;
beforeAll(async () => {
  // The 18th of November 2026 is a member day (×2).
  api = await startApiHarness({ now: '2026-11-18T10:00:00+08:00' });
});
afterAll(() => api?.stop());

let seq = 0;
const txnId = (prefix = 'T') => `${prefix}-${Date.now()}-${++seq}`;

async function member(id: string): Promise<MemberRecord> {
  return (await api.runtime.services.db.members.findById(id).lean<MemberRecord>())!;
}

/** The stored account must be exactly what the member's ledger replays to. */
async function expectLedgerReplays(memberId: string) {
  const entries = await api.runtime.services.db.memberStore.ledgerOf(memberId);
  const stored = await member(memberId);
  expect(JSON.parse(JSON.stringify(replayLedger(entries)))).toEqual(
    JSON.parse(JSON.stringify(stored.account)),
  );
}

describe('POST /api/v1/transactions', () => {
  it('earns the worked example of RULES.md: Silver, ¥1,234.56 maintenance on the 18th → 2,962 points', async () => {
    const m = await api.insertMember({ signedUpAt: new Date('2026-01-10T10:00:00+08:00') });
    await api.runtime.services.db.members.updateOne(
      { _id: m._id },
      { $set: { 'tier.tierCode': 'silver', firstTransactionAt: new Date('2026-02-01T00:00:00Z') } },
    );
    const res = await api.post(
      '/api/v1/transactions',
      {
        transactionId: txnId(),
        mobile: m.mobile,
        category: 'maintenance',
        amountFen: 123456,
        occurredAt: '2026-11-18T09:30:00+08:00',
      },
      'store',
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      memberId: m._id,
      points: 2962,
      status: 'available',
      storeId: 'main',
      duplicate: false,
      tier: { code: 'silver' },
      balance: { available: 2962, pending: 0 },
    });
    expect(res.body.explanation).toContain('2,962 积分');
    expect(res.body.breakdown).toMatchObject({ exactPoints: '2962.944', promotion: { kind: 'member_day' } });
    await expectLedgerReplays(m._id);
  });

  it('answers a repeat with the original result and credits once, also for 50 concurrent posts', async () => {
    const m = await api.insertMember();
    const body = {
      transactionId: txnId('DUP'),
      memberId: m._id,
      category: 'repair',
      amountFen: 50_000,
      occurredAt: '2026-11-17T15:00:00+08:00',
    };
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => api.post('/api/v1/transactions', body, 'store')),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([...Array(49).fill(200), 201].sort());
    const first = responses.find((r) => r.status === 201)!.body;
    // First transaction: 500 points + 10% bonus.
    expect(first.points).toBe(550);
    for (const r of responses)
      expect({ ...r.body, duplicate: false }).toEqual({ ...first, duplicate: false });
    const stored = await member(m._id);
    expect(stored.account.lots).toHaveLength(1);
    const ledger = await api.runtime.services.db.memberStore.ledgerOf(m._id);
    expect(ledger.filter((e) => e.type === 'earn')).toHaveLength(1);
    await expectLedgerReplays(m._id);
  });

  it('refuses a reused transaction id with different facts (409)', async () => {
    const m = await api.insertMember();
    const id = txnId('REUSE');
    const base = {
      transactionId: id,
      memberId: m._id,
      category: 'parts',
      occurredAt: '2026-11-17T10:00:00+08:00',
    };
    expect((await api.post('/api/v1/transactions', { ...base, amountFen: 1000 }, 'store')).status).toBe(201);
    const again = await api.post('/api/v1/transactions', { ...base, amountFen: 2000 }, 'store');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('transaction_conflict');
  });

  it('keeps vehicle purchase points pending for 14 days, then they count (nightly activation)', async () => {
    const m = await api.insertMember();
    const res = await api.post('/api/v1/transactions', {
      transactionId: txnId('CAR'),
      memberId: m._id,
      category: 'vehicle',
      amountFen: 25_000_000,
      occurredAt: '2026-11-17T11:00:00+08:00',
    });
    expect(res.status).toBe(201);
    // ¥250,000 × 0.1 = 25,000 + 10% first-transaction bonus.
    expect(res.body).toMatchObject({
      points: 27_500,
      status: 'pending',
      balance: { available: 0, pending: 27_500 },
    });
    expect(res.body.pendingUntil).toBe('2026-12-01T03:00:00.000Z');
    const detail = await api.get(`/api/v1/members/${m._id}`, 'store');
    expect(detail.body.balance).toMatchObject({ available: 0, pending: 27_500 });
    expect(detail.body.tier.qualifyingPoints).toBe(0);
  });

  it('validates input and refuses operator injection, wrong roles and other stores', async () => {
    const m = await api.insertMember();
    const good = {
      transactionId: txnId('V'),
      memberId: m._id,
      category: 'maintenance',
      amountFen: 100,
      occurredAt: '2026-11-18T10:00:00+08:00',
    };
    const bad = await api.post(
      '/api/v1/transactions',
      { ...good, amountFen: 12.5, category: 'spa' },
      'store',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'amountFen',
      'category',
    ]);
    const injected = await api.post('/api/v1/transactions', { ...good, memberId: { $gt: '' } }, 'store');
    expect(injected.status).toBe(400);
    const noOffset = await api.post(
      '/api/v1/transactions',
      { ...good, occurredAt: '2026-11-18 10:00' },
      'store',
    );
    expect(noOffset.status).toBe(400);
    expect((await api.post('/api/v1/transactions', good, 'marketing')).status).toBe(403);
    const otherStore = await api.post('/api/v1/transactions', { ...good, storeId: 'elsewhere' }, 'store');
    expect(otherStore.status).toBe(403);
    const unknown = await api.post('/api/v1/transactions', { ...good, memberId: 'a'.repeat(24) }, 'store');
    expect(unknown.status).toBe(404);
    // Nothing above was recorded.
    expect(await api.runtime.services.db.transactions.exists({ _id: good.transactionId })).toBeNull();
  });
});

describe('POST /api/v1/transactions/{id}/refund', () => {
  it('claws back exactly the earned points; after partial spending the rest becomes debt, paid by the next earning', async () => {
    const m = await api.insertMember();
    await api.runtime.services.db.members.updateOne(
      { _id: m._id },
      { $set: { firstTransactionAt: new Date('2026-01-01T00:00:00Z') } },
    );
    const id = txnId('R');
    const earned = await api.post('/api/v1/transactions', {
      transactionId: id,
      memberId: m._id,
      category: 'maintenance',
      amountFen: 100_000,
      occurredAt: '2026-11-17T10:00:00+08:00',
    });
    expect(earned.body.points).toBe(1000);
    // The member spends 600 of them.
    const spent = await api.runtime.services.db.memberStore.apply(m._id, 'test-spend', {}, (current) => {
      const decision = redeemPoints(current.account, {
        entryId: `spend:${m._id}`,
        points: 600,
        now: api.now(),
        reference: null,
      });
      if (!decision.ok) return { ok: false, failure: decision };
      return { ok: true, update: { account: decision.account }, entries: decision.entries, result: null };
    });
    expect(spent.status).toBe('applied');

    const refund = await api.post(`/api/v1/transactions/${id}/refund`, { reason: '客户退单' }, 'store');
    expect(refund.status).toBe(200);
    expect(refund.body).toMatchObject({
      pointsReversed: 1000,
      debtRecorded: 600,
      balance: { available: 0, debt: 600 },
    });
    const again = await api.post(`/api/v1/transactions/${id}/refund`, {}, 'store');
    expect(again.body).toMatchObject({ pointsReversed: 1000, debtRecorded: 600, duplicate: true });

    const next = await api.post('/api/v1/transactions', {
      transactionId: txnId('R2'),
      memberId: m._id,
      category: 'maintenance',
      amountFen: 100_000,
      occurredAt: '2026-11-18T10:00:00+08:00',
    });
    // Member day ×2: 2,000 points, of which 600 pay the debt.
    expect(next.body.points).toBe(2000);
    expect(next.body.balance).toEqual({ available: 1400, pending: 0 });
    const stored = await member(m._id);
    expect(stored.account.debt).toBe(0);
    await expectLedgerReplays(m._id);
  });

  it('answers 404 for an unknown transaction', async () => {
    const res = await api.post('/api/v1/transactions/NOPE-1/refund', {}, 'store');
    expect(res.status).toBe(404);
  });
});

describe('member look-up', () => {
  it('finds by mobile with the mobile masked for store staff, and explains the ledger', async () => {
    const m = await api.insertMember();
    await api.post('/api/v1/transactions', {
      transactionId: txnId('L'),
      memberId: m._id,
      category: 'accessories',
      amountFen: 20_000,
      occurredAt: '2026-11-18T10:00:00+08:00',
    });
    const found = await api.get(`/api/v1/members?mobile=${m.mobile}`, 'store');
    expect(found.status).toBe(200);
    expect(found.body.members).toHaveLength(1);
    expect(found.body.members[0].mobile).toBe(`${m.mobile!.slice(0, 3)}****${m.mobile!.slice(7)}`);
    const asAdmin = await api.get(`/api/v1/members?mobile=${m.mobile}`, 'admin');
    expect(asAdmin.body.members[0].mobile).toBe(m.mobile);
    const ledger = await api.get(`/api/v1/members/${m._id}/ledger`, 'marketing');
    expect(ledger.body.entries[0]).toMatchObject({ type: 'earn', points: 440 });
    expect(ledger.body.entries[0].explanation).toContain('精品');
    const injected = await api.get('/api/v1/members?mobile[$gt]=', 'store');
    expect(injected.status).toBe(400);
  });
});

describe('transaction follow-ups', () => {
  it('runs a follow-up again from the recovery sweep when it was cut off', async () => {
    const m = await api.insertMember();
    const calls: string[] = [];
    let failNext = true;
    api.runtime.services.transactions.onApplied(async ({ transaction }) => {
      if (transaction.memberId !== m._id) return;
      calls.push(transaction._id);
      if (failNext) {
        failNext = false;
        throw new Error('process died here');
      }
    });
    const id = txnId('FU');
    const res = await api.post('/api/v1/transactions', {
      transactionId: id,
      memberId: m._id,
      category: 'maintenance',
      amountFen: 10_000,
      occurredAt: '2026-11-18T10:00:00+08:00',
    });
    expect(res.status).toBe(201);
    expect(calls).toEqual([id]);
    // Too recent for the sweep: it might still be running in another process.
    await api.runtime.services.transactions.recoverStuck();
    expect(calls).toEqual([id]);
    api.setNow(new Date(api.now().getTime() + 60_000));
    await api.runtime.services.transactions.recoverStuck();
    expect(calls).toEqual([id, id]);
    await api.runtime.services.transactions.recoverStuck();
    expect(calls).toEqual([id, id]);
    api.setNow('2026-11-18T10:00:00+08:00');
  });
});
