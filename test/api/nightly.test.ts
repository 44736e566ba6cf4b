import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberRecord } from '../../src/data/models/member-model';
import { replayLedger } from '../../src/rules/replay-ledger';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness({ now: '2026-11-20T10:00:00+08:00' });
});
afterAll(() => api?.stop());

const load = async (id: string) => (await api.runtime.services.db.members.findById(id).lean<MemberRecord>())!;

describe('nightly account run', () => {
  it('activates due pending points once, and only reads members that are due', async () => {
    const idle = await api.insertMember();
    const buyer = await api.insertMember();
    const res = await api.post('/api/v1/transactions', {
      transactionId: `NIGHT-CAR-${Date.now()}`,
      memberId: buyer._id,
      category: 'vehicle',
      amountFen: 10_000_000,
      occurredAt: '2026-11-20T09:00:00+08:00',
    });
    expect(res.body).toMatchObject({ status: 'pending', points: 11_000 });

    // Before the 14 days are over nothing is due.
    const early = await api.runtime.services.nightly.run(new Date('2026-12-03T00:30:00+08:00'));
    expect(early.activated).toBe(0);

    api.setNow('2026-12-05T00:30:00+08:00');
    const first = await api.runtime.services.nightly.run(api.now());
    expect(first).toMatchObject({ membersDue: 1, membersChanged: 1, activated: 1 });
    const second = await api.runtime.services.nightly.run(api.now());
    expect(second).toMatchObject({ membersChanged: 0, activated: 0 });

    const after = await load(buyer._id);
    expect(after.account.pending).toHaveLength(0);
    expect(after.tier.qualifyingPoints).toBe(10_000);
    const detail = await api.get(`/api/v1/members/${buyer._id}`);
    expect(detail.body.balance).toMatchObject({ available: 11_000, pending: 0 });
    const entries = await api.runtime.services.db.memberStore.ledgerOf(buyer._id);
    expect(JSON.parse(JSON.stringify(replayLedger(entries)))).toEqual(
      JSON.parse(JSON.stringify(after.account)),
    );
    expect((await load(idle._id)).rev).toBe(0);
  });

  it('expires lots at the end of the 36th month, writing expiry entries once even when two runs race', async () => {
    api.setNow('2026-11-20T10:00:00+08:00');
    const m = await api.insertMember();
    await api.post('/api/v1/transactions', {
      transactionId: `NIGHT-EXP-${Date.now()}`,
      memberId: m._id,
      category: 'maintenance',
      amountFen: 30_000,
      occurredAt: '2026-11-20T09:00:00+08:00',
    });
    const before = await load(m._id);
    expect(before.account.lots[0]?.expiresAt.toISOString()).toBe('2029-11-30T15:59:59.999Z');

    const at = new Date('2029-12-01T00:30:00+08:00');
    const [a, b] = await Promise.all([
      api.runtime.services.nightly.run(at),
      api.runtime.services.nightly.run(at),
    ]);
    expect(a.expired + b.expired).toBe(1);
    expect(a.expiredPoints + b.expiredPoints).toBe(330);
    const ledger = await api.runtime.services.db.memberStore.ledgerOf(m._id);
    expect(ledger.filter((e) => e.type === 'expire')).toHaveLength(1);
    api.setNow(at);
    expect((await api.get(`/api/v1/members/${m._id}`)).body.balance.available).toBe(0);
  });

  it('reviews the tier on the anniversary: at most one level down', async () => {
    api.setNow('2026-11-20T10:00:00+08:00');
    const m = await api.insertMember({ signedUpAt: new Date('2025-11-21T12:00:00+08:00') });
    await api.runtime.services.db.members.updateOne(
      { _id: m._id },
      { $set: { tier: { ...m.tier, tierCode: 'diamond', qualifyingPoints: 500 } } },
    );
    const counts = await api.runtime.services.nightly.run(new Date('2026-11-21T00:30:00+08:00'));
    expect(counts.tierReviews.down).toBeGreaterThanOrEqual(1);
    const after = await load(m._id);
    expect(after.tier).toMatchObject({ tierCode: 'gold', qualifyingPoints: 0, yearStart: '2026-11-21' });
    expect(after.tierReviewAt.toISOString()).toBe('2027-11-20T16:00:00.000Z');
  });
});
