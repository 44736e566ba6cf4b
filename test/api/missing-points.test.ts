import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/data/database';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { balanceOf, expectLedgerReplays, memberOf } from '../helpers/member-points';

let h: ApiHarness;
let db: Database;

beforeAll(async () => {
  h = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
  db = h.runtime.services.db;
});
afterAll(async () => {
  await h?.stop();
});

async function openReport(memberId: string, extra: Record<string, unknown> = {}) {
  const res = await h.post(
    `/api/v1/members/${memberId}/missing-points`,
    {
      date: '2026-11-20',
      amountFen: 123_456,
      invoiceUrl: 'https://img.example.com/i/1.jpg',
      note: '保养后没收到积分',
      ...extra,
    },
    'store',
  );
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

describe('points-missing reports (积分没到账)', () => {
  it('opens a report and lists it in the staff queue', async () => {
    const member = await h.insertMember();
    const report = await openReport(member._id);
    expect(report).toMatchObject({
      memberId: member._id,
      storeId: 'main',
      status: 'open',
      notifiedAt: null,
      outcome: null,
    });
    const queue = await h.get('/api/v1/missing-points?status=open', 'store');
    expect(queue.status).toBe(200);
    expect(queue.body.reports.map((r: { id: string }) => r.id)).toContain(report.id);
    expect((await h.get('/api/v1/missing-points?storeId=other', 'store')).status).toBe(403);
    expect((await h.get('/api/v1/missing-points', 'marketing')).status).toBe(403);
    expect(
      (
        await h.post(
          '/api/v1/members/0123456789abcdef01234567/missing-points',
          { date: '2026-11-20', amountFen: 1 },
          'store',
        )
      ).status,
    ).toBe(404);
  });

  it('resolves exactly once under 10 concurrent identical requests, with qualifying points', async () => {
    const member = await h.insertMember();
    const report = await openReport(member._id);
    const body = { points: 1_234, reason: '核对发票属实，补录保养积分' };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => h.post(`/api/v1/missing-points/${report.id}/resolve`, body, 'store')),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(results.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect(results[0]!.body).toMatchObject({
      status: 'resolved',
      // Handed to delivery as one message (the member is told: test/conversation/missing-points-outcome).
      notifiedAt: h.now().toISOString(),
      outcome: { status: 'resolved', points: 1_234, message: expect.stringContaining('1,234 积分') },
    });
    expect(await db.delivery.deliveries.countDocuments({ memberId: member._id })).toBe(1);
    expect(await balanceOf(db, member._id, h.now())).toBe(1_234);
    await db.memberStore.drain();
    expect(await db.ledger.countDocuments({ opKey: `missing-report:${report.id}` })).toBe(1);
    expect((await memberOf(db, member._id)).tier.qualifyingPoints).toBe(1_234);
    await expectLedgerReplays(db, member._id);

    const reject = await h.post(`/api/v1/missing-points/${report.id}/reject`, { reason: '重复' }, 'store');
    expect(reject.status).toBe(409);
    expect(reject.body.error.code).toBe('already_decided');
    const other = await h.post(
      `/api/v1/missing-points/${report.id}/resolve`,
      { points: 99, reason: '另一次' },
      'store',
    );
    expect(other.status).toBe(409);
    const queue = await h.get('/api/v1/missing-points', 'store');
    expect(queue.body.reports.map((r: { id: string }) => r.id)).not.toContain(report.id);
  });

  it('a goodwill resolution can leave tier progress alone', async () => {
    const member = await h.insertMember();
    const report = await openReport(member._id);
    const res = await h.post(`/api/v1/missing-points/${report.id}/resolve`, {
      points: 200,
      reason: '致歉补偿',
      qualifying: false,
    });
    expect(res.status).toBe(200);
    expect((await memberOf(db, member._id)).tier.qualifyingPoints).toBe(0);
  });

  it('rejects exactly once with a reason; a later resolve is refused and nothing is credited', async () => {
    const member = await h.insertMember();
    const report = await openReport(member._id);
    const results = await Promise.all([
      h.post(
        `/api/v1/missing-points/${report.id}/reject`,
        { reason: '该笔消费已在 11 月 20 日入账' },
        'store',
      ),
      h.post(`/api/v1/missing-points/${report.id}/resolve`, { points: 500, reason: '补录' }, 'store'),
      h.post(
        `/api/v1/missing-points/${report.id}/reject`,
        { reason: '该笔消费已在 11 月 20 日入账' },
        'store',
      ),
    ]);
    const winners = results.filter((r) => r.status === 200);
    expect(winners.length).toBeGreaterThanOrEqual(1);
    const decided = winners[0]!.body.status as string;
    if (decided === 'rejected') {
      expect(await balanceOf(db, member._id, h.now())).toBe(0);
      expect(results.filter((r) => r.status === 409)).toHaveLength(1);
      expect(winners[0]!.body.outcome).toMatchObject({
        status: 'rejected',
        points: 0,
        reason: '该笔消费已在 11 月 20 日入账',
      });
    } else {
      expect(await balanceOf(db, member._id, h.now())).toBe(500);
      expect(results.filter((r) => r.status === 409)).toHaveLength(2);
    }
  });

  it('validates input and rejects operator injection', async () => {
    const member = await h.insertMember();
    const report = await openReport(member._id);
    expect(
      (await h.post(`/api/v1/missing-points/${report.id}/resolve`, { points: 0, reason: 'x' })).status,
    ).toBe(400);
    expect((await h.post(`/api/v1/missing-points/${report.id}/resolve`, { points: 10 })).status).toBe(400);
    expect((await h.post(`/api/v1/missing-points/${report.id}/reject`, { reason: { $ne: '' } })).status).toBe(
      400,
    );
    expect(
      (
        await h.post(
          `/api/v1/members/${member._id}/missing-points`,
          { date: '2026-02-30', amountFen: 1 },
          'store',
        )
      ).status,
    ).toBe(400);
    expect(
      (await h.post('/api/v1/missing-points/0123456789abcdef01234567/reject', { reason: 'x' })).status,
    ).toBe(404);
  });

  it('finishes a resolution claimed before a crash, once (recoverStuck)', async () => {
    const member = await h.insertMember();
    const report = await openReport(member._id);
    // The claim was written, then the process died before the credit.
    await db.membership.missingPointsReports.updateOne(
      { _id: report.id },
      {
        $set: {
          status: 'resolving',
          decidedAt: h.now(),
          decision: {
            kind: 'resolve',
            points: 321,
            qualifyingPoints: 321,
            reason: '补录',
            at: h.now(),
            byRole: 'store',
          },
        },
      },
    );
    h.setNow(new Date(h.now().getTime() + 60_000));
    const missing = h.runtime.services.missingPoints;
    expect(await missing.recoverStuck()).toBe(1);
    expect(await missing.recoverStuck()).toBe(0);
    expect(await balanceOf(db, member._id, h.now())).toBe(321);
    const stored = await db.membership.missingPointsReports.findById(report.id).lean();
    expect(stored?.status).toBe('resolved');
  });

  it('erasing the member scrubs the note and invoice of their reports', async () => {
    const member = await h.insertMember();
    const report = await openReport(member._id);
    expect((await h.post(`/api/v1/members/${member._id}/erase`, {})).status).toBe(200);
    const stored = await db.membership.missingPointsReports.findById(report.id).lean();
    expect(stored).toMatchObject({ note: null, invoice: null });
  });
});
