import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/data/database';
import type { ImportReport } from '../../src/services/member-import-service';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { balanceOf, expectLedgerReplays, memberOf } from '../helpers/member-points';
import { testKeys } from '../helpers/test-config';

let h: ApiHarness;
let db: Database;
let existingMobile: string;

beforeAll(async () => {
  h = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
  db = h.runtime.services.db;
  existingMobile = (await h.insertMember({ mobile: '13911110007' })).mobile!;
});
afterAll(async () => {
  await h?.stop();
});

async function upload(body: string, contentType: string, role: keyof typeof testKeys = 'admin') {
  const res = await fetch(`${h.url}/api/v1/members/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testKeys[role]}`, 'content-type': contentType },
    body,
  });
  return {
    status: res.status,
    body: (await res.json()) as ImportReport & { error?: { code: string; message: string } },
  };
}

const csv = [
  '\uFEFFname,mobile,birthday,plate,model,openingBalance,openingBalanceEarnedAt,privacyConsentAt,privacyPolicyVersion,marketingConsent',
  '张三,13911110001,1980-01-02,沪A 12345,途观,2000,2024-01-15,2024-01-15,2023-01,是',
  '"李, ""四""",13911110002,,,,,,,,',
  '王五,12345,,,,,,,,',
  '赵六,13911110004,2030-01-01,,,,,,,',
  '钱七,13911110005,,,,500,,,,',
  '孙八,13911110001,,,,,,,,',
  '周九,13911110007,,,,,,,,',
  '吴十,13911110008,,,,800,2023-10-01,,,',
  '郑一,13911110009,,,,300,2023-12-10,,,',
  '',
].join('\r\n');

const memberByMobile = async (mobile: string) => (await db.members.findOne({ mobile }).lean())!;

describe('POST /api/v1/members/import', () => {
  it('imports good rows, reports bad and duplicate rows in Chinese, credits opening balances by their earn date', async () => {
    expect(existingMobile).toBe('13911110007');
    const res = await upload(csv, 'text/csv; charset=utf-8');
    expect(res.status).toBe(200);
    const report = res.body;
    expect(report.total).toBe(9);
    expect(report.accepted).toBe(4);
    expect(report.rejected.map((r) => r.row)).toEqual([4, 5, 6]);
    expect(report.rejected[0]!.reason).toContain('手机号');
    expect(report.rejected[1]!.reason).toContain('生日');
    expect(report.rejected[2]!.reason).toContain('积分获得日期');
    expect(report.duplicates).toEqual([
      { row: 7, reason: '与第 2 行手机号重复', memberId: null },
      {
        row: 8,
        reason: '该手机号已是会员',
        memberId: expect.stringMatching(/^[0-9a-f]{24}$/),
      },
    ]);
    expect(report.openingBalances).toEqual({
      credited: 2,
      points: 2_300,
      expired: [{ row: 9, points: 800, expiresAt: '2026-10-31T15:59:59.999Z' }],
    });

    const zhang = await memberByMobile('13911110001');
    expect(zhang).toMatchObject({
      name: '张三',
      birthday: { month: 1, day: 2, year: 1980 },
      marketingConsent: true,
      vehicles: [expect.objectContaining({ plate: '沪A12345', model: '途观' })],
      consents: [
        expect.objectContaining({
          kind: 'privacy',
          version: '2023-01',
          channel: 'import',
          at: new Date('2024-01-14T16:00:00Z'),
        }),
        expect.objectContaining({ kind: 'marketing', granted: true, channel: 'import' }),
      ],
    });
    // Existing members get no welcome points or voucher; the opening lot expires 36 months after its earn month.
    expect(await balanceOf(db, zhang._id, h.now())).toBe(2_000);
    expect(zhang.account.lots[0]).toMatchObject({
      amount: 2_000,
      expiresAt: new Date('2027-01-31T15:59:59.999Z'),
    });
    expect(await db.vouchers.countDocuments({ memberId: zhang._id })).toBe(0);
    await db.memberStore.drain();
    expect(await db.ledger.countDocuments({ memberId: zhang._id })).toBe(1);
    expect((await memberByMobile('13911110002')).name).toBe('李, "四"');
    expect(await balanceOf(db, (await memberByMobile('13911110008'))._id, h.now())).toBe(0);
    await expectLedgerReplays(db, zhang._id);
  });

  it('re-importing the same file changes nothing and reports the rows as already members', async () => {
    await db.memberStore.drain();
    const ledgerBefore = await db.ledger.countDocuments({});
    const membersBefore = await db.members.countDocuments({});
    const res = await upload(csv, 'text/csv');
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(0);
    expect(res.body.duplicates.filter((d) => d.reason === '该手机号已是会员').map((d) => d.row)).toEqual([
      2, 3, 8, 9, 10,
    ]);
    expect(res.body.openingBalances.credited).toBe(0);
    await db.memberStore.drain();
    expect(await db.ledger.countDocuments({})).toBe(ledgerBefore);
    expect(await db.members.countDocuments({})).toBe(membersBefore);
  });

  it('takes JSON lines too, and rejects operator injection in a line as a bad row', async () => {
    const lines = [
      JSON.stringify({
        name: '冯二',
        mobile: '13911110011',
        openingBalance: 100,
        openingBalanceEarnedAt: '2026-11-01',
      }),
      JSON.stringify({ name: '陈三', mobile: { $gt: '' } }),
      '{not json',
      JSON.stringify({ name: '褚四', mobile: '13911110012', $where: 'sleep(1)' }),
    ].join('\n');
    const res = await upload(lines, 'application/x-ndjson');
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected.map((r) => r.row)).toEqual([2, 3, 4]);
    expect(await db.members.countDocuments({ mobile: '13911110012' })).toBe(0);
  });

  it('is admin-only, needs CSV or JSON lines, and refuses an unknown column', async () => {
    expect((await upload(csv, 'text/csv', 'store')).status).toBe(403);
    expect((await upload(csv, 'text/plain')).status).toBe(415);
    const bad = await upload('name,mobile,salary\n甲,13911110020,1\n', 'text/csv');
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toContain('salary');
  });

  it('spends an imported balance first-expiring-first, and expires what is left of it on time', async () => {
    const zheng = await memberByMobile('13911110009');
    const txn = await h.post(
      '/api/v1/transactions',
      {
        transactionId: 'import-fifo-1',
        memberId: zheng._id,
        category: 'maintenance',
        amountFen: 150_000,
        occurredAt: h.now().toISOString(),
      },
      'store',
    );
    expect(txn.status).toBe(201);
    expect(txn.body.points).toBe(1_650);
    const redeemed = await h.post(
      `/api/v1/members/${zheng._id}/redemptions`,
      { rewardId: 'car-wash', requestId: 'import-fifo-r1' },
      'store',
    );
    expect(redeemed.status).toBe(201);
    // 1,500 = the imported 300 (expiring 2026-12-31) first, then 1,200 of the new lot.
    const member = await memberOf(db, zheng._id);
    expect(member.account.lots.map((l) => [l.amount, l.remaining])).toEqual([
      [300, 0],
      [1_650, 450],
    ]);
    h.setNow('2027-01-01T10:00:00+08:00');
    expect(await balanceOf(db, zheng._id, h.now())).toBe(450);
    await expectLedgerReplays(db, zheng._id);
  });
});
