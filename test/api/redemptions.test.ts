import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/data/database';
import type { RedemptionRecord } from '../../src/data/models/redemption-model';
import type { RewardRecord } from '../../src/data/models/reward-model';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness';
import { balanceOf, expectLedgerReplays, givePoints, memberOf } from '../helpers/member-points';

let h: ApiHarness;
let db: Database;
let seq = 0;

beforeAll(async () => {
  h = await startApiHarness({ now: '2026-11-25T10:00:00+08:00' });
  db = h.runtime.services.db;
});
afterAll(async () => {
  await h?.stop();
});

const program = () => h.runtime.services.program.current();

async function memberWith(points: number): Promise<string> {
  const member = await h.insertMember();
  if (points > 0) await givePoints(db, program(), member._id, points, h.now());
  return member._id;
}

async function newReward(fields: Record<string, unknown> = {}): Promise<string> {
  const id = `test-reward-${++seq}`;
  const res = await h.post(
    '/api/v1/rewards',
    { id, name: `测试礼品${seq}`, cost: 1_000, validityDays: 30, ...fields },
    'marketing',
  );
  expect(res.status).toBe(201);
  return id;
}

const redeem = (
  memberId: string,
  rewardId: string,
  requestId: string,
  role: 'admin' | 'store' | 'marketing' = 'store',
) => h.post(`/api/v1/members/${memberId}/redemptions`, { rewardId, requestId }, role);

describe('reward catalogue', () => {
  it('seeds the default catalogue once and never overwrites staff edits', async () => {
    const list = await h.get('/api/v1/rewards', 'store');
    expect(list.status).toBe(200);
    const ids = list.body.rewards.map((r: { id: string }) => r.id);
    expect(ids).toEqual(
      expect.arrayContaining(['car-wash', 'cabin-filter', 'car-fragrance', 'airport-transfer']),
    );
    const fragrance = list.body.rewards.find((r: { id: string }) => r.id === 'car-fragrance');
    expect(fragrance).toMatchObject({ cost: 3_000, stock: 200, active: true });

    const edited = await h.patch('/api/v1/rewards/car-fragrance', { stock: 150, cost: 3_500 }, 'marketing');
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ stock: 150, cost: 3_500 });
    expect(await h.runtime.services.rewards.seedCatalogue()).toBe(0);
    const after = await db.rewards.findById('car-fragrance').lean<RewardRecord>();
    expect(after).toMatchObject({ stock: 150, cost: 3_500 });
  });

  it('lets marketing create and patch rewards, not store staff; validates tiers, stores and fields', async () => {
    const body = { id: 'store-made', name: '门店礼品', cost: 100, validityDays: 10 };
    expect((await h.post('/api/v1/rewards', body, 'store')).status).toBe(403);
    expect((await h.patch('/api/v1/rewards/car-wash', { active: false }, 'store')).status).toBe(403);
    expect((await h.post('/api/v1/rewards', { ...body, minTier: 'platinum' }, 'marketing')).status).toBe(400);
    expect((await h.post('/api/v1/rewards', { ...body, storeIds: ['nowhere'] }, 'marketing')).status).toBe(
      400,
    );
    expect((await h.post('/api/v1/rewards', { ...body, cost: 1.5 }, 'marketing')).status).toBe(400);
    expect((await h.post('/api/v1/rewards', { ...body, extra: 1 }, 'marketing')).status).toBe(400);
    expect((await h.post('/api/v1/rewards', body, 'marketing')).status).toBe(201);
    expect((await h.post('/api/v1/rewards', body, 'marketing')).status).toBe(409);
    expect((await h.patch('/api/v1/rewards/no-such-reward', { cost: 5 }, 'marketing')).status).toBe(404);
    expect((await h.patch('/api/v1/rewards/store-made', {}, 'marketing')).status).toBe(400);
    const off = await h.patch('/api/v1/rewards/store-made', { active: false }, 'admin');
    expect(off.body.active).toBe(false);
    const active = await h.get('/api/v1/rewards?active=true', 'marketing');
    expect(active.body.rewards.some((r: { id: string }) => r.id === 'store-made')).toBe(false);
  });
});

describe('POST /members/{id}/redemptions', () => {
  it('200 concurrent redemptions by one member whose balance covers exactly 7 → exactly 7 vouchers', async () => {
    const rewardId = await newReward({ cost: 1_000 });
    const memberId = await memberWith(7_450);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => redeem(memberId, rewardId, `one-member-${i}`)),
    );
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(7);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(193);
    for (const r of refused) expect(r.body.error.code).toBe('insufficient_points');
    expect(new Set(created.map((r) => r.body.voucher.code)).size).toBe(7);

    expect(await balanceOf(db, memberId, h.now())).toBe(450);
    expect(await db.vouchers.countDocuments({ memberId, status: 'issued' })).toBe(7);
    expect(await db.redemptions.countDocuments({ memberId, status: 'completed' })).toBe(7);
    const ledger = await db.memberStore.ledgerOf(memberId);
    expect(ledger.filter((e) => e.type === 'redeem')).toHaveLength(7);
    await expectLedgerReplays(db, memberId);
  });

  it('200 members racing for a reward with stock 5 → exactly 5 vouchers, stock 0, nobody else loses a point', async () => {
    const rewardId = await newReward({ cost: 300, stock: 5 });
    const members: string[] = [];
    for (let i = 0; i < 200; i++) members.push(await memberWith(1_000));
    const results = await Promise.all(members.map((id, i) => redeem(id, rewardId, `stock-race-${i}`)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused.every((r) => r.status === 409 && r.body.error.code === 'out_of_stock')).toBe(true);

    const reward = await db.rewards.findById(rewardId).lean<RewardRecord>();
    expect(reward).toMatchObject({ stock: 0, reservations: [] });
    expect(await db.vouchers.countDocuments({ rewardId })).toBe(5);
    const balances = await Promise.all(members.map((id) => balanceOf(db, id, h.now())));
    expect(balances.filter((b) => b === 700)).toHaveLength(5);
    expect(balances.filter((b) => b === 1_000)).toHaveLength(195);
    for (const [i, r] of results.entries()) if (r.status === 201) await expectLedgerReplays(db, members[i]!);
  });

  it('a repeated requestId (concurrent and later) gives one voucher and the same body', async () => {
    const rewardId = await newReward({ cost: 500, stock: 10 });
    const memberId = await memberWith(5_000);
    const burst = await Promise.all(
      Array.from({ length: 20 }, () => redeem(memberId, rewardId, 'same-request')),
    );
    expect(burst.filter((r) => r.status === 201)).toHaveLength(1);
    expect(burst.filter((r) => r.status === 200)).toHaveLength(19);
    const later = await redeem(memberId, rewardId, 'same-request');
    expect(later.status).toBe(200);
    const { duplicate: _d, ...first } = burst.find((r) => r.status === 201)!.body;
    const { duplicate, ...again } = later.body;
    expect(duplicate).toBe(true);
    expect(again).toEqual(first);
    expect(await db.vouchers.countDocuments({ memberId })).toBe(1);
    expect(await balanceOf(db, memberId, h.now())).toBe(4_500);
    expect((await db.rewards.findById(rewardId).lean<RewardRecord>())?.stock).toBe(9);

    const other = await memberWith(5_000);
    const conflict = await redeem(other, rewardId, 'same-request');
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('request_conflict');
  });

  it('holds a per-member limit of 1 a month under concurrency, and counts again next month', async () => {
    const rewardId = await newReward({ cost: 100, perMemberLimit: { count: 1, period: 'month' } });
    const memberId = await memberWith(10_000);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => redeem(memberId, rewardId, `limit-${i}`)),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body.error).toMatchObject({ code: 'limit_reached', details: { limit: 1, period: 'month' } });
    }
    expect(await balanceOf(db, memberId, h.now())).toBe(9_900);
    // Those that passed the first check were compensated, with the reason recorded.
    const compensated = await db.redemptions
      .find({ memberId, status: 'compensated' })
      .lean<RedemptionRecord[]>();
    for (const r of compensated) expect(r.failure?.reason).toBe('limit_reached');

    const saved = h.now();
    h.setNow('2026-12-01T09:00:00+08:00');
    try {
      expect((await redeem(memberId, rewardId, 'limit-december')).status).toBe(201);
      expect((await redeem(memberId, rewardId, 'limit-december-2')).status).toBe(409);
      const member = await memberOf(db, memberId);
      // Last month's counter is dropped once a new window counts.
      expect(Object.keys(member.redemptionCounts).filter((k) => k.startsWith(`${rewardId}|`))).toEqual([
        `${rewardId}|month|2026-12-01`,
      ]);
    } finally {
      h.setNow(saved);
    }
    await expectLedgerReplays(db, memberId);
  });

  it('answers what stands in the way: points missing, tier, unknown member or reward, inactive', async () => {
    const memberId = await memberWith(1_200);
    const short = await redeem(memberId, 'car-wash', 'short-1');
    expect(short.status).toBe(409);
    expect(short.body.error).toMatchObject({ code: 'insufficient_points', details: { missing: 300 } });
    expect(short.body.error.message).toContain('300 积分');

    const tier = await redeem(memberId, 'airport-transfer', 'tier-1');
    expect(tier.body.error).toMatchObject({ code: 'tier_too_low', details: { requiredTier: 'diamond' } });
    expect((await redeem('0123456789abcdef01234567', 'car-wash', 'nobody-1')).status).toBe(404);
    expect((await redeem(memberId, 'no-such-reward', 'nothing-1')).body.error.code).toBe('reward_not_found');

    const hidden = await newReward({ cost: 10, active: false });
    expect((await redeem(memberId, hidden, 'inactive-1')).body.error.code).toBe('reward_inactive');
    // Nothing was written for requests refused before any step.
    expect(await db.redemptions.countDocuments({ memberId })).toBe(0);
    expect(await balanceOf(db, memberId, h.now())).toBe(1_200);
  });

  it('checks roles and rejects operator injection and malformed input', async () => {
    const memberId = await memberWith(5_000);
    expect((await redeem(memberId, 'car-wash', 'role-1', 'marketing')).status).toBe(403);
    const injected = await h.post(`/api/v1/members/${memberId}/redemptions`, {
      rewardId: { $gt: '' },
      requestId: 'inject-1',
    });
    expect(injected.status).toBe(400);
    const injectedKey = await h.post(`/api/v1/members/${memberId}/redemptions`, {
      rewardId: 'car-wash',
      requestId: 'inject-2',
      $where: '1',
    });
    expect(injectedKey.status).toBe(400);
    expect((await h.post(`/api/v1/members/${memberId}/redemptions`, { rewardId: 'car-wash' })).status).toBe(
      400,
    );
    expect(
      (await h.post('/api/v1/members/not-an-id/redemptions', { rewardId: 'car-wash', requestId: 'x' }))
        .status,
    ).toBe(400);
    expect(
      (
        await h.post(
          '/api/v1/rewards',
          { id: 'inj', name: { $ne: 1 }, cost: 1, validityDays: 1 },
          'marketing',
        )
      ).status,
    ).toBe(400);
    expect(await db.redemptions.countDocuments({ memberId })).toBe(0);
  });
});

describe('erasure (注销) and reward vouchers', () => {
  const stockOf = async (rewardId: string) =>
    (await db.rewards.findById(rewardId).lean<RewardRecord>())!.stock;

  it('voids the unused reward voucher and puts its unit back in stock, without giving points back', async () => {
    const rewardId = await newReward({ stock: 5 });
    const memberId = await memberWith(3_000);
    const bought = await redeem(memberId, rewardId, `erase-stock-${memberId}`);
    expect(bought.status).toBe(201);
    expect(await stockOf(rewardId)).toBe(4);
    const accountBefore = (await memberOf(db, memberId)).account;

    expect((await h.post(`/api/v1/members/${memberId}/erase`, {})).status).toBe(200);
    expect(await stockOf(rewardId)).toBe(5);
    const voucher = await db.vouchers.findOne({ code: bought.body.voucher.code }).lean();
    expect(voucher?.status).toBe('cancelled');
    const record = await db.redemptions
      .findOne({ requestId: `erase-stock-${memberId}` })
      .lean<RedemptionRecord>();
    expect(record).toMatchObject({ status: 'cancelled', cancellation: { result: { pointsReturned: 0 } } });
    expect((await memberOf(db, memberId)).account).toEqual(accountBefore);
    // A repeat (or a staff cancel afterwards) gives nothing back a second time.
    expect((await h.post(`/api/v1/members/${memberId}/erase`, {})).status).toBe(200);
    expect((await h.post(`/api/v1/vouchers/${bought.body.voucher.code}/cancel`, {})).body.duplicate).toBe(
      true,
    );
    expect(await stockOf(rewardId)).toBe(5);
  });

  it('finishes a unit return that a crash interrupted after the voucher was voided', async () => {
    const rewardId = await newReward({ stock: 2 });
    const memberId = await memberWith(3_000);
    const bought = await redeem(memberId, rewardId, `erase-crash-${memberId}`);
    expect(await stockOf(rewardId)).toBe(1);
    // The crash: the voucher was voided, nothing after it happened.
    await h.runtime.services.vouchers.markCancelled(bought.body.voucher.code);

    expect((await h.post(`/api/v1/members/${memberId}/erase`, {})).status).toBe(200);
    expect(await stockOf(rewardId)).toBe(2);
    expect((await h.post(`/api/v1/members/${memberId}/erase`, {})).status).toBe(200);
    expect(await stockOf(rewardId)).toBe(2);
  });
});
