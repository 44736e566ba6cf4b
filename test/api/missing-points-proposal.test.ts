import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';

/**
 * The 积分补录 queue: each report comes with its member (name, masked mobile) and the points the
 * rules engine proposes for the reported amount and date, per category, the likeliest first.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
});
afterAll(() => h?.stop());

async function report(memberId: string, date: string, amountFen: number) {
  const res = await h.post(`/api/v1/members/${memberId}/missing-points`, { date, amountFen }, 'store');
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function queueRow(id: string, role: 'store' | 'admin' = 'store') {
  const queue = await h.get('/api/v1/missing-points', role);
  expect(queue.status).toBe(200);
  return queue.body.reports.find((r: { id: string }) => r.id === id);
}

describe('GET /missing-points: member and proposed points', () => {
  it('names the member (mobile masked but for admins) and proposes what a DMS transaction would earn', async () => {
    const member = await h.insertMember({ name: '陈女士', mobile: '13766668888' });
    const id = await report(member._id, '2026-11-20', 123_456);
    const row = await queueRow(id);
    expect(row.member).toEqual({ name: '陈女士', mobile: '137****8888', tierName: '铜卡' });
    expect((await queueRow(id, 'admin')).member.mobile).toBe('13766668888');

    // ¥1,234.56 of maintenance at 1 point a yuan = 1,234, and it would have been the member's
    // first transaction: +10 % = 123, so 1,357 — the same figures POST /transactions gives.
    expect(row.proposedPoints).toBe(1_357);
    expect(row.proposals.map((p: { category: string }) => p.category)).toEqual([
      'maintenance',
      'repair',
      'vehicle',
      'parts',
      'accessories',
      'insurance',
    ]);
    expect(row.proposals[0]).toMatchObject({
      category: 'maintenance',
      categoryName: '保养',
      points: 1_357,
      qualifyingPoints: 1_234,
    });
    expect(row.proposals[0].explanation).toContain('保养消费 ¥1,234.56');
    expect(row.proposals[0].explanation).toContain('首笔消费奖励 10% +123 积分，共 1,357 积分');
    expect(row.proposals[0].explanation).not.toContain('到账');
    expect(row.proposals.find((p: { category: string }) => p.category === 'vehicle').points).toBe(135);

    const actual = await h.post(
      '/api/v1/transactions',
      {
        transactionId: 'DMS-PROPOSAL-CHECK',
        memberId: member._id,
        category: 'maintenance',
        amountFen: 123_456,
        occurredAt: '2026-11-20T12:00:00+08:00',
      },
      'store',
    );
    expect(actual.body.points).toBe(1_357);
  });

  it('applies the promotions of the reported date (member day ×2) and no bonus after a first purchase', async () => {
    const member = await h.insertMember({ name: '周先生' });
    const first = await h.post(
      '/api/v1/transactions',
      {
        transactionId: 'DMS-FIRST-ZHOU',
        memberId: member._id,
        category: 'parts',
        amountFen: 10_000,
        occurredAt: '2026-11-10T10:00:00+08:00',
      },
      'store',
    );
    expect(first.status).toBe(201);
    const id = await report(member._id, '2026-11-18', 50_000);
    const row = await queueRow(id);
    expect(row.proposedPoints).toBe(1_000);
    expect(row.proposals[0].explanation).toContain('会员日 2 倍');
  });

  it('an erased member: no name, no proposal', async () => {
    const member = await h.insertMember({ name: '吴先生' });
    const id = await report(member._id, '2026-11-20', 10_000);
    expect((await h.post(`/api/v1/members/${member._id}/erase`, {}, 'admin')).status).toBe(200);
    const row = await queueRow(id);
    expect(row).toMatchObject({ member: null, proposedPoints: null, proposals: [] });
  });
});
